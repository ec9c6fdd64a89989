package secondorder

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// On a quadratic the exact inverse Hessian is A⁻¹ everywhere, and after d
// independent pairs with memory ≥ d the L-BFGS matrix satisfies the secant
// equation of the newest pair. A decimated or
// too-short trace is an error, not a panic.
func TestInverseHessians(t *testing.T) {
	p := problems.QuadraticND(6, 50, 1)
	r := run(NewBFGS(), p, p.Start, optim.Settings{MaxIter: 1000, GradTol: 1e-10})
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
	// H̃ satisfies the secant equation H̃y = s of the newest pair.
	x0, x1 := r.Trace.Records[k-1].X, r.Trace.Records[k].X
	g0, g1 := make([]float64, 6), make([]float64, 6)
	p.Grad(g0, x0)
	p.Grad(g1, x1)
	s, y := make([]float64, 6), make([]float64, 6)
	for i := range s {
		s[i], y[i] = x1[i]-x0[i], g1[i]-g0[i]
	}
	var hy mat.VecDense
	hy.MulVec(approx, mat.NewVecDense(6, y))
	for i := range s {
		if math.Abs(hy.AtVec(i)-s[i]) > 1e-8*mat.Norm(mat.NewVecDense(6, s), 2) {
			t.Errorf("secant: (H̃y)[%d] = %g, s = %g", i, hy.AtVec(i), s[i])
		}
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
