package secondorder

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// DefaultSkipTol is the curvature threshold ε below which BFGS and L-BFGS
// skip an update: the pair (s, y) is dropped when sᵀy ≤ ε‖s‖‖y‖.
const DefaultSkipTol = 1e-10

// BFGS is the quasi-Newton method of Broyden, Fletcher, Goldfarb and Shanno
// with a dense inverse-Hessian approximation Hₖ (Nocedal & Wright §6.1):
//
//	dₖ = −Hₖ∇f(xₖ),   xₖ₊₁ = xₖ + αₖdₖ,
//	Hₖ₊₁ = (I − ρsyᵀ) Hₖ (I − ρysᵀ) + ρssᵀ,   ρ = 1/(yᵀs),
//
// with s = xₖ₊₁ − xₖ, y = ∇f(xₖ₊₁) − ∇f(xₖ). H₀ = I, and the first step has
// length 1/‖∇f(x₀)‖ (a unit move); before the first update H₀ is rescaled to
// (sᵀy/yᵀy)·I (N&W eq. 6.20). An update with sᵀy ≤ SkipTol·‖s‖‖y‖ is
// skipped, keeping Hₖ positive definite; if dₖ still fails to descend, Hₖ
// is reset to the identity once.
//
// Cost per iteration: 2n² flops for dₖ, about 4n² for the update, plus
// the line search; memory n² floats.
//
// LineSearch nil is the strong-Wolfe search with Nocedal & Wright's
// c₁ = 1e-4, c₂ = 0.9. SkipTol is literal: 0 skips only pairs with
// sᵀy ≤ 0; NewBFGS sets DefaultSkipTol. Init panics on a negative or NaN
// SkipTol.
type BFGS struct {
	LineSearch LineSearcher
	SkipTol    float64

	dir  bfgsDir
	core core
}

// NewBFGS returns BFGS with the strong-Wolfe search and DefaultSkipTol.
func NewBFGS() *BFGS { return &BFGS{SkipTol: DefaultSkipTol} }

// String returns "BFGS".
func (m *BFGS) String() string { return "BFGS" }

// Reset implements optim.Method (a run starts afresh at Init).
func (m *BFGS) Reset() {}

// Init implements optim.Searcher.
func (m *BFGS) Init(e *optim.Evaluator, loc *optim.Location) error {
	m.dir = bfgsDir{skip: checkSkipTol("BFGS", m.SkipTol)}
	m.core.start(&m.dir, orWolfe(m.LineSearch, 0.9), e, loc)
	return nil
}

// Iterate implements optim.Searcher.
func (m *BFGS) Iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	return m.core.iterate(e, loc)
}

// checkSkipTol panics unless t is finite and ≥ 0.
func checkSkipTol(name string, t float64) float64 {
	if !(t >= 0) || math.IsInf(t, 0) {
		panic(fmt.Sprintf("secondorder: %s.SkipTol = %v must be finite and ≥ 0", name, t))
	}
	return t
}

// orWolfe returns ls, or the strong-Wolfe search with c₁ = 1e-4 and the
// given c₂ when ls is nil.
func orWolfe(ls LineSearcher, c2 float64) LineSearcher {
	if ls == nil {
		return StrongWolfe{C1: 1e-4, C2: c2, MaxTrials: 25}
	}
	return ls
}

type bfgsDir struct {
	skip    float64
	h       *mat.SymDense
	hy      *mat.VecDense
	fresh   bool // h is the unscaled identity
	skipped int
}

func (b *bfgsDir) init(n int) {
	b.h = mat.NewSymDense(n, nil)
	b.hy = mat.NewVecDense(n, nil)
	b.reset()
}

func (b *bfgsDir) reset() {
	n := b.h.SymmetricDim()
	b.h.Zero()
	for i := range n {
		b.h.SetSym(i, i, 1)
	}
	b.fresh = true
}

func (b *bfgsDir) restart() bool {
	if b.fresh {
		return false
	}
	b.reset()
	return true
}

func (b *bfgsDir) next(d []float64, st *state) (float64, error) {
	dv := mat.NewVecDense(len(d), d)
	dv.MulVec(b.h, mat.NewVecDense(len(st.g), st.g))
	dv.ScaleVec(-1, dv)
	if b.fresh {
		return 1 / floats.Norm(d, 2), nil
	}
	return 1, nil
}

func (b *bfgsDir) update(st *state, s, y []float64) {
	sy := floats.Dot(s, y)
	if !(sy > b.skip*floats.Norm(s, 2)*floats.Norm(y, 2)) {
		b.skipped++
		return
	}
	if b.fresh {
		b.h.ScaleSym(sy/floats.Dot(y, y), b.h)
		b.fresh = false
	}
	rho := 1 / sy
	yv := mat.NewVecDense(len(y), y)
	sv := mat.NewVecDense(len(s), s)
	b.hy.MulVec(b.h, yv)
	yhy := mat.Dot(yv, b.hy)
	// H += −ρ(Hy sᵀ + s yᵀH) + (ρ² yᵀHy + ρ) ssᵀ
	b.h.RankTwo(b.h, -rho, b.hy, sv)
	b.h.SymRankOne(b.h, rho*rho*yhy+rho, sv)

}
