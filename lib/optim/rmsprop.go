package optim

import "math"

// RMSProp scales each coordinate by a running root mean square of its
// gradients (Hinton, Coursera lecture 6e, 2012), as torch.optim.RMSprop
// computes it:
//
//	d ← ∇f(x) + λx                       (−∇f(x) + λx when Maximize)
//	s ← β s + (1 − β) d²                  (β = Beta, torch's alpha; s starts at 0)
//	m ← β m + (1 − β) d                   (Centered only; m starts at 0)
//	r ← √(s − m²) + ε   if Centered,  else √s + ε
//	b ← μ b + d / r,  x ← x − α b         if Momentum μ > 0 (b starts at 0)
//	x ← x − α d / r                       otherwise
//
// Texts write it both with ε outside the root (this form, torch's and
// CS231n's) and inside, √(s + ε), which EpsInsideSqrt selects. The two
// agree while s ≫ ε and part for small gradients.
//
// torch's defaults, which NewRMSProp sets: Beta 0.99, Eps 1e-8, Momentum 0
// (torch's LR default is 1e-2). No field has a hidden default: Beta 0 is
// β = 0, and LR and Eps must be set (0 panics).
// Cost per Step: one pass with a square root and a division per element;
// 5 float64 words moved per element (7 when Centered, 9 with momentum
// as well); state allocated on the first Step.
type RMSProp struct {
	// LR is the learning rate α > 0.
	LR float64
	// Beta is the decay β ∈ [0,1) of the mean of squared gradients
	// (torch calls it alpha; the course keeps α for the learning rate).
	Beta float64
	// Eps ε > 0.
	Eps float64
	// EpsInsideSqrt puts ε under the square root.
	EpsInsideSqrt bool
	// WeightDecay λ ≥ 0 adds λx to the gradient (L2 regularisation).
	WeightDecay float64
	// Momentum μ ∈ [0,1) adds a momentum buffer on the scaled gradient (0: none).
	Momentum float64
	// Centered divides by an estimate of the gradient's standard deviation
	// instead of its root mean square.
	Centered bool
	// Maximize ascends instead of descends.
	Maximize bool

	rate  rate
	sq    []float64 // s
	avg   []float64 // m (Centered)
	buf   []float64 // b (Momentum > 0)
	steps int
}

// torch's defaults for RMSprop.
const (
	DefaultRMSPropBeta = 0.99
	DefaultRMSPropEps  = 1e-8
)

// NewRMSProp returns RMSProp with learning rate lr and torch's other
// defaults (β = 0.99, ε = 1e-8).
func NewRMSProp(lr float64) *RMSProp {
	return &RMSProp{LR: lr, Beta: DefaultRMSPropBeta, Eps: DefaultRMSPropEps}
}

// Step applies one RMSProp update. It panics if len(grad) != len(x), x has
// another length than on the first Step, or a hyperparameter is out of range.
func (o *RMSProp) Step(x, grad []float64) {
	checkLens("RMSProp", x, grad, len(o.sq))
	lr := o.rate.get(o.LR, "RMSProp")
	rho := o.Beta
	checkUnit("RMSProp", "Beta", rho)
	eps := o.Eps
	checkEps("RMSProp", eps, DefaultRMSPropEps)
	checkUnit("RMSProp", "Momentum", o.Momentum)
	checkNonNeg("RMSProp", "WeightDecay", o.WeightDecay)
	n := len(x)
	if o.steps == 0 {
		o.sq = grow(o.sq, n)
		clear(o.sq)
		o.avg = o.avg[:0]
		o.buf = o.buf[:0]
	}
	if o.Centered && len(o.avg) != n {
		o.avg = grow(o.avg, n)
		clear(o.avg)
	}
	if o.Momentum > 0 && len(o.buf) != n {
		o.buf = grow(o.buf, n)
		clear(o.buf)
	}
	o.steps++
	wd, s, mu, c := o.WeightDecay, sign(o.Maximize), o.Momentum, 1-rho
	S := o.sq[:n]
	grad = grad[:n]
	var M, B []float64
	if o.Centered {
		M = o.avg[:n]
	}
	if mu > 0 {
		B = o.buf[:n]
	}
	inside, nlr := o.EpsInsideSqrt, -lr
	for i, g := range grad {
		d := s*g + wd*x[i]
		si := rho*S[i] + c*d*d
		S[i] = si
		if M != nil {
			mi := rho*M[i] + c*d
			M[i] = mi
			si -= mi * mi
		}
		var r float64
		if inside {
			r = math.Sqrt(si + eps)
		} else {
			r = math.Sqrt(si) + eps
		}
		if B != nil {
			bi := mu*B[i] + d/r
			B[i] = bi
			x[i] -= lr * bi
		} else {
			x[i] += nlr * d / r
		}
	}
}

// Reset forgets the averages, the buffer, the step count and a rate set
// with SetLearningRate.
func (o *RMSProp) Reset() {
	o.rate, o.sq, o.avg, o.buf, o.steps = rate{}, o.sq[:0], o.avg[:0], o.buf[:0], 0
}

// LearningRate returns the rate the next Step uses.
func (o *RMSProp) LearningRate() float64 { return o.rate.get(o.LR, "RMSProp") }

// SetLearningRate sets the rate for the following Steps (lr ≥ 0, finite).
func (o *RMSProp) SetLearningRate(lr float64) { o.rate.put(lr, "RMSProp") }
