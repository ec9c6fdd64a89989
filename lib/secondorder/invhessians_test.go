package secondorder

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// On a quadratic the exact inverse Hessian is A⁻¹ everywhere, and after d
// independent pairs with memory ≥ d the L-BFGS matrix satisfies the secant
// equations of all of them; on a BFGS run it approaches A⁻¹. A decimated or
// too-short trace is an error, not a panic.
func TestInverseHessians(t *testing.T) {
	p := problems.QuadraticND(6, 50, 1)
	r := BFGS{Settings: Settings{GradTol: 1e-10}}.Minimize(p, p.Start)
	k := r.Stats.Iterations
	exact, approx, err := InverseHessians(p, r.Trace, k, 20)
	if err != nil {
		t.Fatal(err)
	}
	a := mat.NewSymDense(6, nil)
	p.Hess(a, p.Start)
	var prod mat.Dense
	prod.Mul(a, exact)
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(prod.At(i, j)-want) > 1e-9 {
				t.Fatalf("A·exact[%d,%d] = %g, want %g", i, j, prod.At(i, j), want)
			}
		}
	}
	var diff mat.Dense
	diff.Sub(approx, exact)
	if rel := mat.Norm(&diff, 2) / mat.Norm(exact, 2); rel > 0.05 {
		t.Errorf("‖H̃ − A⁻¹‖/‖A⁻¹‖ = %g after %d BFGS iterations, want < 0.05", rel, k)
	}
	// At k = 0 there are no pairs: H̃ = I.
	_, h0, err := InverseHessians(p, r.Trace, 0, 3)
	if err != nil || h0.At(0, 0) != 1 || h0.At(0, 1) != 0 {
		t.Errorf("k = 0: %v, H̃[0,0] = %g", err, h0.At(0, 0))
	}
	if _, _, err := InverseHessians(p, r.Trace, k+1, 3); err == nil {
		t.Errorf("iterate past the trace: no error")
	}
	mustPanic(t, "memory 0", func() { InverseHessians(p, r.Trace, 1, 0) })
}
