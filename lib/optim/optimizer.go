package optim

import (
	"fmt"
	"math"
)

// Method is an algorithm that Run can drive. It is one of two kinds:
//
//   - an Optimizer, a step rule: Run evaluates f(x) and ∇f(x) and calls
//     Step, which moves x (gradient descent, momentum, Adam, …);
//   - a Searcher, which evaluates the objective itself because it needs
//     more than one gradient per step (line searches) or the Hessian
//     (Newton, BFGS, L-BFGS and CG in lib/secondorder).
//
// Run panics with a message naming the type when a Method is neither.
type Method interface {
	// Reset forgets all state, so the same value can run again from scratch.
	Reset()
}

// Optimizer is a first-order step rule: given the gradient at x it moves x
// in place. Every optimizer in this package keeps its state (momentum
// buffers, moment estimates, step count) in unexported fields that are
// sized on the first Step and reused, so Step allocates nothing.
//
// No hyperparameter has a hidden default: a zero field is zero (Momentum 0
// is plain gradient descent, Beta1 0 is accepted), and the constructors
// (NewAdam, NewRMSProp, …) spell torch's defaults. A learning rate of 0, an
// ε of 0 or a value out of range panics at the first Step with a message
// that starts with "optim:" and names the field.
//
// Step does not inspect the gradient for NaN or ±Inf: Run does, before each
// Step, and reports NonFinite with the step and index.
type Optimizer interface {
	Method
	// Step updates x in place using grad, the gradient of the objective at x.
	// grad is read, never written.
	Step(x, grad []float64)
}

// LearningRater is implemented by every optimizer of this package: it lets
// a schedule or the training loop read and drive the learning rate.
type LearningRater interface {
	// LearningRate is the rate the next Step will use: the last value given
	// to SetLearningRate, else the LR field.
	LearningRate() float64
	// SetLearningRate sets the rate for the following Steps. It panics if
	// lr is negative, NaN or infinite. Zero is allowed (a schedule may anneal
	// to zero; the Step then updates the state but not x, as torch does).
	SetLearningRate(lr float64)
}

// rate holds a learning rate set by SetLearningRate, overriding the LR field.
type rate struct {
	v   float64
	set bool
}

// get returns the rate in force: the one set by SetLearningRate, else the
// LR field, which must be positive and finite (0 is refused: a run that
// never moves is a mistake, and there is no hidden default).
func (r *rate) get(field float64, name string) float64 {
	if r.set {
		return r.v
	}
	if !(field > 0) || math.IsInf(field, 0) {
		panic(fmt.Sprintf("optim: %s.LR = %v: the learning rate α must be positive and finite (set it; New%s(α) also fills torch's other defaults)", name, field, name))
	}
	return field
}

func (r *rate) put(lr float64, name string) {
	if !(lr >= 0) || math.IsInf(lr, 0) {
		panic(fmt.Sprintf("optim: %s.SetLearningRate(%v): learning rate must be finite and ≥ 0", name, lr))
	}
	r.v, r.set = lr, true
}

// checkLens panics unless len(grad) == len(x) and, when the state is sized
// (n > 0), len(x) == n.
func checkLens(name string, x, grad []float64, n int) {
	if len(grad) != len(x) {
		panic(fmt.Sprintf("optim: %s.Step: len(grad) = %d, len(x) = %d", name, len(grad), len(x)))
	}
	if n > 0 && len(x) != n {
		panic(fmt.Sprintf("optim: %s.Step: len(x) = %d but the state is sized for %d (call Reset to change dimension)", name, len(x), n))
	}
	if len(x) == 0 {
		panic(fmt.Sprintf("optim: %s.Step: empty x", name))
	}
}

// checkUnit panics unless v is in [0,1).
func checkUnit(name, field string, v float64) {
	if !(v >= 0 && v < 1) {
		panic(fmt.Sprintf("optim: %s.%s = %v not in [0,1)", name, field, v))
	}
}

// checkNonNeg panics unless v is finite and ≥ 0.
func checkNonNeg(name, field string, v float64) {
	if !(v >= 0) || math.IsInf(v, 0) {
		panic(fmt.Sprintf("optim: %s.%s = %v must be finite and ≥ 0", name, field, v))
	}
}

// checkEps panics unless eps is finite and > 0, naming def, torch's value.
func checkEps(name string, eps, def float64) {
	if !(eps > 0) || math.IsInf(eps, 0) {
		panic(fmt.Sprintf("optim: %s.Eps = %v: ε must be finite and > 0 (torch's default is %g; New%s sets it)", name, eps, def, name))
	}
}

// grow returns s resized to n, reusing its storage when it is large enough.
func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}

// sign is −1 when maximizing, else +1: the factor torch applies to the gradient.
func sign(maximize bool) float64 {
	if maximize {
		return -1
	}
	return 1
}

// powN returns bⁿ for n ≥ 0, rounded once: it multiplies in double-double
// arithmetic (error-free products with FMA), so the result is the correctly
// rounded power in all but rare ties, like C's pow that torch calls for its
// bias corrections (β^t). math.Pow is off by several ulps for such
// arguments, which 1 − β₂ᵗ ≈ 10⁻³ would amplify a thousandfold.
func powN(b float64, n int) float64 {
	rh, rl := 1.0, 0.0 // result
	bh, bl := b, 0.0   // b^(2^k)
	for n > 0 {
		if n&1 == 1 {
			rh, rl = ddMul(rh, rl, bh, bl)
		}
		n >>= 1
		if n > 0 {
			bh, bl = ddMul(bh, bl, bh, bl)
		}
	}
	return rh + rl
}

// ddMul multiplies two double-double numbers. The float64 conversions
// keep the compiler from fusing a product with the addition that uses it
// (p + e, h − p, ah*bl + al*bh) into one FMA, as Go may on arm64, ppc64
// and s390x, even across statements: fused, the error-free product is no
// longer error-free, and powN was 2 ulps off at 0.9⁷ on arm64.
func ddMul(ah, al, bh, bl float64) (float64, float64) {
	p := float64(ah * bh)
	e := math.FMA(ah, bh, -p)
	e += float64(ah*bl) + float64(al*bh)
	h := p + e
	return h, e - (h - p)
}
