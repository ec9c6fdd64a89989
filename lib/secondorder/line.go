package secondorder

import (
	"fmt"

	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/floats"
)

// Line is the restriction φ(α) = f(x + α·d) of an objective to the ray from x
// along the direction d. A LineSearcher evaluates it; the Line counts the
// evaluations and remembers the last point it evaluated, which is the point
// a search accepts.
type Line struct {
	ev   *optim.Evaluator
	x, d []float64

	// X, F and G hold the last evaluated point x + Alpha·d, f there and,
	// when HasGrad, the gradient there.
	X       []float64
	F       float64
	G       []float64
	Alpha   float64
	HasGrad bool
	// Evals is the number of trial points this search has evaluated.
	Evals int
}

// NewLine returns a line for searches on the objective e evaluates, in
// dimension n; Reset points it at a ray. (Methods make their own; this is
// for using a LineSearcher on its own.)
func NewLine(e *optim.Evaluator, n int) *Line { return newLine(e, n) }

// Reset points the line at the ray from x along d.
func (l *Line) Reset(x, d []float64) { l.reset(x, d) }

func newLine(ev *optim.Evaluator, n int) *Line {
	return &Line{ev: ev, X: make([]float64, n), G: make([]float64, n)}
}

func (l *Line) reset(x, d []float64) {
	l.x, l.d = x, d
	l.Evals = 0
	l.HasGrad = false
	l.Alpha = nan
}

// Phi evaluates φ(α) = f(x + α·d): one objective evaluation.
func (l *Line) Phi(alpha float64) float64 {
	axpy(l.X, l.x, alpha, l.d)
	l.F = l.ev.Func(l.X)
	l.Alpha, l.HasGrad = alpha, false
	l.Evals++
	return l.F
}

// PhiDeriv evaluates φ(α) and φ'(α) = ∇f(x + α·d)·d: one objective and one
// gradient evaluation.
func (l *Line) PhiDeriv(alpha float64) (phi, dphi float64) {
	phi = l.Phi(alpha)
	l.ev.Grad(l.G, l.X)
	l.HasGrad = true
	return phi, floats.Dot(l.G, l.d)
}

// moved reports whether the last trial point differs from x in some
// component: a step below rounding leaves x unchanged.
func (l *Line) moved() bool {
	for i, v := range l.X {
		if v != l.x[i] {
			return true
		}
	}
	return false
}

// LineSearcher chooses a step length α > 0 along a descent direction.
//
// Search is called with φ(0), φ'(0) < 0 and a first trial step α₀ > 0. On
// success it returns α and leaves the Line's last evaluation at α. It
// returns a *LineSearchError when no acceptable step is found within its
// budget, and an *optim.NumericalError when every trial it could make was
// non-finite.
type LineSearcher interface {
	Search(l *Line, phi0, dphi0, alpha0 float64) (alpha float64, err error)
}

// LineSearchError reports a line search that found no acceptable step.
// The run that met it keeps its last accepted point.
type LineSearchError struct {
	Step   int     // iteration of the outer method (filled in by the method)
	Alpha  float64 // last trial step
	Evals  int     // trial points evaluated
	Reason string
}

// Status returns optim.LineSearchFailure.
func (e *LineSearchError) Status() optim.Status { return optim.LineSearchFailure }

func (e *LineSearchError) Error() string {
	return fmt.Sprintf("secondorder: line search failed at step %d after %d trials (last α = %g): %s",
		e.Step, e.Evals, e.Alpha, e.Reason)
}

// nonFiniteLine is the error a search returns when its trials were all non-finite.
func nonFiniteLine(l *Line) error {
	return &optim.NumericalError{Step: -1, Index: -1, Value: l.F, What: fmt.Sprintf("objective on the line search (α = %g)", l.Alpha)}
}
