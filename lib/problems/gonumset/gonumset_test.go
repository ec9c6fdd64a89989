package gonumset

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/internal/modeltest"
	"github.com/descentlab/descent/lib/problems"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/functions"
)

func TestProblemsShape(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Problems() {
		if seen[p.Name] {
			t.Errorf("duplicate name %q", p.Name)
		}
		seen[p.Name] = true
		if p.Dim != len(p.Start) || p.Func == nil || p.Grad == nil {
			t.Errorf("%s: Dim %d, len(Start) %d", p.Name, p.Dim, len(p.Start))
		}
	}
	for _, name := range []string{"Rosenbrock 2-D", "ExtendedRosenbrock n=5", "ExtendedRosenbrock n=100",
		"ExtendedRosenbrock n=1000", "Beale", "Wood"} {
		if !seen[name] {
			t.Errorf("missing %q", name)
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d problems", len(seen))
	}
}

func TestProblemsDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range Problems() {
		if p.Dim > 100 {
			continue // n = 1000 is the n = 100 code at a larger size; fd on it costs 10⁶ evaluations.
		}
		t.Run(p.Name, func(t *testing.T) {
			checkDerivatives(t, p, p.Start, 1e-6, 1e-5)
			for k := 0; k < 4; k++ {
				x := make([]float64, p.Dim)
				for i := range x {
					// Relative perturbation keeps badly scaled problems in their range.
					x[i] = p.Start[i] + 0.1*(math.Abs(p.Start[i])+1)*rng.NormFloat64()
				}
				if p.Name == "HelicalValley" && x[0] == 0 {
					x[0] = 0.1
				}
				checkDerivatives(t, p, x, 1e-6, 1e-5)
			}
		})
	}
}

// TestProblemsMinima checks the documented minima: the listed value, a small
// gradient relative to the curvature, and f at the start above the minimum.
func TestProblemsMinima(t *testing.T) {
	for _, p := range Problems() {
		t.Run(p.Name, func(t *testing.T) {
			if len(p.Minima) == 0 {
				t.Fatal("no minimum listed")
			}
			for _, m := range p.Minima {
				if m.X[1] == 1000 { // BiggsEXP6's minimum at infinity, listed at a finite stand-in.
					continue
				}
				if f := p.Func(m.X); math.Abs(f-m.F) > 1e-9*math.Max(1, math.Abs(m.F)) {
					t.Errorf("f(x*) = %v, listed %v", f, m.F)
				}
				g := make([]float64, p.Dim)
				p.Grad(g, m.X)
				if gn := floats.Norm(g, 2); gn > 1e-5*math.Max(1, math.Abs(m.F)) {
					t.Errorf("‖∇f(x*)‖ = %v at listed minimum", gn)
				}
				if f0 := p.Func(p.Start); !(f0 > m.F) && m.Global {
					t.Errorf("f(start) = %v not above f* = %v", f0, m.F)
				}
			}
		})
	}
}

func TestFrom(t *testing.T) {
	// Wood has a Hessian and minima; HelicalValley has neither Hessian.
	w := From("w", functions.Wood{}, []float64{-3, -1, -3, -1})
	if w.Hess == nil || len(w.Minima) != 1 || w.Dim != 4 {
		t.Errorf("Wood: Hess %v, minima %v", w.Hess != nil, w.Minima)
	}
	h := From("h", functions.HelicalValley{}, []float64{-1, 0, 0})
	if h.Hess != nil {
		t.Error("HelicalValley has no Hessian in gonum")
	}
	// Minima are filtered to the problem's dimension.
	r := From("r", functions.ExtendedRosenbrock{}, []float64{0, 0, 0, 0})
	for _, m := range r.Minima {
		if len(m.X) != 4 {
			t.Errorf("minimum of dimension %d in a 4-D problem", len(m.X))
		}
	}
	if len(r.Minima) != 2 {
		t.Errorf("4-D Rosenbrock: %d minima, gonum lists 2", len(r.Minima))
	}
	// The values are gonum's.
	x := []float64{0.3, -0.7, 1.1, 2}
	if r.Func(x) != (functions.ExtendedRosenbrock{}).Func(x) {
		t.Error("Func differs from gonum's")
	}
	mustPanic(t, "empty start", func() { From("e", functions.Beale{}, nil) })
	mustPanic(t, "len(x)", func() { w.Func([]float64{1}) })
	mustPanic(t, "len(grad)", func() { w.Grad(make([]float64, 3), make([]float64, 4)) })
	mustPanic(t, "Hessian is", func() { w.Hess(mat.NewSymDense(3, nil), make([]float64, 4)) })
}

// checkDerivatives compares p's gradient and Hessian with central
// differences at x (modeltest.Derivatives).
func checkDerivatives(t *testing.T, p problems.Problem, x []float64, gradTol, hessTol float64) {
	t.Helper()
	modeltest.Derivatives(t, p.Name, p.Func, p.Grad, p.Hess, x, gradTol, hessTol)
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	modeltest.MustPanic(t, "gonumset: ", want, f)
}
