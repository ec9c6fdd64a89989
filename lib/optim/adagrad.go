package optim

import "math"

// AdaGrad adapts a learning rate per coordinate by the sum of its squared
// gradients (Duchi, Hazan & Singer 2011), as torch.optim.Adagrad computes it:
//
//	t ← t + 1
//	d ← ∇f(x) + λx                       (−∇f(x) + λx when Maximize)
//	G ← G + d²                            (G starts at InitialAccumulator)
//	x ← x − α/(1 + (t−1)η) · d / (√G + ε)   (η = LRDecay)
//
// With EpsInsideSqrt the denominator is √(G + ε), a form some texts
// write. The two agree while √G ≫ ε and part for small
// gradients: with G → 0 the torch form divides by ε (huge steps), the
// inside form by √ε.
//
// Because G only grows, the effective rate α/√G shrinks like 1/√t: the
// weakness RMSProp fixes.
//
// torch's defaults, which NewAdaGrad sets: Eps 1e-10, LRDecay 0,
// InitialAccumulator 0 (torch's LR default is 1e-2; LR and Eps must be set,
// 0 panics). Cost per Step: one pass with a square root and a division per element,
// 5 float64 words moved; G (len(x) words) is allocated on the first Step.
type AdaGrad struct {
	// LR is the learning rate α > 0.
	LR float64
	// LRDecay η ≥ 0 divides the rate by 1 + (t−1)η at step t.
	LRDecay float64
	// WeightDecay λ ≥ 0 adds λx to the gradient (L2 regularisation).
	WeightDecay float64
	// InitialAccumulator ≥ 0 is the starting value of every G.
	InitialAccumulator float64
	// Eps ε > 0 keeps the division finite.
	Eps float64
	// EpsInsideSqrt puts ε under the square root: d / √(G + ε).
	EpsInsideSqrt bool
	// Maximize ascends instead of descends.
	Maximize bool

	rate  rate
	sum   []float64
	steps int
}

// DefaultAdaGradEps is torch's ε for Adagrad.
const DefaultAdaGradEps = 1e-10

// NewAdaGrad returns AdaGrad with learning rate lr and torch's other defaults.
func NewAdaGrad(lr float64) *AdaGrad { return &AdaGrad{LR: lr, Eps: DefaultAdaGradEps} }

// Step applies one AdaGrad update. It panics if len(grad) != len(x), x has
// another length than on the first Step, or a hyperparameter is out of range.
func (o *AdaGrad) Step(x, grad []float64) {
	checkLens("AdaGrad", x, grad, len(o.sum))
	lr := o.rate.get(o.LR, "AdaGrad")
	eps := o.Eps
	checkEps("AdaGrad", eps, DefaultAdaGradEps)
	checkNonNeg("AdaGrad", "LRDecay", o.LRDecay)
	checkNonNeg("AdaGrad", "WeightDecay", o.WeightDecay)
	checkNonNeg("AdaGrad", "InitialAccumulator", o.InitialAccumulator)
	if o.steps == 0 {
		o.sum = grow(o.sum, len(x))
		for i := range o.sum {
			o.sum[i] = o.InitialAccumulator
		}
	}
	o.steps++
	clr := lr / (1 + float64(o.steps-1)*o.LRDecay)
	wd, s := o.WeightDecay, sign(o.Maximize)
	G := o.sum[:len(x)]
	nclr := -clr // torch: addcdiv(d, std, value=−clr) = x + (−clr·d)/std
	grad = grad[:len(x)]
	if o.EpsInsideSqrt {
		for i, g := range grad {
			d := s*g + wd*x[i]
			gi := G[i] + d*d
			G[i] = gi
			x[i] += nclr * d / math.Sqrt(gi+eps)
		}
		return
	}
	for i, g := range grad {
		d := s*g + wd*x[i]
		gi := G[i] + d*d
		G[i] = gi
		x[i] += nclr * d / (math.Sqrt(gi) + eps)
	}
}

// Reset forgets the accumulator, the step count and a rate set with SetLearningRate.
func (o *AdaGrad) Reset() { o.rate, o.sum, o.steps = rate{}, o.sum[:0], 0 }

// LearningRate returns the base rate α the next Step uses (before LRDecay).
func (o *AdaGrad) LearningRate() float64 { return o.rate.get(o.LR, "AdaGrad") }

// SetLearningRate sets the base rate for the following Steps (lr ≥ 0, finite).
func (o *AdaGrad) SetLearningRate(lr float64) { o.rate.put(lr, "AdaGrad") }
