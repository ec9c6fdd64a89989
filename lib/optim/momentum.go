package optim

// Momentum is gradient descent with heavy-ball momentum (Polyak 1964), as
// torch.optim.SGD(momentum=μ, dampening=τ) computes it:
//
//	d ← ∇f(x) + λx                       (−∇f(x) + λx when Maximize)
//	b ← d                                 on the first Step,
//	b ← μ b + (1 − τ) d                   afterwards
//	x ← x − α b
//
// (μ is the course's ρ.) This is also the form most code writes
// (V = ρV + dW, W −= αV; CS231n). With Velocity set it takes instead the
// form of Sutskever et al. (2013), where the learning rate sits inside the
// velocity:
//
//	v ← −α d                              on the first Step,
//	v ← μ v − α (1 − τ) d                 afterwards
//	x ← x + v
//
// The two forms give the same iterates while α is constant (v = −α b); they
// part when α changes (a schedule): the torch form applies the new rate to
// the whole buffer at once, the velocity form only to the new gradient, so
// old steps keep the old rate.
//
// With μ = 0 it is plain gradient descent (torch then keeps no buffer and
// ignores dampening; so does this). No default is hidden: LR must be set and
// Momentum is what it says (NewMomentum(α, ρ) spells both; ρ = 0.9 is the
// usual choice). Cost per Step: one pass reading x, grad and the buffer and
// writing x and the buffer (5 float64 words per element); the buffer
// (len(x) words) is allocated on the first Step.
type Momentum struct {
	// LR is the learning rate α > 0.
	LR float64
	// Momentum is μ ∈ [0,1), the course's ρ (0: no momentum).
	Momentum float64
	// Dampening τ ∈ [0,1) scales the new gradient by 1 − τ (not on the first Step).
	Dampening float64
	// WeightDecay λ ≥ 0 adds λx to the gradient (L2 regularisation).
	WeightDecay float64
	// Maximize ascends instead of descends.
	Maximize bool
	// Velocity selects the velocity form v ← μv − αd, x ← x + v.
	Velocity bool

	rate  rate
	buf   []float64 // b (torch form) or v (velocity form)
	steps int
}

// NewMomentum returns heavy-ball momentum in torch's form with learning
// rate lr and momentum rho (the course's ρ, torch's μ).
func NewMomentum(lr, rho float64) *Momentum { return &Momentum{LR: lr, Momentum: rho} }

func (o *Momentum) params(name string) (lr, mu, damp, wd, s float64) {
	lr = o.rate.get(o.LR, name)
	mu = o.Momentum
	checkUnit(name, "Momentum", mu)
	checkUnit(name, "Dampening", o.Dampening)
	checkNonNeg(name, "WeightDecay", o.WeightDecay)
	return lr, mu, o.Dampening, o.WeightDecay, sign(o.Maximize)
}

// Step moves x with momentum. It panics if len(grad) != len(x), x has
// another length than on the first Step, or a hyperparameter is out of range.
func (o *Momentum) Step(x, grad []float64) {
	checkLens("Momentum", x, grad, len(o.buf))
	lr, mu, damp, wd, s := o.params("Momentum")
	first := o.steps == 0
	if first {
		o.buf = grow(o.buf, len(x))
	}
	o.steps++
	b := o.buf[:len(x)]
	grad = grad[:len(x)]
	c := 1 - damp
	if mu == 0 { // torch: no buffer, no dampening
		c, first = 1, true
	}
	switch {
	case o.Velocity && first:
		for i, g := range grad {
			v := -lr * (s*g + wd*x[i])
			b[i] = v
			x[i] += v
		}
	case o.Velocity:
		for i, g := range grad {
			v := mu*b[i] - lr*(c*(s*g+wd*x[i]))
			b[i] = v
			x[i] += v
		}
	case first:
		for i, g := range grad {
			d := s*g + wd*x[i]
			b[i] = d
			x[i] -= lr * d
		}
	default:
		for i, g := range grad {
			d := s*g + wd*x[i]
			bi := mu*b[i] + c*d
			b[i] = bi
			x[i] -= lr * bi
		}
	}
}

// Reset forgets the buffer, the step count and a rate set with SetLearningRate.
func (o *Momentum) Reset() { o.rate, o.buf, o.steps = rate{}, o.buf[:0], 0 }

// LearningRate returns the rate the next Step uses.
func (o *Momentum) LearningRate() float64 { return o.rate.get(o.LR, "Momentum") }

// SetLearningRate sets the rate for the following Steps (lr ≥ 0, finite).
func (o *Momentum) SetLearningRate(lr float64) { o.rate.put(lr, "Momentum") }
