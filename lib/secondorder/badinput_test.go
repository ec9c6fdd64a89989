package secondorder

import (
	"errors"
	"math"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

func quadBowl(n int) problems.Problem {
	return problems.Problem{
		Name: "bowl",
		Func: func(x []float64) float64 { return dot(x, x) },
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
	for _, m := range []Method{
		LBFGS{}, BFGS{}, CG{},
		LBFGS{LineSearch: Backtracking{}},
		Newton{LineSearch: Backtracking{}},
		Newton{LineSearch: StrongWolfe{}},
	} {
		r := m.Minimize(p, []float64{0, 0})
		if !r.Status.Failed() && r.Status != optim.IterationLimit {
			t.Errorf("%T: status %v, want a failure", m, r.Status)
		}
		if firstNonFinite(r.X) >= 0 || !finite(r.F) || r.X[0] > 2.5 || r.F >= p.Func([]float64{0, 0}) {
			t.Errorf("%T: best point %v f=%g, want finite, inside, and better than the start", m, r.X, r.F)
		}
		if r.Err == nil {
			t.Errorf("%T: no error with status %v", m, r.Status)
		}
		t.Logf("%-32T %v: %v (x=%.4g f=%.3g)", m, r.Status, r.Err, r.X, r.F)
	}
	// Pure Newton has no line search: its unit step lands in the NaN
	// region, the run ends NonFinite at step 1 and keeps the start.
	r := Newton{}.Minimize(p, []float64{0, 0})
	if r.Status != optim.NonFinite {
		t.Errorf("pure Newton: %v", r.Status)
	}
	// NaN at the start is reported at step 0.
	r = LBFGS{}.Minimize(p, []float64{3, 0})
	var ne *optim.NumericalError
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
	ev := &evaluator{p: p}
	l := newLine(ev, 1)
	x, d := []float64{1}, []float64{-2}
	l.reset(x, d)
	alpha, err := Backtracking{}.Search(l, 1, -4, 1)
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
	for _, m := range []Method{LBFGS{}, BFGS{}, CG{}, LBFGS{LineSearch: Backtracking{}}} {
		r := m.Minimize(p, x0)
		var lse *LineSearchError
		if r.Status != optim.LineSearchFailure || !errors.As(r.Err, &lse) || lse.Step != 0 {
			t.Errorf("%T: status %v, err %v; want LineSearchFailure at step 0", m, r.Status, r.Err)
		}
		if !sameSlice(r.X, x0) || r.F != 5 {
			t.Errorf("%T: X = %v, F = %g; want the start", m, r.X, r.F)
		}
	}
}

// A direction that does not descend is caught before the search.
func TestNotDescentDirection(t *testing.T) {
	// A direction rule that always returns +∇f and cannot restart.
	r := minimize("uphill", quadBowl(2), []float64{1, 1}, Settings{}, uphill{}, Backtracking{})
	var ne *optim.NumericalError
	if r.Status != optim.NotDescentDirection || !errors.As(r.Err, &ne) || ne.Value != 8 {
		t.Errorf("status %v err %v; want NotDescentDirection with ∇f·d = 8", r.Status, r.Err)
	}
	if !sameSlice(r.X, []float64{1, 1}) {
		t.Errorf("X = %v", r.X)
	}
	// The line searches refuse to take a step along it too: with φ'(0) > 0
	// every trial fails sufficient decrease.
	ev := &evaluator{p: quadBowl(2)}
	l := newLine(ev, 2)
	l.reset([]float64{1, 1}, []float64{2, 2})
	if _, err := (StrongWolfe{}).Search(l, 2, -8, 1); err == nil {
		t.Errorf("strong Wolfe accepted a step along an ascent direction")
	}
}

type uphill struct{}

func (uphill) init(int) {}
func (uphill) next(d []float64, st *state) (float64, error) {
	copy(d, st.g)
	return 1, nil
}
func (uphill) update(*state, []float64, []float64) {}
func (uphill) restart() bool                       { return false }

func TestProgrammerErrorsPanic(t *testing.T) {
	p := problems.Rosenbrock()
	mustPanic(t, "empty start", func() { LBFGS{}.Minimize(p, nil) })
	mustPanic(t, "wrong length", func() { BFGS{}.Minimize(p, []float64{1, 2, 3}) })
	mustPanic(t, "nil Func", func() { Newton{}.Minimize(problems.Problem{}, []float64{1}) })
	mustPanic(t, "nil Grad", func() { CG{}.Minimize(problems.Problem{Func: p.Func}, []float64{1, 2}) })
	mustPanic(t, "history size 0", func() { NewHistory(3, 0) })
	mustPanic(t, "dimension 0", func() { NewHistory(0, 5) })
	mustPanic(t, "negative memory", func() { LBFGS{Memory: -1}.Minimize(p, p.Start) })
	mustPanic(t, "curvature memory 0", func() { CompareCurvature(p, p.Start, 0, 5) })
	mustPanic(t, "TwoLoop mismatch", func() { NewHistory(3, 2).TwoLoop(make([]float64, 3), make([]float64, 2)) })
	mustPanic(t, "Push mismatch", func() { NewHistory(3, 2).Push(make([]float64, 3), make([]float64, 4)) })
	mustPanic(t, "negative GradTol", func() { LBFGS{Settings: Settings{GradTol: -1}}.Minimize(p, p.Start) })
	mustPanic(t, "bad Wolfe", func() { BFGS{LineSearch: StrongWolfe{C1: 0.5, C2: 0.1}}.Minimize(p, p.Start) })
	mustPanic(t, "bad Armijo", func() { BFGS{LineSearch: Backtracking{C1: 2}}.Minimize(p, p.Start) })
	mustPanic(t, "LinearCG empty", func() { LinearCG(func(d, v []float64) {}, nil, nil, LinearCGSettings{}) })
	mustPanic(t, "LinearCG mismatch", func() { LinearCG(func(d, v []float64) {}, []float64{1}, []float64{1, 2}, LinearCGSettings{}) })
	mustPanic(t, "KKT mismatch", func() {
		SolveKKT(EqualityQP{Q: mat.NewSymDense(2, []float64{1, 0, 0, 1}), C: []float64{0, 0}, A: mat.NewDense(1, 3, nil), B: []float64{1}})
	})
	mustPanic(t, "PolyStationary degree 1", func() { PolyStationary([]float64{1, 2}) })
	mustPanic(t, "Stationary1DScan empty interval", func() { Stationary1DScan(math.Sin, math.Cos, nil, 1, 1, 10) })
}
