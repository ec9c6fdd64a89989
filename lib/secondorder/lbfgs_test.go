package secondorder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Both inverse-Hessian models satisfy the secant equation H·y = s for the
// newest pair; History.Dense is symmetric and applies what TwoLoop applies;
// a rejected pair (sᵀy ≤ 0) leaves the history unchanged.
func TestHistorySecantAndDense(t *testing.T) {
	n, m := 6, 3
	rng := rand.New(rand.NewPCG(1, 2))
	a := spd(n, 50, 11)
	h := NewHistory(n, m)
	s := make([]float64, n)
	y := make([]float64, n)
	for k := range 5 {
		for i := range s {
			s[i] = rng.NormFloat64()
		}
		mat.NewVecDense(n, y).MulVec(a, mat.NewVecDense(n, s))
		if !h.Push(s, y) {
			t.Fatalf("pair %d with sᵀy > 0 rejected", k)
		}
		hy := make([]float64, n)
		h.TwoLoop(hy, y)
		for i := range hy {
			if math.Abs(hy[i]-s[i]) > 1e-10*floats.Norm(s, 2) {
				t.Fatalf("pair %d: (Hy)[%d] = %g, s = %g", k, i, hy[i], s[i])
			}
		}
	}
	if h.Len() != m {
		t.Errorf("Len = %d, want %d", h.Len(), m)
	}
	d := h.Dense()
	g := []float64{1, -2, 3, 0.5, 0, -1}
	hg := make([]float64, n)
	h.TwoLoop(hg, g)
	var dg mat.VecDense
	dg.MulVec(d, mat.NewVecDense(n, g))
	for i := range hg {
		if math.Abs(dg.AtVec(i)-hg[i]) > 1e-12*floats.Norm(hg, 2) {
			t.Errorf("Dense·g differs from TwoLoop at %d: %g vs %g", i, dg.AtVec(i), hg[i])
		}
	}
	neg := make([]float64, n)
	for i := range neg {
		neg[i] = -s[i]
	}
	before := append([]float64(nil), hg...)
	if h.Push(s, neg) || h.Skipped != 1 {
		t.Errorf("pair with sᵀy < 0 accepted (Skipped = %d)", h.Skipped)
	}
	h.TwoLoop(hg, g)
	if !sameSlice(hg, before) {
		t.Errorf("a skipped pair changed the model")
	}
}

// Along a BFGS run on Rosenbrock the curvature models start far from the
// exact inverse Hessian (H₀ = I) and end close to it: the relative error of
// H̃g falls below 5% and the spectra are positive and near the exact one.
func TestCompareCurvature(t *testing.T) {
	p := problems.Rosenbrock()
	rows, r := CompareCurvature(p, p.Start, 5, 200)
	if r.Status != 1 {
		t.Fatalf("BFGS run: %v", r.Status)
	}
	if len(rows) != r.Stats.Iterations {
		t.Fatalf("%d rows for %d iterations", len(rows), r.Stats.Iterations)
	}
	last := rows[len(rows)-1]
	t.Logf("first: relerr BFGS %.3g L-BFGS %.3g; last (iter %d): %.3g %.3g; exact eig %v, BFGS %v, L-BFGS %v",
		rows[0].RelErrBFGS, rows[0].RelErrLBFGS, last.Iter, last.RelErrBFGS, last.RelErrLBFGS, last.EigExact, last.EigBFGS, last.EigLBFGS)
	if rows[0].RelErrBFGS < 0.5 {
		t.Errorf("H₀ = I should be far from ∇²f⁻¹ at the start, error %g", rows[0].RelErrBFGS)
	}
	if last.RelErrBFGS > 0.05 || last.RelErrLBFGS > 0.05 {
		t.Errorf("near the minimum H̃g should be close to Newton's step: %g, %g", last.RelErrBFGS, last.RelErrLBFGS)
	}
	for _, e := range append(append([]float64{}, last.EigBFGS...), last.EigLBFGS...) {
		if !(e > 0) {
			t.Errorf("non-positive eigenvalue %g in a quasi-Newton model", e)
		}
	}
}

// More memory means a better curvature model and fewer iterations on the
// 20-D Rosenbrock function.
func TestLBFGSMemoryMatters(t *testing.T) {
	p := problems.RosenbrockND(20)
	var prev int
	for _, m := range []int{1, 3, 10, 30} {
		r := run(NewLBFGS(m), p, p.Start, tight)
		if r.Status != 1 {
			t.Errorf("m=%d: %v", m, r.Status)
		}
		t.Logf("m=%2d: %d iterations, %d evaluations", m, r.Stats.Iterations, r.Stats.FuncEvals)
		if m == 1 {
			prev = r.Stats.Iterations
		} else if m == 10 && r.Stats.Iterations >= prev {
			t.Errorf("m=10 needed %d iterations, m=1 %d: memory should help", r.Stats.Iterations, prev)
		}
	}
}
