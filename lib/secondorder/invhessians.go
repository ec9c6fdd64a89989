package secondorder

import (
	"fmt"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// InverseHessians returns, at iterate k of a recorded run, the exact inverse
// Hessian ∇²f(xₖ)⁻¹ and the L-BFGS approximation H̃ₖ that the run's own
// curvature pairs define: the last memory pairs
//
//	sᵢ = xᵢ₊₁ − xᵢ,   yᵢ = ∇f(xᵢ₊₁) − ∇f(xᵢ),   i < k,
//
// pushed into a History (so pairs with sᵢᵀyᵢ ≤ ε‖sᵢ‖‖yᵢ‖ are skipped, as
// L-BFGS skips them) and expanded with History.Dense. It is for drawing the
// two side by side (viz.NewHeatMaps) at small d.
//
// The trace must hold x in its records and be undecimated up to k (record i
// has Iter i). The exact Hessian is p.Hess, or FDHessian when p has none.
// It returns a *SingularError when ∇²f(xₖ) cannot be inverted, and an error
// when the trace is too short, decimated or lacks x. It panics when
// memory < 1. Cost O(k·d) gradients and pairs, O(m·d²) for H̃ₖ, O(d³) for
// the inverse; memory O(d² + m·d).
func InverseHessians(p problems.Problem, tr optim.Trace, k, memory int) (exact, approx *mat.SymDense, err error) {
	if memory < 1 {
		panic(fmt.Sprintf("secondorder: InverseHessians: history size %d < 1", memory))
	}
	if k < 0 || k >= len(tr.Records) {
		return nil, nil, fmt.Errorf("secondorder: InverseHessians: iterate %d not in a trace of %d records", k, len(tr.Records))
	}
	for i := 0; i <= k; i++ {
		if r := tr.Records[i]; r.Iter != i || r.X == nil {
			return nil, nil, fmt.Errorf("secondorder: InverseHessians: record %d is iteration %d (x recorded: %t); need an undecimated trace with x", i, r.Iter, r.X != nil)
		}
	}
	n := len(tr.Records[0].X)
	hist := NewHistory(n, memory)
	g0, g1 := make([]float64, n), make([]float64, n)
	s, y := make([]float64, n), make([]float64, n)
	p.Grad(g0, tr.Records[0].X)
	for i := 0; i < k; i++ {
		x0, x1 := tr.Records[i].X, tr.Records[i+1].X
		p.Grad(g1, x1)
		for j := range s {
			s[j], y[j] = x1[j]-x0[j], g1[j]-g0[j]
		}
		hist.Push(s, y)
		g0, g1 = g1, g0
	}
	approx = hist.Dense()

	h := mat.NewSymDense(n, nil)
	xk := tr.Records[k].X
	if p.Hess != nil {
		p.Hess(h, xk)
	} else {
		FDHessian(h, p.Grad, xk)
	}
	var lu mat.LU
	lu.Factorize(h)
	if c := lu.Cond(); c > 1/2.2e-16 {
		return nil, approx, &SingularError{Step: k, What: "Hessian", Cond: c, Why: "cannot invert ∇²f(xₖ)"}
	}
	var inv mat.Dense
	if err := inv.Inverse(h); err != nil {
		return nil, approx, &SingularError{Step: k, What: "Hessian", Cond: lu.Cond(), Why: err.Error()}
	}
	exact = mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			exact.SetSym(i, j, (inv.At(i, j)+inv.At(j, i))/2)
		}
	}
	return exact, approx, nil
}
