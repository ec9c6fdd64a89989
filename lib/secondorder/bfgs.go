package secondorder

import (
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
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
// Defaults: LineSearch StrongWolfe{} (C1 = 1e-4, C2 = 0.9), SkipTol =
// DefaultSkipTol.
type BFGS struct {
	LineSearch LineSearcher
	SkipTol    float64
	Settings
}

// Minimize implements Method.
func (m BFGS) Minimize(p problems.Problem, x0 []float64) optim.Result {
	ls := m.LineSearch
	if ls == nil {
		ls = StrongWolfe{}
	}
	return minimize("BFGS", p, x0, m.Settings, &bfgsDir{skip: skipTol(m.SkipTol)}, ls)
}

func skipTol(t float64) float64 {
	if t == 0 {
		return DefaultSkipTol
	}
	if t < 0 {
		panic("secondorder: SkipTol is negative")
	}
	return t
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
		return 1 / norm2(d), nil
	}
	return 1, nil
}

func (b *bfgsDir) update(st *state, s, y []float64) {
	sy := dot(s, y)
	if !(sy > b.skip*norm2(s)*norm2(y)) {
		b.skipped++
		return
	}
	if b.fresh {
		b.h.ScaleSym(sy/dot(y, y), b.h)
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
