package problems

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/modeltest"
	"gonum.org/v1/gonum/mat"
)

// relErr is |a−b| / max(1, |a|, |b|): absolute near zero, relative elsewhere.
func relErr(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// checkDerivatives compares p's gradient and Hessian with central
// differences at x (modeltest.Derivatives).
func checkDerivatives(t *testing.T, p Problem, x []float64, gradTol, hessTol float64) {
	t.Helper()
	modeltest.Derivatives(t, p.Name, p.Func, p.Grad, p.Hess, x, gradTol, hessTol)
}

// samplePoint draws a point where the problem is usually looked at: in the
// plotting box for 1-D and 2-D problems, near the start otherwise.
func samplePoint(p Problem, n int, rng *rand.Rand) []float64 {
	x := make([]float64, n)
	switch {
	case n <= 2 && p.Box != [4]float64{}:
		x[0] = p.Box[0] + rng.Float64()*(p.Box[1]-p.Box[0])
		if n == 2 {
			x[1] = p.Box[2] + rng.Float64()*(p.Box[3]-p.Box[2])
		}
	default:
		for i := range x {
			x[i] = rng.NormFloat64()
			if p.Start != nil {
				x[i] = p.Start[i] + 0.5*x[i]
			}
		}
	}
	return x
}

// analyticSurfaces are all the hand-written surfaces, in every constructor form.
func analyticSurfaces() []Problem {
	ps := Surfaces()
	ps = append(ps,
		Quadratic2D(1, 0), Quadratic2D(100, math.Pi/4), Quadratic2D(1e4, -1),
		QuadraticND(1, 1, 3), QuadraticND(7, 50, 1), QuadraticND(20, 1e3, 2),
		RosenbrockND(3), RosenbrockND(10),
		NonConvex1D(), Parabola(1, -6, 10), Parabola(0.25, 3, -2),
	)
	return ps
}

func dimOf(p Problem) int {
	if p.Dim > 0 {
		return p.Dim
	}
	return len(p.Start)
}

func TestSurfaceDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range analyticSurfaces() {
		t.Run(p.Name, func(t *testing.T) {
			if p.Func == nil || p.Grad == nil || p.Hess == nil {
				t.Fatal("missing Func, Grad or Hess")
			}
			n := dimOf(p)
			if len(p.Start) != n {
				t.Fatalf("len(Start) = %d, want %d", len(p.Start), n)
			}
			checkDerivatives(t, p, p.Start, 1e-6, 1e-5)
			for k := 0; k < 8; k++ {
				checkDerivatives(t, p, samplePoint(p, n, rng), 1e-6, 1e-5)
			}
		})
	}
}

// TestSurfaceMinima checks every listed minimum: f equals the listed value,
// the gradient vanishes, and the Hessian is positive definite.
func TestSurfaceMinima(t *testing.T) {
	for _, p := range analyticSurfaces() {
		t.Run(p.Name, func(t *testing.T) {
			n := dimOf(p)
			noMin := strings.Contains(p.Name, "addle")
			if noMin != (len(p.Minima) == 0) {
				t.Fatalf("len(Minima) = %d", len(p.Minima))
			}
			global := 0
			for _, m := range p.Minima {
				if len(m.X) != n {
					t.Fatalf("minimum %v has dimension %d, want %d", m.X, len(m.X), n)
				}
				if f := p.Func(m.X); math.Abs(f-m.F) > 1e-12*math.Max(1, math.Abs(m.F)) {
					t.Errorf("f(%v) = %v, listed %v", m.X, f, m.F)
				}
				g := make([]float64, n)
				p.Grad(g, m.X)
				for i, gi := range g {
					if math.Abs(gi) > 1e-10 {
						t.Errorf("∇f(%v)[%d] = %v, want 0", m.X, i, gi)
					}
				}
				h := mat.NewSymDense(n, nil)
				p.Hess(h, m.X)
				var chol mat.Cholesky
				if !chol.Factorize(h) {
					t.Errorf("Hessian at %v is not positive definite: %v", m.X, mat.Formatted(h))
				}
				if m.Global {
					global++
				}
			}
			if len(p.Minima) > 0 && global == 0 {
				t.Error("no global minimum marked")
			}
		})
	}
}

// The global minima of a problem all share the lowest value.
func TestGlobalMinimaAreLowest(t *testing.T) {
	for _, p := range analyticSurfaces() {
		lowest := math.Inf(1)
		for _, m := range p.Minima {
			lowest = math.Min(lowest, m.F)
		}
		for _, m := range p.Minima {
			if m.Global != (m.F == lowest) {
				t.Errorf("%s: minimum %v (f = %v) Global = %v, lowest f = %v", p.Name, m.X, m.F, m.Global, lowest)
			}
		}
	}
}

func TestQuadraticConditionNumber(t *testing.T) {
	for _, tc := range []struct {
		n     int
		kappa float64
		angle float64 // 2-D only
	}{
		{2, 1, 0}, {2, 10, math.Pi / 6}, {2, 100, math.Pi / 4}, {2, 1e4, 2},
		{5, 10, 0}, {30, 1e3, 0}, {100, 1e6, 0},
	} {
		var p Problem
		if tc.n == 2 {
			p = Quadratic2D(tc.kappa, tc.angle)
		} else {
			p = QuadraticND(tc.n, tc.kappa, uint64(tc.n))
		}
		h := mat.NewSymDense(tc.n, nil)
		p.Hess(h, make([]float64, tc.n))
		var eig mat.EigenSym
		if !eig.Factorize(h, false) {
			t.Fatalf("%s: eigendecomposition failed", p.Name)
		}
		ev := eig.Values(nil)
		if relErr(ev[0], 1) > 1e-9 || math.Abs(ev[len(ev)-1]/tc.kappa-1) > 1e-9 {
			t.Errorf("%s: eigenvalues span [%v, %v], want [1, %v]", p.Name, ev[0], ev[len(ev)-1], tc.kappa)
		}
		if got := ev[len(ev)-1] / ev[0]; math.Abs(got/tc.kappa-1) > 1e-9 {
			t.Errorf("%s: condition number %v, want %v", p.Name, got, tc.kappa)
		}
		if tc.n > 2 {
			// log-uniform spread: consecutive eigenvalue ratios are equal.
			want := math.Pow(tc.kappa, 1/float64(tc.n-1))
			for i := 1; i < len(ev); i++ {
				if math.Abs(ev[i]/ev[i-1]/want-1) > 1e-6 {
					t.Errorf("%s: λ%d/λ%d = %v, want %v", p.Name, i, i-1, ev[i]/ev[i-1], want)
				}
			}
		}
	}
}

func TestQuadratic2DRotation(t *testing.T) {
	// At θ the eigenvector of eigenvalue 1 is (cos θ, sin θ): f there is ½.
	for _, theta := range []float64{0, 0.3, math.Pi / 4, 2} {
		p := Quadratic2D(50, theta)
		s, c := math.Sincos(theta)
		if f := p.Func([]float64{c, s}); math.Abs(f-0.5) > 1e-12 {
			t.Errorf("θ=%v: f(cos θ, sin θ) = %v, want 0.5", theta, f)
		}
		if f := p.Func([]float64{-s, c}); math.Abs(f-25) > 1e-10 {
			t.Errorf("θ=%v: f(−sin θ, cos θ) = %v, want κ/2 = 25", theta, f)
		}
	}
}

func TestQuadraticNDSeeded(t *testing.T) {
	a, b, c := QuadraticND(6, 10, 7), QuadraticND(6, 10, 7), QuadraticND(6, 10, 8)
	x := []float64{0.1, -0.2, 0.3, -0.4, 0.5, -0.6}
	if a.Func(x) != b.Func(x) {
		t.Error("same seed, different problem")
	}
	if a.Func(x) == c.Func(x) {
		t.Error("different seeds, same problem")
	}
}

func TestNonConvex1DBasins(t *testing.T) {
	// Plain gradient descent with a small step ends in the basin of its start.
	p := NonConvex1D()
	g := []float64{0}
	for _, tc := range []struct{ x0, want float64 }{{-2.5, -2}, {-1.2, -2}, {-0.9, 0.5}, {0, 0.5}, {1.4, 0.5}, {1.6, 2.5}, {3, 2.5}} {
		x := []float64{tc.x0}
		for k := 0; k < 5000; k++ {
			p.Grad(g, x)
			x[0] -= 0.01 * g[0]
		}
		if math.Abs(x[0]-tc.want) > 1e-6 {
			t.Errorf("from %v: ended at %v, want %v", tc.x0, x[0], tc.want)
		}
	}
	// Depths are distinct and ordered as documented.
	m := p.Minima
	if !(m[2].F < m[1].F && m[1].F < m[0].F) {
		t.Errorf("depths %v, %v, %v not ordered", m[0].F, m[1].F, m[2].F)
	}
	// The box shows the whole curve.
	for _, x := range []float64{p.Box[0], p.Box[1]} {
		if f := p.Func([]float64{x}); f > p.Box[3] || f < p.Box[2] {
			t.Errorf("f(%v) = %v outside f range [%v, %v]", x, f, p.Box[2], p.Box[3])
		}
	}
}

func TestParabolaClosedForm(t *testing.T) {
	p := Parabola(2, -8, 3) // x* = 2, f* = 3 − 64/8 = −5
	if m := p.Minima[0]; m.X[0] != 2 || m.F != -5 {
		t.Errorf("minimum %v, %v; want 2, −5", m.X[0], m.F)
	}
	// One gradient step with α = 1/(2a) lands on x*.
	x := []float64{p.Start[0]}
	g := []float64{0}
	p.Grad(g, x)
	if x[0] -= g[0] / 4; x[0] != 2 {
		t.Errorf("one step with α = 1/(2a) gives %v, want 2", x[0])
	}
}

func TestSurfacesAre2D(t *testing.T) {
	for _, p := range Surfaces() {
		if p.Dim != 2 || p.Box[0] >= p.Box[1] || p.Box[2] >= p.Box[3] {
			t.Errorf("%s: Dim %d, Box %v", p.Name, p.Dim, p.Box)
		}
		for _, m := range p.Minima {
			if m.X[0] < p.Box[0] || m.X[0] > p.Box[1] || m.X[1] < p.Box[2] || m.X[1] > p.Box[3] {
				t.Errorf("%s: minimum %v outside Box %v", p.Name, m.X, p.Box)
			}
		}
		if s := p.Start; s[0] < p.Box[0] || s[0] > p.Box[1] || s[1] < p.Box[2] || s[1] > p.Box[3] {
			t.Errorf("%s: start %v outside Box %v", p.Name, s, p.Box)
		}
	}
}

func TestSurfaceEvaluationAllocatesNothing(t *testing.T) {
	for _, p := range analyticSurfaces() {
		n := dimOf(p)
		x := append([]float64(nil), p.Start...)
		g := make([]float64, n)
		h := mat.NewSymDense(n, nil)
		if a := testing.AllocsPerRun(10, func() { p.Func(x); p.Grad(g, x); p.Hess(h, x) }); a != 0 {
			t.Errorf("%s: %v allocations per evaluation", p.Name, a)
		}
	}
}

// mustPanic runs f and fails unless it panics with a message starting with
// "problems: " and containing want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	modeltest.MustPanic(t, "problems: ", want, f)
}

func TestSurfaceBadInput(t *testing.T) {
	mustPanic(t, "kappa", func() { Quadratic2D(0.5, 0) })
	mustPanic(t, "kappa", func() { Quadratic2D(math.NaN(), 0) })
	mustPanic(t, "kappa", func() { Quadratic2D(math.Inf(1), 0) })
	mustPanic(t, "angle", func() { Quadratic2D(2, math.Inf(-1)) })
	mustPanic(t, "n = 0", func() { QuadraticND(0, 2, 1) })
	mustPanic(t, "kappa", func() { QuadraticND(3, 0.9, 1) })
	mustPanic(t, "kappa must be 1", func() { QuadraticND(1, 2, 1) })
	mustPanic(t, "n = 1", func() { RosenbrockND(1) })
	mustPanic(t, "a = 0", func() { Parabola(0, 1, 1) })
	mustPanic(t, "a = -1", func() { Parabola(-1, 1, 1) })
	mustPanic(t, "finite", func() { Parabola(1, math.NaN(), 1) })
	mustPanic(t, "not positive definite", func() { Quadratic("q", mat.NewSymDense(2, []float64{1, 2, 2, 1}), []float64{0, 0}) })
	mustPanic(t, "A is 2×2", func() { Quadratic("q", mat.NewSymDense(2, nil), []float64{0}) })

	for _, p := range analyticSurfaces() {
		n := dimOf(p)
		mustPanic(t, "len(x)", func() { p.Func(make([]float64, n+1)) })
		mustPanic(t, "len(grad)", func() { p.Grad(make([]float64, n+1), make([]float64, n)) })
		mustPanic(t, "Hessian is", func() { p.Hess(mat.NewSymDense(n+1, nil), make([]float64, n)) })
		mustPanic(t, "nil Hessian", func() { p.Hess(nil, make([]float64, n)) })
	}
}
