package secondorder

import (
	"fmt"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/floats"
)

// LinearCG is the linear conjugate gradient method (Hestenes & Stiefel
// 1952; Nocedal & Wright Algorithm 5.2) for a quadratic objective
// f(x) = ½xᵀAx − bᵀx + c with A symmetric positive definite: minimizing it
// solves the linear system Ax = b, whose residual r = b − Ax is −∇f(x).
//
//	r₀ = −∇f(x₀), p₀ = r₀;  αₖ = rₖᵀrₖ/pₖᵀApₖ;  xₖ₊₁ = xₖ + αₖpₖ;
//	rₖ₊₁ = rₖ − αₖApₖ;  βₖ = rₖ₊₁ᵀrₖ₊₁/rₖᵀrₖ;  pₖ₊₁ = rₖ₊₁ + βₖpₖ.
//
// It needs nothing of A but the products Ap, which it reads off the
// gradient, Ap = ‖p‖(∇f(x + p/‖p‖) − ∇f(x)), exact for a quadratic up to
// rounding: one gradient evaluation per iteration, the cost of one
// matrix–vector product, which is why it scales (10n flops besides, 5n
// memory). The new point's gradient is the recurrence −rₖ₊₁ and its value
// f(xₖ) − αₖrₖᵀpₖ + ½αₖ²pₖᵀApₖ, so it makes no other evaluation. In exact
// arithmetic it ends in at most n iterations; to reduce the residual by a
// factor tol it needs about ½√κ·ln(2/tol). Run it with Settings.GradTol set
// to the residual wanted (‖∇f‖₂ = ‖b − Ax‖₂).
//
// On a function that is not quadratic the iteration means nothing: use CG.
// A direction of non-positive curvature (pᵀAp ≤ 0: A is not positive
// definite) ends the run with SingularSystem and a
// *NotPositiveDefiniteError.
type LinearCG struct {
	r, p, ap, probe []float64
	rr              float64
	k               int
}

// NotPositiveDefiniteError reports that linear CG met a direction of
// non-positive curvature pᵀAp ≤ 0: A is not positive definite.
type NotPositiveDefiniteError struct {
	Iteration int
	Curvature float64
}

func (e *NotPositiveDefiniteError) Error() string {
	return fmt.Sprintf("secondorder: LinearCG: pᵀAp = %g ≤ 0 at iteration %d: the matrix is not positive definite", e.Curvature, e.Iteration)
}

// Status returns optim.SingularSystem: the system cannot be solved by CG.
func (e *NotPositiveDefiniteError) Status() optim.Status { return optim.SingularSystem }

// String returns "linear CG".
func (m *LinearCG) String() string { return "linear CG" }

// Reset implements optim.Method (a run starts afresh at Init).
func (m *LinearCG) Reset() {}

// Init implements optim.Searcher.
func (m *LinearCG) Init(_ *optim.Evaluator, loc *optim.Location) error {
	n := len(loc.X)
	m.r, m.p, m.ap, m.probe = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	floats.ScaleTo(m.r, -1, loc.Grad)
	copy(m.p, m.r)
	m.rr = floats.Dot(m.r, m.r)
	m.k = 0
	return nil
}

// Iterate implements optim.Searcher.
func (m *LinearCG) Iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	if m.r == nil {
		panic("secondorder: LinearCG.Iterate before Init")
	}
	k := m.k
	pn := floats.Norm(m.p, 2)
	// Ap from two gradients along the unit direction p/‖p‖.
	floats.AddScaledTo(m.probe, loc.X, 1/pn, m.p)
	e.Grad(m.ap, m.probe)
	floats.Sub(m.ap, loc.Grad)
	floats.Scale(pn, m.ap)
	pap := floats.Dot(m.p, m.ap)
	if !num.Finite(pap) {
		return 0, &optim.NumericalError{Step: k, Index: -1, Value: pap, What: "curvature pᵀAp"}
	}
	if pap <= 0 {
		return 0, &NotPositiveDefiniteError{Iteration: k, Curvature: pap}
	}
	alpha := m.rr / pap
	loc.F += -alpha*floats.Dot(m.r, m.p) + 0.5*alpha*alpha*pap
	floats.AddScaled(loc.X, alpha, m.p)
	floats.AddScaled(m.r, -alpha, m.ap)
	floats.ScaleTo(loc.Grad, -1, m.r)
	rrNew := floats.Dot(m.r, m.r)
	beta := rrNew / m.rr
	m.rr = rrNew
	for i := range m.p {
		m.p[i] = m.r[i] + beta*m.p[i]
	}
	m.k++
	return alpha, nil
}
