package optim

import (
	"fmt"
	"math"
)

// Adam is adaptive moment estimation (Kingma & Ba 2015), as torch.optim.Adam
// computes it:
//
//	t ← t + 1
//	d ← ∇f(x) + λx                       (−∇f(x) + λx when Maximize; λ = WeightDecay, L2)
//	m ← β₁ m + (1 − β₁) d                 (first moment, starts at 0)
//	v ← β₂ v + (1 − β₂) d²                (second moment, starts at 0)
//	v̂ ← max(v̂, v) if AMSGrad, else v
//	x ← x − α/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
//
// ε sits outside the square root, as in torch and in Kingma & Ba (2015).
// NoBiasCorrection drops the two bias corrections (1 − βᵗ → 1). Since m
// and v start at zero, their early values are biased towards it, and by
// different amounts: the first uncorrected step is α(1 − β₁)/√(1 − β₂) ≈ 3.16α
// per coordinate (defaults), not α, and the early steps keep growing while
// √v lags behind m (notebook 04 measures them).
//
// WeightDecay here is L2 regularisation added to the gradient, which the
// adaptive denominator then rescales; AdamW decouples it.
//
// torch's defaults, which NewAdam sets: Beta1 0.9, Beta2 0.999, Eps 1e-8,
// no weight decay (torch's LR default is 1e-3). No field has a hidden
// default: Beta1 0 is β₁ = 0 (m = d, RMSProp with bias correction), and LR
// and Eps must be set (0 panics).
//
// Cost per Step: one pass with one square root and one division per element,
// reading x, grad, m, v and writing x, m, v: 7 float64 words (56 bytes) per
// element (AMSGrad: 9). m and v (and v̂) are allocated on the first Step.
type Adam struct {
	// LR is the learning rate α > 0.
	LR float64
	// Beta1, Beta2 are the moment decay rates β₁, β₂ ∈ [0,1).
	Beta1, Beta2 float64
	// Eps ε > 0.
	Eps float64
	// WeightDecay λ ≥ 0 adds λx to the gradient (L2, coupled).
	WeightDecay float64
	// AMSGrad divides by the running maximum of v (Reddi et al. 2018).
	AMSGrad bool
	// NoBiasCorrection drops the 1/(1 − βᵗ) corrections.
	NoBiasCorrection bool
	// Maximize ascends instead of descends.
	Maximize bool

	adamState
}

// torch's defaults for Adam and AdamW.
const (
	DefaultAdamBeta1 = 0.9
	DefaultAdamBeta2 = 0.999
	DefaultAdamEps   = 1e-8
	// DefaultAdamWWeightDecay is torch's decoupled decay for AdamW.
	DefaultAdamWWeightDecay = 1e-2
)

// NewAdam returns Adam with learning rate lr and torch's other defaults
// (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay).
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: DefaultAdamBeta1, Beta2: DefaultAdamBeta2, Eps: DefaultAdamEps}
}

// adamState is the state Adam and AdamW share.
type adamState struct {
	rate  rate
	m, v  []float64
	vmax  []float64 // AMSGrad
	steps int
}

func (st *adamState) reset() {
	st.rate, st.m, st.v, st.vmax, st.steps = rate{}, st.m[:0], st.v[:0], st.vmax[:0], 0
}

// adamConfig is one Step's resolved hyperparameters.
type adamConfig struct {
	name          string
	lr, b1, b2    float64
	eps, l2, wdec float64 // wdec: decoupled decay (AdamW)
	ams, nobias   bool
	s             float64
}

func (c *adamConfig) check() {
	checkUnit(c.name, "Beta1", c.b1)
	checkUnit(c.name, "Beta2", c.b2)
	checkEps(c.name, c.eps, DefaultAdamEps)
	checkNonNeg(c.name, "WeightDecay", c.l2+c.wdec)
}

// step is the Adam update shared by Adam and AdamW.
func (st *adamState) step(c adamConfig, x, grad []float64) {
	checkLens(c.name, x, grad, len(st.m))
	c.check()
	n := len(x)
	if st.steps == 0 {
		st.m = grow(st.m, n)
		st.v = grow(st.v, n)
		clear(st.m)
		clear(st.v)
		st.vmax = st.vmax[:0]
	}
	if c.ams && len(st.vmax) != n {
		if st.steps > 0 {
			panic(fmt.Sprintf("optim: %s.AMSGrad switched on after the first Step (call Reset)", c.name))
		}
		st.vmax = grow(st.vmax, n)
		clear(st.vmax)
	}
	st.steps++
	bc1, bc2 := 1.0, 1.0
	if !c.nobias {
		bc1 = 1 - powN(c.b1, st.steps)
		bc2 = 1 - powN(c.b2, st.steps)
	}
	stepSize := c.lr / bc1
	sbc2 := math.Sqrt(bc2)
	nss := -stepSize         // torch: addcdiv(m, denom, value=−stepSize) = x + (−stepSize·m)/denom
	decay := 1 - c.lr*c.wdec // AdamW's decoupled decay, fused (x·1 is exact for Adam)
	b1, b2, c1, c2, eps, l2, s := c.b1, c.b2, 1-c.b1, 1-c.b2, c.eps, c.l2, c.s
	x = x[:n]
	grad = grad[:n]
	m := st.m[:n]
	v := st.v[:n]
	if c.ams {
		vm := st.vmax[:n]
		for i, g := range grad {
			xi := x[i] * decay
			d := s*g + l2*xi
			mi := b1*m[i] + c1*d
			vi := b2*v[i] + c2*d*d
			m[i], v[i] = mi, vi
			vh := max(vm[i], vi)
			vm[i] = vh
			x[i] = xi + nss*mi/(math.Sqrt(vh)/sbc2+eps)
		}
		return
	}
	if l2 == 0 && s == 1 && c.wdec == 0 {
		for i, g := range grad {
			mi := b1*m[i] + c1*g
			vi := b2*v[i] + c2*g*g
			m[i], v[i] = mi, vi
			x[i] += nss * mi / (math.Sqrt(vi)/sbc2 + eps)
		}
		return
	}
	for i, g := range grad {
		xi := x[i] * decay
		d := s*g + l2*xi
		mi := b1*m[i] + c1*d
		vi := b2*v[i] + c2*d*d
		m[i], v[i] = mi, vi
		x[i] = xi + nss*mi/(math.Sqrt(vi)/sbc2+eps)
	}
}

func (o *Adam) config() adamConfig {
	return adamConfig{
		name:   "Adam",
		lr:     o.rate.get(o.LR, "Adam"),
		b1:     o.Beta1,
		b2:     o.Beta2,
		eps:    o.Eps,
		l2:     o.WeightDecay,
		ams:    o.AMSGrad,
		nobias: o.NoBiasCorrection,
		s:      sign(o.Maximize),
	}
}

// Step applies one Adam update. It panics if len(grad) != len(x), x has
// another length than on the first Step, AMSGrad is switched on after the
// first Step, or a hyperparameter is out of range.
func (o *Adam) Step(x, grad []float64) {
	c := o.config()
	checkNonNeg("Adam", "WeightDecay", o.WeightDecay)
	o.step(c, x, grad)
}

// Reset forgets the moments, the step count and a rate set with SetLearningRate.
func (o *Adam) Reset() { o.reset() }

// LearningRate returns the rate the next Step uses.
func (o *Adam) LearningRate() float64 { return o.rate.get(o.LR, "Adam") }

// SetLearningRate sets the rate for the following Steps (lr ≥ 0, finite).
func (o *Adam) SetLearningRate(lr float64) { o.rate.put(lr, "Adam") }
