package secondorder

import (
	"errors"
	"math"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// Pure Newton on a strictly convex problem: the error is squared at every
// step, eₖ₊₁ ≤ C·eₖ², and the linear ratio goes to zero.
func TestNewtonQuadraticConvergence(t *testing.T) {
	p := expProblem()
	m := NewNewton()
	r := run(m, p, []float64{3, -2}, optim.Settings{MaxIter: 100, GradTol: 1e-15})
	if r.Status != optim.GradientThreshold {
		t.Fatalf("status %v (%v)", r.Status, r.Err)
	}
	rows := ConvergenceRates(r.Trace, []float64{1, 1})
	var quad []float64
	for _, row := range rows {
		t.Logf("k=%d  e=%.3e  e+/e=%.3g  e+/e²=%.3g", row.Iter, row.Err, row.Linear, row.Quadratic)
		if !math.IsNaN(row.Quadratic) {
			quad = append(quad, row.Quadratic)
		}
	}
	if len(quad) < 3 {
		t.Fatalf("only %d ratios", len(quad))
	}
	// eₖ₊₁/eₖ² stays bounded and settles to Newton's asymptotic constant
	// (≈ 0.354 here), while eₖ₊₁/eₖ → 0.
	for _, q := range quad {
		if q > 1 {
			t.Errorf("eₖ₊₁/eₖ² = %g, want bounded (≤ 1)", q)
		}
	}
	if a, b := quad[len(quad)-2], quad[len(quad)-1]; math.Abs(a-b) > 0.05*b {
		t.Errorf("eₖ₊₁/eₖ² not settling: %g then %g", a, b)
	}
	if n := len(rows); rows[n-1].Err > 1e-14 || r.Stats.Iterations > 9 {
		t.Errorf("final error %g after %d iterations", rows[n-1].Err, r.Stats.Iterations)
	}
	for _, s := range m.Shifts() {
		if s != 0 {
			t.Errorf("pure Newton used a shift %g", s)
		}
	}
}

// Pure Newton is attracted to the saddle of the double well; modified
// Newton adds τI where the Hessian is indefinite, reports τ, and reaches a
// minimum.
func TestModifiedNewtonRecovers(t *testing.T) {
	p := doubleWell()
	x0 := []float64{0.1, 1}
	pure := run(NewNewton(), p, x0, tight)
	if pure.Status != optim.GradientThreshold || math.Abs(pure.X[0]) > 1e-8 || math.Abs(pure.X[1]) > 1e-8 {
		t.Errorf("pure Newton: %v at %v, want the saddle (0, 0)", pure.Status, pure.X)
	}
	m := &Newton{Modified: true, Beta: 1e-3, LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}}
	mod := run(m, p, x0, tight)
	shifts := m.Shifts()
	if mod.Status != optim.GradientThreshold || math.Abs(math.Abs(mod.X[0])-1) > 1e-8 {
		t.Fatalf("modified Newton: %v at %v, want a minimum (±1, 0)", mod.Status, mod.X)
	}
	if shifts[0] <= 0 {
		t.Errorf("first shift τ = %g, want > 0 (H = diag(−0.97, 1))", shifts[0])
	}
	// τ₀ = Beta − min aᵢᵢ = 1e-3 + 0.97, which already factors.
	if want := 1e-3 + 0.97; math.Abs(shifts[0]-want) > 1e-12 {
		t.Errorf("τ₀ = %g, want %g", shifts[0], want)
	}
	if last := shifts[len(shifts)-1]; last != 0 {
		t.Errorf("final shift %g, want 0 near the minimum", last)
	}
	// On Rosenbrock from the classic start both converge; modified Newton
	// with a line search needs no shift there but must converge.
	rb := problems.Rosenbrock()
	for _, m := range []*Newton{{Modified: true, Beta: 1e-3, LineSearch: StrongWolfe{C1: 1e-4, C2: 0.9, MaxTrials: 25}}, NewModifiedNewton(), {FiniteDiff: true, Modified: true, Beta: 1e-3, LineSearch: StrongWolfe{C1: 1e-4, C2: 0.9, MaxTrials: 25}}} {
		r := run(m, rb, rb.Start, tight)
		if r.Status != optim.GradientThreshold || math.Abs(r.X[0]-1) > 1e-7 {
			t.Errorf("%+v on Rosenbrock: %v at %v", m, r.Status, r.X)
		}
	}
}

// A Hessian that is indefinite gives, without modification and with a line
// search, a direction that climbs: NotDescentDirection, start kept.
func TestNewtonIndefiniteNotDescent(t *testing.T) {
	x0 := []float64{0.5, 0.01}
	r := run(&Newton{LineSearch: StrongWolfe{C1: 1e-4, C2: 0.9, MaxTrials: 25}}, doubleWell(), x0, tight)
	if r.Status != optim.NotDescentDirection {
		t.Fatalf("status %v, want NotDescentDirection", r.Status)
	}
	var ne *NotDescentError
	if !errors.As(r.Err, &ne) || ne.Step != 0 || !(ne.Slope > 0) {
		t.Errorf("error %v, want a NotDescentError at step 0 with ∇f·d > 0", r.Err)
	}
	if !sameSlice(r.X, x0) {
		t.Errorf("X = %v, want the start %v", r.X, x0)
	}
}

// A singular Hessian (f = x² + y⁴ at y = 0) ends the run with
// SingularSystem and a *SingularError; modified Newton shifts and converges.
func TestNewtonSingularHessian(t *testing.T) {
	p := problems.Problem{
		Name: "x²+y⁴", Dim: 2,
		Func: func(x []float64) float64 { return x[0]*x[0] + x[1]*x[1]*x[1]*x[1] },
		Grad: func(g, x []float64) { g[0], g[1] = 2*x[0], 4*x[1]*x[1]*x[1] },
		Hess: func(h *mat.SymDense, x []float64) {
			h.SetSym(0, 0, 2)
			h.SetSym(0, 1, 0)
			h.SetSym(1, 1, 12*x[1]*x[1])
		},
	}
	x0 := []float64{1, 0}
	for _, m := range []*Newton{{}, {LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}}} {
		r := run(m, p, x0, tight)
		var se *SingularError
		if r.Status != optim.SingularSystem || !errors.As(r.Err, &se) || se.Step != 0 {
			t.Errorf("%+v: status %v, err %v; want SingularSystem at step 0", m, r.Status, r.Err)
		}
		if !sameSlice(r.X, x0) || r.F != 1 {
			t.Errorf("X = %v, F = %g; want the start kept", r.X, r.F)
		}
	}
	m := NewModifiedNewton()
	r := run(m, p, x0, tight)
	if r.Status != optim.GradientThreshold || m.Shifts()[0] <= 0 {
		t.Errorf("modified: %v, shifts %v", r.Status, m.Shifts()[:1])
	}
}

func TestFDHessianMatchesAnalytic(t *testing.T) {
	for _, p := range []problems.Problem{problems.Rosenbrock(), problems.Beale(), expProblem(), problems.RosenbrockND(7)} {
		x := p.Start
		if x == nil {
			x = []float64{0.3, -0.7}
		}
		n := len(x)
		exact := mat.NewSymDense(n, nil)
		approx := mat.NewSymDense(n, nil)
		p.Hess(exact, x)
		if evals := FDHessian(approx, p.Grad, x); evals != 2*n {
			t.Errorf("%s: %d gradient evaluations, want %d", p.Name, evals, 2*n)
		}
		var d mat.Dense
		d.Sub(exact, approx)
		if e := mat.Norm(&d, math.Inf(1)) / mat.Norm(exact, math.Inf(1)); e > 1e-8 {
			t.Errorf("%s: relative error %g", p.Name, e)
		}
	}
	mustPanic(t, "FDHessian size", func() { FDHessian(mat.NewSymDense(3, nil), expProblem().Grad, []float64{1, 2}) })
}

// Pure Newton diverges far from the minimum of f = √(1 + x²): the step maps
// x to −x³, so from |x| > 1 the iterates explode until the Hessian
// underflows or f overflows; the run fails and keeps the start, the best
// point it saw. With a line search the same Newton direction converges.
func TestPureNewtonDiverges(t *testing.T) {
	p := problems.Problem{
		Name: "sqrt(1+x²)", Dim: 1,
		Func: func(x []float64) float64 { return math.Sqrt(1 + x[0]*x[0]) },
		Grad: func(g, x []float64) { g[0] = x[0] / math.Sqrt(1+x[0]*x[0]) },
		Hess: func(h *mat.SymDense, x []float64) { h.SetSym(0, 0, math.Pow(1+x[0]*x[0], -1.5)) },
	}
	r := run(NewNewton(), p, []float64{1.5}, tight)
	if !r.Status.Failed() || r.X[0] != 1.5 || r.Err == nil {
		t.Errorf("pure Newton: %v at %v (%v); want a failure keeping the start", r.Status, r.X, r.Err)
	}
	xs := r.Trace.Coord(0)
	if len(xs) < 4 || math.Abs(xs[1]+3.375) > 1e-12 || math.Abs(xs[2]) < 38 {
		t.Errorf("iterates %v, want 1.5, −3.375, 38.4, …", xs)
	}
	t.Logf("pure Newton: %v after %d steps: %v", r.Status, r.Stats.Iterations, r.Err)
	r = run(&Newton{LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}}, p, []float64{1.5}, tight)
	if r.Status != optim.GradientThreshold || math.Abs(r.X[0]) > 1e-8 {
		t.Errorf("damped Newton: %v at %v", r.Status, r.X)
	}
}
