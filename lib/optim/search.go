package optim

import (
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// Searcher is a Method that evaluates the objective itself, because one of
// its steps needs more than one gradient (a line search) or the Hessian:
// Newton, BFGS, L-BFGS and conjugate gradient (lib/secondorder) are
// Searchers. Run owns everything around its steps: the stopping tests, the
// trace, the observer, the best point and the checks for NaN and ±Inf.
type Searcher interface {
	Method
	// Init starts a run: loc holds the start x₀ with f(x₀) and ∇f(x₀). It
	// may size the method's state for len(loc.X). An error ends the run
	// before the first step.
	Init(e *Evaluator, loc *Location) error
	// Iterate moves loc to the next iterate (X, F and Grad all updated),
	// evaluating f, ∇f and ∇²f only through e, and returns the step length
	// α it took along its search direction. An error ends the run with the
	// error's status (see StatusOf); loc must then hold the last accepted
	// point.
	Iterate(e *Evaluator, loc *Location) (step float64, err error)
}

// Location is an iterate with its objective value and gradient.
type Location struct {
	X    []float64
	F    float64
	Grad []float64
}

// Evaluator evaluates the objective of a run and counts what that costs, so
// that Result.Stats and Settings.MaxEvals see every evaluation a Searcher
// makes. It allocates nothing.
type Evaluator struct {
	p                  problems.Problem
	funcs, grads, hess int
}

// NewEvaluator returns an evaluator of p with zero counts (Run makes its
// own; this is for methods used outside Run, such as a line search in a test).
func NewEvaluator(p problems.Problem) *Evaluator { return &Evaluator{p: p} }

// Problem returns the objective being evaluated (for its Name, Dim, Start, …;
// call its functions through the Evaluator so they are counted).
func (e *Evaluator) Problem() problems.Problem { return e.p }

// Func returns f(x).
func (e *Evaluator) Func(x []float64) float64 { e.funcs++; return e.p.Func(x) }

// Grad writes ∇f(x) into g.
func (e *Evaluator) Grad(g, x []float64) { e.grads++; e.p.Grad(g, x) }

// HasHess reports whether the problem has an analytic Hessian.
func (e *Evaluator) HasHess() bool { return e.p.Hess != nil }

// Hess writes ∇²f(x) into h. It panics if the problem has no Hessian.
func (e *Evaluator) Hess(h *mat.SymDense, x []float64) {
	if e.p.Hess == nil {
		panic("optim: Evaluator.Hess: problem " + e.p.Name + " has no Hessian")
	}
	e.hess++
	e.p.Hess(h, x)
}

// CountHessian counts a Hessian that a method formed itself, e.g. by finite
// differences of the gradient (whose gradient calls Grad counts).
func (e *Evaluator) CountHessian() { e.hess++ }

// Counts returns the evaluations so far: f, ∇f and ∇²f.
func (e *Evaluator) Counts() (funcs, grads, hess int) { return e.funcs, e.grads, e.hess }
