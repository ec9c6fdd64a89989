package optim

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter 2019), as
// torch.optim.AdamW computes it:
//
//	x ← (1 − αλ) x                        (decoupled decay, before the step)
//	then Adam's update with d = ∇f(x) (no L2 term in the gradient)
//
// Unlike Adam's WeightDecay, the decay here is not divided by the adaptive
// denominator: every coordinate shrinks by the same factor.
//
// torch's defaults, which NewAdamW sets: Beta1 0.9, Beta2 0.999, Eps 1e-8,
// WeightDecay 1e-2 (torch's LR default is 1e-3). No field has a hidden
// default: WeightDecay 0 is no decay. Cost per Step: as Adam
// (the decay is fused into the same pass): 7 float64 words per element.
type AdamW struct {
	// LR is the learning rate α > 0.
	LR float64
	// Beta1, Beta2 ∈ [0,1).
	Beta1, Beta2 float64
	// Eps ε > 0.
	Eps float64
	// WeightDecay λ ≥ 0 is the decoupled decay.
	WeightDecay float64
	// AMSGrad divides by the running maximum of v.
	AMSGrad bool
	// NoBiasCorrection drops the 1/(1 − βᵗ) corrections.
	NoBiasCorrection bool
	// Maximize ascends instead of descends.
	Maximize bool

	adamState
}

// NewAdamW returns AdamW with learning rate lr and torch's other defaults
// (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, decoupled decay λ = 1e-2).
func NewAdamW(lr float64) *AdamW {
	return &AdamW{LR: lr, Beta1: DefaultAdamBeta1, Beta2: DefaultAdamBeta2, Eps: DefaultAdamEps,
		WeightDecay: DefaultAdamWWeightDecay}
}

// Step applies one AdamW update. It panics as Adam.Step does.
func (o *AdamW) Step(x, grad []float64) {
	checkNonNeg("AdamW", "WeightDecay", o.WeightDecay)
	o.step(adamConfig{
		name:   "AdamW",
		lr:     o.rate.get(o.LR, "AdamW"),
		b1:     o.Beta1,
		b2:     o.Beta2,
		eps:    o.Eps,
		wdec:   o.WeightDecay,
		ams:    o.AMSGrad,
		nobias: o.NoBiasCorrection,
		s:      sign(o.Maximize),
	}, x, grad)
}

// Reset forgets the moments, the step count and a rate set with SetLearningRate.
func (o *AdamW) Reset() { o.reset() }

// LearningRate returns the rate the next Step uses.
func (o *AdamW) LearningRate() float64 { return o.rate.get(o.LR, "AdamW") }

// SetLearningRate sets the rate for the following Steps (lr ≥ 0, finite).
func (o *AdamW) SetLearningRate(lr float64) { o.rate.put(lr, "AdamW") }
