package secondorder

import (
	"errors"
	"fmt"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/floats"
)

// state is the current iterate a direction rule sees.
type state struct {
	ev   *optim.Evaluator
	x, g []float64
	f    float64
	iter int
	// prevStep is the step length taken at the last iteration (0 at the start)
	// and prevDg the directional derivative gᵀd there.
	prevStep, prevDg float64
}

// direction is one method's rule for the search direction; core does the
// line search, the curvature pair and the checks.
type direction interface {
	init(n int)
	// next writes the search direction at st into d and returns the first
	// trial step. An error ends the run with its status (optim.StatusOf).
	next(d []float64, st *state) (alpha0 float64, err error)
	// update is told of the accepted step s = xₖ₊₁ − xₖ and y = gₖ₊₁ − gₖ
	// (st already holds the new point).
	update(st *state, s, y []float64)
	// restart drops accumulated curvature after a non-descent direction; it
	// reports false when the method has nothing to drop (the run then fails).
	restart() bool
}

// SingularError reports a linear system that could not be solved: a
// Hessian that is singular or (for a method that needs it to be) not
// positive definite, or a KKT matrix that is singular.
type SingularError struct {
	Step int     // iteration (0 for a closed-form solve)
	What string  // "Hessian", "KKT matrix", …
	Cond float64 // estimated condition number, +Inf when exactly singular, NaN when unknown
	Why  string
}

func (e *SingularError) Error() string {
	return fmt.Sprintf("secondorder: %s at step %d: %s", e.What, e.Step, e.Why)
}

// Status returns optim.SingularSystem.
func (e *SingularError) Status() optim.Status { return optim.SingularSystem }

// NotDescentError reports a search direction d along which f does not
// decrease: ∇f·d ≥ 0.
type NotDescentError struct {
	Step  int
	Slope float64 // ∇f·d
}

func (e *NotDescentError) Error() string {
	return fmt.Sprintf("secondorder: the search direction at step %d does not descend (∇f·d = %g ≥ 0)", e.Step, e.Slope)
}

// Status returns optim.NotDescentDirection.
func (e *NotDescentError) Status() optim.Status { return optim.NotDescentDirection }

// core is what every line-search method shares: it turns a direction rule
// and a line search into optim.Searcher's Init and Iterate. ls == nil means
// a unit step with no search (pure Newton). Per iteration it costs the
// direction, the line search and O(n); it allocates nothing after Init.
type core struct {
	dir    direction
	ls     LineSearcher
	line   *Line
	d      []float64
	sv, yv []float64
	st     state
}

// start sizes the core for a run from loc.
func (c *core) start(dir direction, ls LineSearcher, e *optim.Evaluator, loc *optim.Location) {
	n := len(loc.X)
	c.dir, c.ls = dir, ls
	c.line = newLine(e, n)
	c.d = make([]float64, n)
	c.sv = make([]float64, n)
	c.yv = make([]float64, n)
	c.st = state{ev: e}
	dir.init(n)
}

// iterate takes one step from loc: direction, line search, update.
func (c *core) iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	if c.line == nil {
		panic("secondorder: Iterate before Init")
	}
	k := c.st.iter
	st := &c.st
	st.ev, st.x, st.g, st.f = e, loc.X, loc.Grad, loc.F
	d, line := c.d, c.line
	stamp := func(err error) error {
		var se *SingularError
		var ne *optim.NumericalError
		var le *LineSearchError
		switch {
		case errors.As(err, &se):
			se.Step = k
		case errors.As(err, &le):
			le.Step = k
		case errors.As(err, &ne):
			ne.Step = k
		}
		return err
	}
	alpha0, err := c.dir.next(d, st)
	if err != nil {
		return 0, stamp(err)
	}
	if i := num.FirstNonFinite(d); i >= 0 {
		return 0, &optim.NumericalError{Step: k, Index: i, Value: d[i], What: "search direction"}
	}
	dg := floats.Dot(loc.Grad, d)
	var alpha float64
	if c.ls == nil {
		alpha = 1
		line.reset(loc.X, d)
		line.PhiDeriv(1)
	} else {
		if !(dg < 0) {
			if !c.dir.restart() {
				return 0, &NotDescentError{Step: k, Slope: dg}
			}
			if alpha0, err = c.dir.next(d, st); err != nil {
				return 0, stamp(err)
			}
			if dg = floats.Dot(loc.Grad, d); !(dg < 0) {
				return 0, &NotDescentError{Step: k, Slope: dg}
			}
		}
		line.reset(loc.X, d)
		alpha, err = c.ls.Search(line, loc.F, dg, alpha0)
		if err != nil {
			return 0, stamp(err)
		}
		if !line.HasGrad {
			e.Grad(line.G, line.X)
			line.HasGrad = true
		}
	}
	if !num.Finite(line.F) {
		return 0, &optim.NumericalError{Step: k + 1, Index: -1, Value: line.F, What: "objective"}
	}
	if i := num.FirstNonFinite(line.G); i >= 0 {
		return 0, &optim.NumericalError{Step: k + 1, Index: i, Value: line.G[i], What: "gradient"}
	}
	floats.SubTo(c.sv, line.X, loc.X)
	floats.SubTo(c.yv, line.G, loc.Grad)
	copy(loc.X, line.X)
	copy(loc.Grad, line.G)
	loc.F = line.F
	st.f = loc.F
	st.prevStep, st.prevDg = alpha, dg
	st.iter++
	c.dir.update(st, c.sv, c.yv)
	return alpha, nil
}
