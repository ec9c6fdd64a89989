package optim

// Nesterov is gradient descent with Nesterov momentum in the form of
// torch.optim.SGD(momentum=μ, nesterov=True) (Sutskever et al. 2013,
// rewritten to use the gradient at x rather than at the look-ahead point):
//
//	d ← ∇f(x) + λx                       (−∇f(x) + λx when Maximize)
//	b ← d on the first Step, else b ← μ b + d
//	x ← x − α (d + μ b)
//
// With Velocity set it keeps the learning rate inside the velocity, as
// Sutskever et al.'s momentum form does:
//
//	v ← −α d on the first Step, else v ← μ v − α d
//	x ← x + μ v − α d
//
// The two agree while α is constant (v = −α b) and part when it changes.
// torch forbids dampening with Nesterov momentum, so there is none here.
//
// No default is hidden: LR must be set, and Momentum 0 is plain gradient
// descent (NewNesterov(α, ρ) spells both). Cost per Step: one pass,
// 5 float64 words moved per element; a buffer of len(x) allocated on the
// first Step.
type Nesterov struct {
	// LR is the learning rate α > 0.
	LR float64
	// Momentum is μ ∈ [0,1), the course's ρ (0: no momentum).
	Momentum float64
	// WeightDecay λ ≥ 0 adds λx to the gradient (L2 regularisation).
	WeightDecay float64
	// Maximize ascends instead of descends.
	Maximize bool
	// Velocity selects the velocity form (learning rate inside the buffer).
	Velocity bool

	rate  rate
	buf   []float64
	steps int
}

// NewNesterov returns Nesterov momentum with learning rate lr and momentum rho.
func NewNesterov(lr, rho float64) *Nesterov { return &Nesterov{LR: lr, Momentum: rho} }

// Step moves x with Nesterov momentum. It panics if len(grad) != len(x), x
// has another length than on the first Step, or a hyperparameter is out of range.
func (o *Nesterov) Step(x, grad []float64) {
	checkLens("Nesterov", x, grad, len(o.buf))
	lr := o.rate.get(o.LR, "Nesterov")
	mu := o.Momentum
	checkUnit("Nesterov", "Momentum", mu)
	checkNonNeg("Nesterov", "WeightDecay", o.WeightDecay)
	wd, s := o.WeightDecay, sign(o.Maximize)
	first := o.steps == 0
	if first {
		o.buf = grow(o.buf, len(x))
		clear(o.buf)
	}
	o.steps++
	b := o.buf[:len(x)]
	grad = grad[:len(x)]
	// On the first Step b is zero, so μb + d = d: one loop serves both.
	if o.Velocity {
		for i, g := range grad {
			d := s*g + wd*x[i]
			v := mu*b[i] - lr*d
			b[i] = v
			x[i] += mu*v - lr*d
		}
		return
	}
	for i, g := range grad {
		d := s*g + wd*x[i]
		bi := mu*b[i] + d
		b[i] = bi
		x[i] -= lr * (d + mu*bi)
	}
}

// Reset forgets the buffer, the step count and a rate set with SetLearningRate.
func (o *Nesterov) Reset() { o.rate, o.buf, o.steps = rate{}, o.buf[:0], 0 }

// LearningRate returns the rate the next Step uses.
func (o *Nesterov) LearningRate() float64 { return o.rate.get(o.LR, "Nesterov") }

// SetLearningRate sets the rate for the following Steps (lr ≥ 0, finite).
func (o *Nesterov) SetLearningRate(lr float64) { o.rate.put(lr, "Nesterov") }
