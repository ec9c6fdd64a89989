package secondorder

import (
	"errors"
	"fmt"
	"time"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// state is the current iterate a direction rule sees.
type state struct {
	ev   *evaluator
	x, g []float64
	f    float64
	iter int
	// prevStep is the step length taken at the last iteration (0 at the start)
	// and prevDg the directional derivative gᵀd there.
	prevStep, prevDg float64
}

// direction is one method's rule for the search direction; the driver
// does the line search, the bookkeeping and the stopping tests.
type direction interface {
	init(n int)
	// next writes the search direction at st into d and returns the first
	// trial step. An error ends the run (with SingularSystem when it is a
	// *SingularError, NonFinite for an *optim.NumericalError).
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

// minimize is the shared driver of the line-search methods. ls == nil means
// a unit step with no search (pure Newton).
func minimize(name string, p problems.Problem, x0 []float64, s Settings, dir direction, ls LineSearcher) optim.Result {
	start := time.Now()
	checkProblem(p, x0, true)
	n := len(x0)
	tol, maxIter := s.gradTol(), s.maxIter()
	ev := &evaluator{p: p}
	tr := optim.Trace{Label: s.Label, Limit: s.TraceLimit, XDim: s.TraceXDim}
	if tr.Label == "" {
		tr.Label = name
	}
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	d := make([]float64, n)
	sv := make([]float64, n)
	yv := make([]float64, n)
	dir.init(n)
	line := newLine(ev, n)

	res := optim.Result{X: x, GradNorm: nan}
	finish := func(st optim.Status, err error, iter int, lastStep float64) optim.Result {
		res.Status, res.Err = st, err
		res.Stats = ev.stats()
		res.Stats.Iterations = iter
		res.Stats.Runtime = time.Since(start)
		tr.Final(optim.Record{Iter: iter, X: res.X, F: res.F, GradNorm: res.GradNorm, LearningRate: lastStep,
			FuncEvals: ev.fevals, GradEvals: ev.gevals, Elapsed: res.Stats.Runtime})
		res.Trace = tr
		return res
	}

	f := ev.f(x)
	ev.grad(g, x)
	if !finite(f) {
		res.F = f
		return finish(optim.NonFinite, &optim.NumericalError{Step: 0, Index: -1, Value: f, What: "objective"}, 0, 0)
	}
	if i := firstNonFinite(g); i >= 0 {
		res.F = f
		return finish(optim.NonFinite, &optim.NumericalError{Step: 0, Index: i, Value: g[i], What: "gradient"}, 0, 0)
	}
	res.F, res.GradNorm = f, norm2(g)
	st := &state{ev: ev, x: x, g: g, f: f}
	// best keeps the lowest point seen, for runs (pure Newton) that may go uphill.
	best := struct {
		x       []float64
		f, gn   float64
		tracked bool
	}{tracked: ls == nil}
	if best.tracked {
		best.x = append([]float64(nil), x...)
		best.f, best.gn = f, res.GradNorm
	}
	fail := func(status optim.Status, err error, iter int) optim.Result {
		if best.tracked && best.f < res.F {
			copy(x, best.x)
			res.F, res.GradNorm = best.f, best.gn
		}
		return finish(status, err, iter, 0)
	}

	var lastStep float64
	for k := 0; ; k++ {
		st.iter = k
		{
			tr.Add(optim.Record{Iter: k, X: x, F: st.f, GradNorm: res.GradNorm, LearningRate: lastStep,
				FuncEvals: ev.fevals, GradEvals: ev.gevals, Elapsed: time.Since(start)})
		}
		if normInf(g) <= tol {
			return finish(optim.GradientThreshold, nil, k, lastStep)
		}
		if k >= maxIter {
			return finish(optim.IterationLimit, nil, k, lastStep)
		}
		if s.MaxEvals > 0 && ev.fevals >= s.MaxEvals {
			return finish(optim.EvaluationLimit, nil, k, lastStep)
		}
		alpha0, err := dir.next(d, st)
		if err != nil {
			var se *SingularError
			if errors.As(err, &se) {
				se.Step = k
				return fail(optim.SingularSystem, err, k)
			}
			var ne *optim.NumericalError
			if errors.As(err, &ne) {
				ne.Step = k
			}
			return fail(optim.NonFinite, err, k)
		}
		if i := firstNonFinite(d); i >= 0 {
			return fail(optim.NonFinite, &optim.NumericalError{Step: k, Index: i, Value: d[i], What: "search direction"}, k)
		}
		dg := dot(g, d)
		var alpha float64
		if ls == nil {
			alpha = 1
			line.reset(x, d)
			line.PhiDeriv(1)
		} else {
			if !(dg < 0) {
				if !dir.restart() {
					return fail(optim.NotDescentDirection,
						&optim.NumericalError{Step: k, Index: -1, Value: dg, What: "directional derivative ∇f·d (not a descent direction)"}, k)
				}
				if alpha0, err = dir.next(d, st); err != nil {
					return fail(optim.NonFinite, err, k)
				}
				if dg = dot(g, d); !(dg < 0) {
					return fail(optim.NotDescentDirection,
						&optim.NumericalError{Step: k, Index: -1, Value: dg, What: "directional derivative ∇f·d (not a descent direction)"}, k)
				}
			}
			line.reset(x, d)
			alpha, err = ls.Search(line, st.f, dg, alpha0)
			if err != nil {
				var lse *LineSearchError
				if errors.As(err, &lse) {
					lse.Step = k
					return fail(optim.LineSearchFailure, err, k)
				}
				var ne *optim.NumericalError
				if errors.As(err, &ne) {
					ne.Step = k
				}
				return fail(optim.NonFinite, err, k)
			}
			if !line.HasGrad {
				ev.grad(line.G, line.X)
				line.HasGrad = true
			}
		}
		if !finite(line.F) {
			return fail(optim.NonFinite, &optim.NumericalError{Step: k + 1, Index: -1, Value: line.F, What: "objective"}, k)
		}
		if i := firstNonFinite(line.G); i >= 0 {
			return fail(optim.NonFinite, &optim.NumericalError{Step: k + 1, Index: i, Value: line.G[i], What: "gradient"}, k)
		}
		for i := range x {
			sv[i] = line.X[i] - x[i]
			yv[i] = line.G[i] - g[i]
		}
		copy(x, line.X)
		copy(g, line.G)
		st.f = line.F
		st.prevStep, st.prevDg = alpha, dg
		res.F, res.GradNorm = st.f, norm2(g)
		lastStep = alpha
		if best.tracked && st.f < best.f {
			copy(best.x, x)
			best.f, best.gn = st.f, res.GradNorm
		}
		dir.update(st, sv, yv)
	}
}
