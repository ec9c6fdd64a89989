package secondorder

import (
	"errors"
	"math"
	"testing"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func quadBowl(n int) problems.Problem {
	return problems.Problem{
		Name: "bowl",
		Func: func(x []float64) float64 { return floats.Dot(x, x) },
		Grad: func(g, x []float64) {
			for i := range x {
				g[i] = 2 * x[i]
			}
		},
	}
}

// The objective is NaN for x₀ > 2.5, short of the minimum at x = (3, 3): a
// step into that region is shrunk; the run ends with a failure status,
// never with a NaN point.
func TestNaNMidLineSearch(t *testing.T) {
	p := problems.Problem{
		Name: "NaN wall",
		Func: func(x []float64) float64 {
			if x[0] > 2.5 {
				return math.NaN()
			}
			return (x[0]-3)*(x[0]-3) + (x[1]-3)*(x[1]-3)
		},
		Grad: func(g, x []float64) {
			if x[0] > 2.5 {
				g[0], g[1] = math.NaN(), math.NaN()
				return
			}
			g[0], g[1] = 2*(x[0]-3), 2*(x[1]-3)
		},
	}
	for _, m := range []optim.Method{
		NewLBFGS(10), NewBFGS(), NewCG(),
		&LBFGS{Memory: 10, LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}},
		&Newton{LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}},
		&Newton{LineSearch: StrongWolfe{C1: 1e-4, C2: 0.9, MaxTrials: 25}},
	} {
		r := run(m, p, []float64{0, 0}, tight)
		name := optim.MethodName(m)
		if !r.Status.Failed() && r.Status != optim.IterationLimit {
			t.Errorf("%s: status %v, want a failure", name, r.Status)
		}
		if num.FirstNonFinite(r.X) >= 0 || !num.Finite(r.F) || r.X[0] > 2.5 || r.F >= p.Func([]float64{0, 0}) {
			t.Errorf("%s: best point %v f=%g, want finite, inside, and better than the start", name, r.X, r.F)
		}
		if r.Err == nil {
			t.Errorf("%s: no error with status %v", name, r.Status)
		}
		t.Logf("%-32s %v: %v (x=%.4g f=%.3g)", name, r.Status, r.Err, r.X, r.F)
	}
	// Pure Newton has no line search: its unit step lands in the NaN
	// region, the run ends NonFinite at step 1 and keeps the start.
	r := run(NewNewton(), p, []float64{0, 0}, tight)
	var ne *optim.NumericalError
	if r.Status != optim.NonFinite || !errors.As(r.Err, &ne) || ne.Step != 1 || r.X[0] != 0 {
		t.Errorf("pure Newton: %v %v x %v", r.Status, r.Err, r.X)
	}
	// NaN at the start is reported at step 0.
	r = run(NewLBFGS(10), p, []float64{3, 0}, tight)
	if r.Status != optim.NonFinite || !errors.As(r.Err, &ne) || ne.Step != 0 {
		t.Errorf("NaN start: %v %v", r.Status, r.Err)
	}
}

// Backtracking recovers from a NaN trial by shrinking past it.
func TestBacktrackingShrinksPastNaN(t *testing.T) {
	p := problems.Problem{
		Func: func(x []float64) float64 {
			if x[0] < -0.5 {
				return math.NaN()
			}
			return x[0] * x[0]
		},
	}
	l := NewLine(optim.NewEvaluator(p), 1)
	l.Reset([]float64{1}, []float64{-2})
	alpha, err := Backtracking{C1: 1e-4, MaxTrials: 50}.Search(l, 1, -4, 1)
	if err != nil || alpha != 0.1 || l.X[0] != 0.8 {
		t.Errorf("α = %g, x = %v, err = %v; want α = 0.1 after one NaN trial", alpha, l.X, err)
	}
}

// A gradient with the wrong sign makes −∇f an ascent direction that the
// method believes descends: no step gives sufficient decrease, the search
// fails with a *LineSearchError and the run keeps the start.
func TestLineSearchFailureKeepsBest(t *testing.T) {
	p := quadBowl(2)
	p.Grad = func(g, x []float64) {
		for i := range x {
			g[i] = -2 * x[i]
		}
	}
	x0 := []float64{1, -2}
	for _, m := range []optim.Method{NewLBFGS(10), NewBFGS(), NewCG(), &LBFGS{Memory: 10, LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}}} {
		r := run(m, p, x0, tight)
		var lse *LineSearchError
		if r.Status != optim.LineSearchFailure || !errors.As(r.Err, &lse) || lse.Step != 0 {
			t.Errorf("%s: status %v, err %v; want LineSearchFailure at step 0", optim.MethodName(m), r.Status, r.Err)
		}
		if !sameSlice(r.X, x0) || r.F != 5 {
			t.Errorf("%s: X = %v, F = %g; want the start", optim.MethodName(m), r.X, r.F)
		}
	}
}

// uphillSearch is a method whose direction is +∇f and cannot restart.
type uphillSearch struct{ core core }

func (u *uphillSearch) Reset() {}
func (u *uphillSearch) Init(e *optim.Evaluator, loc *optim.Location) error {
	u.core.start(uphill{}, Backtracking{C1: 1e-4, MaxTrials: 50}, e, loc)
	return nil
}
func (u *uphillSearch) Iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	return u.core.iterate(e, loc)
}

type uphill struct{}

func (uphill) init(int) {}
func (uphill) next(d []float64, st *state) (float64, error) {
	copy(d, st.g)
	return 1, nil
}
func (uphill) update(*state, []float64, []float64) {}
func (uphill) restart() bool                       { return false }

// A direction that does not descend is caught before the search.
func TestNotDescentDirection(t *testing.T) {
	r := run(&uphillSearch{}, quadBowl(2), []float64{1, 1}, tight)
	var nd *NotDescentError
	if r.Status != optim.NotDescentDirection || !errors.As(r.Err, &nd) || nd.Slope != 8 {
		t.Errorf("status %v err %v; want NotDescentDirection with ∇f·d = 8", r.Status, r.Err)
	}
	if !sameSlice(r.X, []float64{1, 1}) {
		t.Errorf("X = %v", r.X)
	}
	// The line searches refuse to take a step along it too: with φ'(0) > 0
	// every trial fails sufficient decrease.
	l := NewLine(optim.NewEvaluator(quadBowl(2)), 2)
	l.Reset([]float64{1, 1}, []float64{2, 2})
	if _, err := (StrongWolfe{C1: 1e-4, C2: 0.9, MaxTrials: 25}).Search(l, 2, -8, 1); err == nil {
		t.Errorf("strong Wolfe accepted a step along an ascent direction")
	}
}

// TestNewtonBeta: modified Newton refuses a β that would run to −∞ or to a
// misleading error (issue: "Newton.Beta is not validated").
func TestNewtonBeta(t *testing.T) {
	p := doubleWell()
	x0 := []float64{0.1, 1}
	for _, beta := range []float64{-1, 0, math.NaN(), math.Inf(1)} {
		m := &Newton{Modified: true, Beta: beta, LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}}
		mustPanic(t, "Beta", func() { run(m, p, x0, tight) })
	}
	mustPanic(t, "Beta without Modified", func() { run(&Newton{Beta: 1e-3}, p, x0, tight) })
	if r := run(NewModifiedNewton(), p, x0, tight); r.Status != optim.GradientThreshold || math.Abs(math.Abs(r.X[0])-1) > 1e-8 {
		t.Errorf("NewModifiedNewton: %v at %v", r.Status, r.X)
	}
}

func TestProgrammerErrorsPanic(t *testing.T) {
	p := problems.Rosenbrock()
	mustPanic(t, "empty start", func() { run(NewLBFGS(10), p, []float64{}, tight) })
	mustPanic(t, "wrong length", func() { run(NewBFGS(), p, []float64{1, 2, 3}, tight) })
	mustPanic(t, "nil Func", func() { run(NewNewton(), problems.Problem{}, []float64{1}, tight) })
	mustPanic(t, "nil Grad", func() { run(NewCG(), problems.Problem{Func: p.Func}, []float64{1, 2}, tight) })
	mustPanic(t, "history size 0", func() { NewHistory(3, 0) })
	mustPanic(t, "dimension 0", func() { NewHistory(0, 5) })
	mustPanic(t, "memory 0", func() { run(&LBFGS{}, p, p.Start, tight) })
	mustPanic(t, "negative memory", func() { run(&LBFGS{Memory: -1}, p, p.Start, tight) })
	mustPanic(t, "negative SkipTol", func() { run(&BFGS{SkipTol: -1}, p, p.Start, tight) })
	mustPanic(t, "NaN SkipTol", func() { run(&LBFGS{Memory: 3, SkipTol: math.NaN()}, p, p.Start, tight) })
	mustPanic(t, "negative RestartEvery", func() { run(&CG{RestartEvery: -1}, p, p.Start, tight) })
	mustPanic(t, "unknown CG variant", func() { run(&CG{Variant: 7}, p, p.Start, tight) })
	mustPanic(t, "curvature memory 0", func() { CompareCurvature(p, p.Start, 0, 5) })
	mustPanic(t, "TwoLoop mismatch", func() { NewHistory(3, 2).TwoLoop(make([]float64, 3), make([]float64, 2)) })
	mustPanic(t, "Push mismatch", func() { NewHistory(3, 2).Push(make([]float64, 3), make([]float64, 4)) })
	mustPanic(t, "negative GradTol", func() { run(NewLBFGS(10), p, p.Start, optim.Settings{MaxIter: 10, GradTol: -1}) })
	mustPanic(t, "bad Wolfe", func() { run(&BFGS{LineSearch: StrongWolfe{C1: 0.5, C2: 0.1, MaxTrials: 25}}, p, p.Start, tight) })
	mustPanic(t, "zero Wolfe", func() { run(&BFGS{LineSearch: StrongWolfe{}}, p, p.Start, tight) })
	mustPanic(t, "bad Armijo", func() { run(&BFGS{LineSearch: Backtracking{C1: 2, MaxTrials: 50}}, p, p.Start, tight) })
	mustPanic(t, "zero Armijo", func() { run(&BFGS{LineSearch: Backtracking{}}, p, p.Start, tight) })
	mustPanic(t, "stochastic L-BFGS", func() {
		m := problems.NewLinearRegression(problems.LinearData(10, 2, 0.1, 1), 0)
		run(NewLBFGS(5), problems.Objective("lin", m), make([]float64, m.Dim()), optim.Settings{Batch: 2, Epochs: 1})
	})
	mustPanic(t, "KKT mismatch", func() {
		SolveKKT(EqualityQP{Q: mat.NewSymDense(2, []float64{1, 0, 0, 1}), C: []float64{0, 0}, A: mat.NewDense(1, 3, nil), B: []float64{1}})
	})
	mustPanic(t, "PolyStationary degree 1", func() { PolyStationary([]float64{1, 2}) })
	mustPanic(t, "Stationary1DScan empty interval", func() { Stationary1DScan(math.Sin, math.Cos, nil, 1, 1, 10) })
}
