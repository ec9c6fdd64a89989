package optim

// SGD is plain (stochastic) gradient descent, torch.optim.SGD with
// momentum 0:
//
//	g ← ∇f(x) + λx          (λ = WeightDecay, the L2 penalty's gradient)
//	x ← x − α g             (x ← x + α g when Maximize)
//
// With the full-batch gradient this is gradient descent (θ ← θ − α∇J(θ));
// with one example per step it is instance-wise SGD, with a few it is
// mini-batch SGD: the batching is the loop's business (Run with
// Settings.Batch), not the optimizer's.
//
// LR must be set (torch ≥ 2.2's default is 1e-3; NewSGD takes it as an
// argument). Cost per Step: one pass over x and grad (3 float64 words moved
// per element), no state, no allocation.
type SGD struct {
	// LR is the learning rate α > 0.
	LR float64
	// WeightDecay λ adds λx to the gradient (L2 regularisation); 0 by default.
	WeightDecay float64
	// Maximize ascends instead of descends (negates the gradient).
	Maximize bool

	rate rate
}

// NewSGD returns plain gradient descent with learning rate lr.
func NewSGD(lr float64) *SGD { return &SGD{LR: lr} }

// Step moves x against grad. It panics if len(grad) != len(x) or a
// hyperparameter is out of range.
func (o *SGD) Step(x, grad []float64) {
	checkLens("SGD", x, grad, 0)
	lr := o.rate.get(o.LR, "SGD")
	checkNonNeg("SGD", "WeightDecay", o.WeightDecay)
	wd := o.WeightDecay
	grad = grad[:len(x)]
	switch {
	case wd == 0 && !o.Maximize:
		for i, g := range grad {
			x[i] -= lr * g
		}
	case wd == 0:
		for i, g := range grad {
			x[i] += lr * g
		}
	default:
		s := sign(o.Maximize)
		for i, g := range grad {
			x[i] -= lr * (s*g + wd*x[i])
		}
	}
}

// Reset forgets a learning rate set with SetLearningRate (SGD has no other state).
func (o *SGD) Reset() { o.rate = rate{} }

// LearningRate returns the rate the next Step uses.
func (o *SGD) LearningRate() float64 { return o.rate.get(o.LR, "SGD") }

// SetLearningRate sets the rate for the following Steps (lr ≥ 0, finite).
func (o *SGD) SetLearningRate(lr float64) { o.rate.put(lr, "SGD") }
