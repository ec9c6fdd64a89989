package secondorder

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/mat"
)

// Newton is Newton's method: at xₖ it solves
//
//	(∇²f(xₖ) + τₖI) dₖ = −∇f(xₖ)
//
// by Cholesky factorisation and steps xₖ₊₁ = xₖ + αₖdₖ.
//
// The Hessian is the problem's Hess when it has one (and FiniteDiff is
// false), otherwise the symmetrised central-difference Jacobian of Grad
// (gonum's diff/fd, 2n gradient evaluations; see FDHessian).
//
// With LineSearch nil it is pure Newton: αₖ = 1 and τₖ = 0, so near a
// minimum with a positive definite Hessian the error is squared at each step
// (quadratic convergence), while an indefinite Hessian is solved by LU and
// the step may climb or land on a saddle point (pure Newton looks for any
// stationary point) and a start far from the minimum may overshoot or
// diverge.
//
// With Modified, when the Cholesky factorisation fails τ is raised
// (Nocedal & Wright, Algorithm 3.3: τ₀ = Beta − min aᵢᵢ when the diagonal
// has a non-positive entry, else Beta; then τ ← max(2τ, Beta)) until it
// succeeds, making dₖ a descent direction; Shifts returns the τₖ used.
// Without Modified a Hessian that is not positive definite is solved by LU;
// with a line search the resulting direction must descend, or the run ends
// with NotDescentDirection.
//
// A singular Hessian (one Cholesky rejects and whose LU condition number
// exceeds 1/ε ≈ 4.5e15) ends the run with SingularSystem and a
// *SingularError; so does a Hessian with a NaN entry, or one no finite
// shift τ makes positive definite.
//
// Cost per iteration: one Hessian (or 2n gradients), n³/3 flops to factor,
// 2n² to solve, plus the line search; memory 2n² floats.
//
// NewNewton is pure Newton; NewModifiedNewton sets Nocedal & Wright's
// β = 1e-3 with an Armijo backtracking search. Init panics if Modified is
// set and Beta is not finite and > 0, or if Beta is set without Modified.
type Newton struct {
	LineSearch LineSearcher
	Modified   bool
	Beta       float64
	FiniteDiff bool

	nd   newtonDir
	core core
}

// NewNewton returns pure Newton: unit steps, no shift.
func NewNewton() *Newton { return &Newton{} }

// NewModifiedNewton returns modified Newton with β = 1e-3 and an Armijo
// backtracking search (c₁ = 1e-4).
func NewModifiedNewton() *Newton {
	return &Newton{Modified: true, Beta: 1e-3, LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}}
}

// String names the method: "pure Newton", "Newton" (with a line search) or
// "modified Newton", with "(FD Hessian)" when FiniteDiff is set.
func (m *Newton) String() string {
	name := "Newton"
	switch {
	case m.Modified:
		name = "modified Newton"
	case m.LineSearch == nil:
		name = "pure Newton"
	}
	if m.FiniteDiff {
		name += " (FD Hessian)"
	}
	return name
}

// Reset forgets the last run's shifts.
func (m *Newton) Reset() { m.nd = newtonDir{} }

// Init implements optim.Searcher.
func (m *Newton) Init(e *optim.Evaluator, loc *optim.Location) error {
	switch {
	case m.Modified && (!(m.Beta > 0) || math.IsInf(m.Beta, 0)):
		panic(fmt.Sprintf("secondorder: Newton.Beta = %v: modified Newton needs a finite β > 0 (Nocedal & Wright use 1e-3; NewModifiedNewton sets it)", m.Beta))
	case !m.Modified && m.Beta != 0:
		panic(fmt.Sprintf("secondorder: Newton.Beta = %v is set but Modified is not: β is the shift of modified Newton", m.Beta))
	}
	m.nd = newtonDir{m: m}
	m.core.start(&m.nd, m.LineSearch, e, loc)
	return nil
}

// Iterate implements optim.Searcher.
func (m *Newton) Iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	return m.core.iterate(e, loc)
}

// Shifts returns the shift τₖ added to the Hessian at each iteration of the
// last run (all zero unless Modified).
func (m *Newton) Shifts() []float64 { return m.nd.shifts }

type newtonDir struct {
	m      *Newton
	h      *mat.SymDense
	shift  *mat.SymDense
	chol   mat.Cholesky
	lu     mat.LU
	dense  *mat.Dense
	shifts []float64
}

func (nd *newtonDir) init(n int) {
	nd.h = mat.NewSymDense(n, nil)
	nd.shift = mat.NewSymDense(n, nil)
}

func (nd *newtonDir) restart() bool { return false }

func (nd *newtonDir) update(*state, []float64, []float64) {}

func (nd *newtonDir) next(d []float64, st *state) (float64, error) {
	n := len(d)
	if st.ev.HasHess() && !nd.m.FiniteDiff {
		st.ev.Hess(nd.h, st.x)
	} else {
		FDHessian(nd.h, st.ev.Grad, st.x)
		st.ev.CountHessian()
	}
	for i := range n {
		for j := i; j < n; j++ {
			if v := nd.h.At(i, j); !num.Finite(v) {
				return 0, &optim.NumericalError{Step: st.iter, Index: i*n + j, Value: v, What: "Hessian entry (row-major index)"}
			}
		}
	}
	dv := mat.NewVecDense(n, d)
	gv := mat.NewVecDense(n, st.g)
	tau := 0.0
	ok := nd.chol.Factorize(nd.h)
	if !ok && nd.m.Modified {
		beta := nd.m.Beta
		minDiag := math.Inf(1)
		for i := range n {
			minDiag = math.Min(minDiag, nd.h.At(i, i))
		}
		tau = beta
		if minDiag <= 0 {
			tau = beta - minDiag
		}
		for {
			nd.shift.CopySym(nd.h)
			for i := range n {
				nd.shift.SetSym(i, i, nd.h.At(i, i)+tau)
			}
			if nd.chol.Factorize(nd.shift) {
				ok = true
				break
			}
			tau = math.Max(2*tau, beta)
			if !num.Finite(tau) {
				return 0, &SingularError{What: "Hessian", Cond: nan, Why: "no finite shift τ makes it positive definite"}
			}
		}
	}
	nd.shifts = append(nd.shifts, tau)
	if ok {
		// A mat.Condition error is a warning: the solution is computed,
		// and badly scaled problems (PowellBadlyScaled) need it.
		if err := nd.chol.SolveVecTo(dv, gv); err != nil && !isCondition(err) {
			return 0, &SingularError{What: "Hessian", Cond: nd.chol.Cond(), Why: "Cholesky solve: " + err.Error()}
		}
	} else {
		if nd.dense == nil {
			nd.dense = mat.NewDense(n, n, nil)
		}
		nd.dense.Copy(nd.h)
		nd.lu.Factorize(nd.dense)
		if c := nd.lu.Cond(); c > 1/epsilon || math.IsNaN(c) {
			return 0, &SingularError{What: "Hessian", Cond: c, Why: "singular (not positive definite, and LU finds it singular)"}
		}
		if err := nd.lu.SolveVecTo(dv, false, gv); err != nil && !isCondition(err) {
			return 0, &SingularError{What: "Hessian", Cond: nd.lu.Cond(), Why: "LU solve: " + err.Error()}
		}
	}
	for i := range d {
		d[i] = -d[i]
	}
	return 1, nil
}

// epsilon is the float64 machine epsilon 2⁻⁵².
const epsilon = 0x1p-52

func isCondition(err error) bool {
	_, ok := err.(mat.Condition)
	return ok
}
