package secondorder

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/optim"
)

// TestProjectedGradientDescentReachesKKT: x² + 3y² subject to x + y = 2 has
// its minimum at (3/2, 1/2) with λ = −3 (by hand); SolveKKT finds it, and
// gradient descent on the projected gradient from a feasible start reaches it
// while staying on the line.
func TestProjectedGradientDescentReachesKKT(t *testing.T) {
	qp := NewEqualityQP([][]float64{{2, 0}, {0, 6}}, []float64{0, 0}, [][]float64{{1, 1}}, []float64{2})
	x, lam, err := SolveKKT(qp)
	if err != nil || math.Abs(x[0]-1.5) > 1e-12 || math.Abs(x[1]-0.5) > 1e-12 || math.Abs(lam[0]+3) > 1e-12 {
		t.Fatalf("SolveKKT = %v, %v, %v; want (1.5, 0.5), λ = −3", x, lam, err)
	}
	if f := qp.Objective().Func(x); math.Abs(f-3) > 1e-12 {
		t.Errorf("f(x*) = %v, want 3", f)
	}
	x0 := qp.Project([]float64{-1, 2})
	if math.Abs(x0[0]+x0[1]-2) > 1e-12 || math.Abs(x0[0]+0.5) > 1e-12 {
		t.Errorf("Project((−1, 2)) = %v, want (−0.5, 2.5)", x0)
	}
	// Result.X is the iterate of lowest f; near x* differences in f fall
	// below rounding (f* = 3), so it may be a few steps before the last:
	// hence 1e-8, not GradTol.
	r := optim.Run(qp.Projected(), x0, optim.NewSGD(0.1), optim.Settings{MaxIter: 1000, GradTol: 1e-10})
	if r.Status != optim.GradientThreshold || math.Abs(r.X[0]-1.5) > 1e-8 || math.Abs(r.X[1]-0.5) > 1e-8 {
		t.Fatalf("projected GD: %v at %v after %d, ‖g‖ %g", r.Status, r.X, r.Stats.Iterations, r.GradNorm)
	}
	for _, rec := range r.Trace.Records {
		if d := math.Abs(rec.X[0] + rec.X[1] - 2); d > 1e-12 {
			t.Fatalf("iterate %d left the constraint by %g", rec.Iter, d)
		}
	}
	g := make([]float64, 2)
	qp.Objective().Grad(g, x)
	if math.Abs(g[0]-3) > 1e-12 || math.Abs(g[1]-3) > 1e-12 {
		t.Errorf("∇f(x*) = %v, want −λa = (3, 3)", g)
	}
}

func TestNewEqualityQPBadInput(t *testing.T) {
	for name, f := range map[string]func(){
		"ragged Q": func() { NewEqualityQP([][]float64{{1, 0}, {0}}, []float64{0, 0}, [][]float64{{1, 1}}, []float64{0}) },
		"m > n":    func() { NewEqualityQP([][]float64{{1}}, []float64{0}, [][]float64{{1}, {2}}, []float64{0, 0}) },
		"dependent": func() {
			NewEqualityQP([][]float64{{1, 0}, {0, 1}}, []float64{0, 0}, [][]float64{{1, 1}, {2, 2}}, []float64{0, 0}).Projected()
		},
		"short c": func() { NewEqualityQP([][]float64{{1, 0}, {0, 1}}, []float64{0}, [][]float64{{1, 1}}, []float64{0}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
