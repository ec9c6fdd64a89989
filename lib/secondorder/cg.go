package secondorder

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/floats"
)

// CGVariant chooses the β of nonlinear conjugate gradient.
type CGVariant int

const (
	// PolakRibierePlus: β = max(0, gₖ₊₁ᵀ(gₖ₊₁ − gₖ)/gₖᵀgₖ) (the default).
	PolakRibierePlus CGVariant = iota
	// FletcherReeves: β = gₖ₊₁ᵀgₖ₊₁/gₖᵀgₖ.
	FletcherReeves
)

func (v CGVariant) String() string {
	if v == FletcherReeves {
		return "Fletcher–Reeves"
	}
	return "Polak–Ribière+"
}

// CG is nonlinear conjugate gradient (Nocedal & Wright §5.2):
//
//	dₖ₊₁ = −∇f(xₖ₊₁) + βₖ₊₁dₖ,   xₖ₊₁ = xₖ + αₖdₖ,
//
// with β from Variant. It restarts with the steepest-descent direction
// every RestartEvery iterations, when successive gradients are far from
// orthogonal (|gₖ₊₁ᵀgₖ| ≥ 0.2‖gₖ₊₁‖², Powell's test), and when dₖ₊₁ does not
// descend. The first trial step is 1/‖∇f(x₀)‖, then αₖ₋₁·gₖ₋₁ᵀdₖ₋₁/gₖᵀdₖ
// (N&W eq. 3.60).
//
// Cost per iteration: O(n) flops plus the line search; memory 3n floats.
//
// The zero Variant is PolakRibierePlus. LineSearch nil is the strong-Wolfe
// search with c₁ = 1e-4, c₂ = 0.1 (Fletcher–Reeves needs c₂ < ½ to
// guarantee descent). RestartEvery 0 restarts every n iterations, n the
// dimension, as Nocedal & Wright recommend; Init panics if it is negative.
type CG struct {
	Variant      CGVariant
	LineSearch   LineSearcher
	RestartEvery int

	dir  cgDir
	core core
}

// NewCG returns nonlinear CG with Polak–Ribière+ and its standard search.
func NewCG() *CG { return &CG{} }

// String returns "CG (Polak–Ribière+)" or "CG (Fletcher–Reeves)".
func (m *CG) String() string { return "CG (" + m.Variant.String() + ")" }

// Reset implements optim.Method (a run starts afresh at Init).
func (m *CG) Reset() {}

// Init implements optim.Searcher.
func (m *CG) Init(e *optim.Evaluator, loc *optim.Location) error {
	if m.RestartEvery < 0 {
		panic(fmt.Sprintf("secondorder: CG.RestartEvery = %d is negative (0: every n iterations)", m.RestartEvery))
	}
	if m.Variant != PolakRibierePlus && m.Variant != FletcherReeves {
		panic(fmt.Sprintf("secondorder: CG.Variant = %d unknown", int(m.Variant)))
	}
	m.dir = cgDir{variant: m.Variant, every: m.RestartEvery}
	m.core.start(&m.dir, orWolfe(m.LineSearch, 0.1), e, loc)
	return nil
}

// Iterate implements optim.Searcher.
func (m *CG) Iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	return m.core.iterate(e, loc)
}

type cgDir struct {
	variant  CGVariant
	every    int
	prevD    []float64
	prevGG   float64
	prevGrad []float64
	sinceRst int
	started  bool
	forceRst bool
}

func (c *cgDir) init(n int) {
	if c.every == 0 {
		c.every = n
	}
	c.prevD = make([]float64, n)
	c.prevGrad = make([]float64, n)
}

func (c *cgDir) restart() bool {
	if c.forceRst {
		return false
	}
	c.forceRst = true
	return true
}

func (c *cgDir) next(d []float64, st *state) (float64, error) {
	g := st.g
	gg := floats.Dot(g, g)
	steepest := !c.started || c.forceRst || c.sinceRst >= c.every ||
		math.Abs(floats.Dot(g, c.prevGrad)) >= 0.2*gg
	var beta float64
	if !steepest {
		switch c.variant {
		case FletcherReeves:
			beta = gg / c.prevGG
		default:
			beta = math.Max(0, (gg-floats.Dot(g, c.prevGrad))/c.prevGG)
		}
	}
	if steepest {
		c.sinceRst = 0
	}
	c.forceRst = false
	for i := range d {
		d[i] = -g[i] + beta*c.prevD[i]
	}
	alpha0 := 1 / floats.Norm(g, 2)
	if c.started {
		if r := st.prevStep * st.prevDg / floats.Dot(g, d); r > 0 && num.Finite(r) {
			alpha0 = r
		}
	}
	copy(c.prevD, d)
	copy(c.prevGrad, g)
	c.prevGG = gg
	c.started = true
	c.sinceRst++
	return alpha0, nil
}

func (c *cgDir) update(*state, []float64, []float64) {}
