package secondorder

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

func TestNonlinearCG(t *testing.T) {
	set := map[string]problems.Problem{}
	for _, p := range problems.GonumSet() {
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
		r := CG{Variant: c.variant, Settings: Settings{MaxIter: c.maxIter}}.Minimize(p, p.Start)
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
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	x := make([]float64, n)
	res, err := LinearCG(SymMul(a), b, x, LinearCGSettings{Tol: 1e-12})
	if err != nil || !res.Converged {
		t.Fatalf("%+v %v", res.Iterations, err)
	}
	var chol mat.Cholesky
	chol.Factorize(a)
	var want mat.VecDense
	if err := chol.SolveVecTo(&want, mat.NewVecDense(n, b)); err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if math.Abs(x[i]-want.AtVec(i)) > 1e-9*math.Max(1, math.Abs(want.AtVec(i))) {
			t.Fatalf("x[%d] = %g, Cholesky gives %g", i, x[i], want.AtVec(i))
		}
	}
	// CG's bound: ‖e‖_A shrinks by 2((√κ−1)/(√κ+1))ᵏ, so reaching a
	// relative residual tol needs at most about ½·√κ·ln(2√κ/tol)
	// iterations (≈ 153 here); in exact arithmetic it would end in n = 60,
	// rounding (lost conjugacy) costs a few more.
	if bound := 0.5 * 10 * math.Log(2*10/1e-12); float64(res.Iterations) > bound {
		t.Errorf("%d iterations, bound %.0f", res.Iterations, bound)
	}
	if len(res.Residuals) != res.Iterations+1 {
		t.Errorf("%d residuals for %d iterations", len(res.Residuals), res.Iterations)
	}
	t.Logf("n=%d κ=100: %d iterations, residual %.2g", n, res.Iterations, res.Residuals[len(res.Residuals)-1])
}

// An indefinite matrix is reported, not iterated into nonsense.
func TestLinearCGIndefinite(t *testing.T) {
	a := mat.NewSymDense(2, []float64{1, 0, 0, -1})
	x := []float64{0, 0}
	_, err := LinearCG(SymMul(a), []float64{1, 1}, x, LinearCGSettings{})
	var npd *NotPositiveDefiniteError
	if !errors.As(err, &npd) || npd.Curvature > 0 {
		t.Errorf("err = %v, want a NotPositiveDefiniteError", err)
	}
	if firstNonFinite(x) >= 0 {
		t.Errorf("x = %v", x)
	}
}
