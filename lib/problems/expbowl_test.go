package problems

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// ExpBowl's gradient and Hessian agree with finite differences, the gradient
// vanishes at its minimum, and the Hessian is positive definite on its box.
func TestExpBowl(t *testing.T) {
	p := ExpBowl()
	g := make([]float64, 2)
	p.Grad(g, p.Minima[0].X)
	if math.Hypot(g[0], g[1]) != 0 || p.Func(p.Minima[0].X) != 0 {
		t.Errorf("at the minimum: f = %g, ∇f = %v", p.Func(p.Minima[0].X), g)
	}
	h := mat.NewSymDense(2, nil)
	for _, x := range [][]float64{p.Start, {0.3, 2.2}, {-3, 4}, {4, -3}} {
		p.Grad(g, x)
		want := fd.Gradient(nil, p.Func, x, &fd.Settings{Formula: fd.Central})
		for i := range g {
			if math.Abs(g[i]-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
				t.Errorf("∇f%v[%d] = %g, finite differences %g", x, i, g[i], want[i])
			}
		}
		p.Hess(h, x)
		fh := mat.NewSymDense(2, nil)
		fd.Hessian(fh, p.Func, x, &fd.Settings{Formula: fd.Central})
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				if math.Abs(h.At(i, j)-fh.At(i, j)) > 1e-4*math.Max(1, math.Abs(fh.At(i, j))) {
					t.Errorf("∇²f%v[%d,%d] = %g, finite differences %g", x, i, j, h.At(i, j), fh.At(i, j))
				}
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(h) {
			t.Errorf("Hessian at %v not positive definite", x)
		}
	}
}
