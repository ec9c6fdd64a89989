package optim

import "math"

// RMSProp scales each coordinate by a running root mean square of its
// gradients (Hinton, Coursera lecture 6e, 2012), as torch.optim.RMSprop
// computes it:
//
//	d ← ∇f(x) + λx                       (−∇f(x) + λx when Maximize)
//	s ← ρ s + (1 − ρ) d²                  (ρ = Alpha, s starts at 0)
//	m ← ρ m + (1 − ρ) d                   (Centered only; m starts at 0)
//	r ← √(s − m²) + ε   if Centered,  else √s + ε
//	b ← μ b + d / r,  x ← x − α b         if Momentum μ > 0 (b starts at 0)
//	x ← x − α d / r                       otherwise
//
// The seeds write it twice: seed 003 with ε outside the root (this form,
// ε = 1e-7), seed 001 with ε inside, √(s + ε), which EpsInsideSqrt selects.
// The two agree while s ≫ ε and part for small gradients.
//
// Defaults (torch's): LR 1e-2, Alpha 0.99, Eps 1e-8, Momentum 0.
// Cost per Step: one pass with a square root and a division per element;
// 5 float64 words moved per element (7 when Centered, 9 with momentum
// as well); state allocated on the first Step.
type RMSProp struct {
	// LR is the learning rate α (0 means 1e-2; negative panics).
	LR float64
	// Alpha is the smoothing constant ρ ∈ [0,1) (0 means 0.99).
	Alpha float64
	// Eps ε > 0 (0 means 1e-8; negative panics).
	Eps float64
	// EpsInsideSqrt puts ε under the square root (seed 001).
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

// Defaults of RMSProp.
const (
	DefaultRMSPropLR    = 1e-2
	DefaultRMSPropAlpha = 0.99
	DefaultRMSPropEps   = 1e-8
)

// Step applies one RMSProp update. It panics if len(grad) != len(x), x has
// another length than on the first Step, or a hyperparameter is out of range.
func (o *RMSProp) Step(x, grad []float64) {
	checkLens("RMSProp", x, grad, len(o.sq))
	lr := o.rate.get(o.LR, DefaultRMSPropLR, "RMSProp")
	rho := orDefault(o.Alpha, DefaultRMSPropAlpha)
	checkUnit("RMSProp", "Alpha", rho)
	eps := orDefault(o.Eps, DefaultRMSPropEps)
	checkEps("RMSProp", eps)
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
func (o *RMSProp) LearningRate() float64 { return o.rate.get(o.LR, DefaultRMSPropLR, "RMSProp") }

// SetLearningRate sets the rate for the following Steps (lr ≥ 0, finite).
func (o *RMSProp) SetLearningRate(lr float64) { o.rate.put(lr, "RMSProp") }
