package secondorder

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/problems/gonumset"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestNonlinearCG(t *testing.T) {
	set := map[string]problems.Problem{}
	for _, p := range gonumset.Problems() {
		set[p.Name] = p
	}
	cases := []struct {
		problem string
		variant CGVariant
		maxIter int
	}{
		{"Rosenbrock 2-D", PolakRibierePlus, 200},
		{"ExtendedRosenbrock n=5", PolakRibierePlus, 500},
		{"ExtendedRosenbrock n=100", PolakRibierePlus, 5000},
		{"Beale", PolakRibierePlus, 200},
		{"Wood", PolakRibierePlus, 2000},
		{"HelicalValley", PolakRibierePlus, 500},
		{"Trigonometric n=10", PolakRibierePlus, 500},
		{"Rosenbrock 2-D", FletcherReeves, 5000},
		{"Beale", FletcherReeves, 2000},
		{"VariablyDimensioned n=10", FletcherReeves, 2000},
	}
	for _, c := range cases {
		p := set[c.problem]
		r := run(&CG{Variant: c.variant}, p, p.Start, optim.Settings{MaxIter: c.maxIter, GradTol: 1e-8})
		gi := gradInf(p, r.X)
		t.Logf("%-26s %-15v %v it=%d fe=%d ‖g‖∞=%.2g", c.problem, c.variant, r.Status, r.Stats.Iterations, r.Stats.FuncEvals, gi)
		if r.Status != optim.GradientThreshold || gi > 1e-8 {
			t.Errorf("%s %v: %v, ‖∇f‖∞ = %g (%v)", c.problem, c.variant, r.Status, gi, r.Err)
		}
	}
}

// spd returns a seeded random SPD matrix with eigenvalues spread over [1, κ].
func spd(n int, kappa float64, seed uint64) *mat.SymDense {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = math.Pow(kappa, float64(i)/float64(n-1))
	}
	s := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			var v float64
			for k := range n {
				v += q.At(i, k) * lam[k] * q.At(j, k)
			}
			s.SetSym(i, j, v)
		}
	}
	return s
}

func TestLinearCG(t *testing.T) {
	n := 60
	a := spd(n, 100, 7)
	rng := rand.New(rand.NewPCG(3, 4))
	c := make([]float64, n)
	for i := range c {
		c[i] = rng.NormFloat64()
	}
	// f = ½(x−c)ᵀA(x−c): minimizing it solves Ax = Ac.
	p := problems.Quadratic("SPD κ=100", a, c)
	x0 := make([]float64, n)
	g0 := make([]float64, n)
	p.Grad(g0, x0)
	tol := 1e-12 * floats.Norm(g0, 2)
	r := run(&LinearCG{}, p, x0, optim.Settings{GradTol: tol, MaxIter: 2 * n, TraceLimit: 1000})
	if r.Status != optim.GradientThreshold {
		t.Fatalf("%v after %d iterations: %v", r.Status, r.Stats.Iterations, r.Err)
	}
	for i := range c {
		if math.Abs(r.X[i]-c[i]) > 1e-9*math.Max(1, math.Abs(c[i])) {
			t.Fatalf("x[%d] = %g, the solution is %g", i, r.X[i], c[i])
		}
	}
	// The recurrences agree with the objective itself.
	g := make([]float64, n)
	p.Grad(g, r.X)
	if d := math.Abs(floats.Norm(g, 2) - r.GradNorm); d > 1e-3*tol+1e-14 {
		t.Errorf("recursive residual %g, true %g", r.GradNorm, floats.Norm(g, 2))
	}
	if d := math.Abs(p.Func(r.X) - r.F); d > 1e-12*p.Func(x0) {
		t.Errorf("recursive f %g, true %g", r.F, p.Func(r.X))
	}
	// One gradient per iteration (the product Ap), plus the start.
	if r.Stats.GradEvals != r.Stats.Iterations+1 || r.Stats.FuncEvals != 1 {
		t.Errorf("%d gradients and %d values for %d iterations", r.Stats.GradEvals, r.Stats.FuncEvals, r.Stats.Iterations)
	}
	// CG's bound: ‖e‖_A shrinks by 2((√κ−1)/(√κ+1))ᵏ, so reaching a
	// relative residual tol needs at most about ½·√κ·ln(2√κ/tol)
	// iterations (≈ 153 here); in exact arithmetic it would end in n = 60,
	// rounding (lost conjugacy) costs a few more.
	if bound := 0.5 * 10 * math.Log(2*10/1e-12); float64(r.Stats.Iterations) > bound {
		t.Errorf("%d iterations, bound %.0f", r.Stats.Iterations, bound)
	}
	t.Logf("n=%d κ=100: %d iterations, residual %.2g", n, r.Stats.Iterations, r.GradNorm)
}

// An indefinite matrix is reported, not iterated into nonsense.
func TestLinearCGIndefinite(t *testing.T) {
	// f = ½(x² − y²) − x − y: A = diag(1, −1), b = (1, 1).
	p := problems.Problem{Name: "indefinite", Dim: 2,
		Func: func(x []float64) float64 { return 0.5*(x[0]*x[0]-x[1]*x[1]) - x[0] - x[1] },
		Grad: func(g, x []float64) { g[0], g[1] = x[0]-1, -x[1]-1 },
	}
	r := run(&LinearCG{}, p, []float64{0, 0}, tight)
	var npd *NotPositiveDefiniteError
	if r.Status != optim.SingularSystem || !errors.As(r.Err, &npd) || npd.Curvature > 0 {
		t.Errorf("%v, err = %v, want a NotPositiveDefiniteError", r.Status, r.Err)
	}
	if num.FirstNonFinite(r.X) >= 0 {
		t.Errorf("x = %v", r.X)
	}
}
