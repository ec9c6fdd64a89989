package secondorder

import (
	"math"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
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
// Defaults: Variant PolakRibierePlus, LineSearch StrongWolfe{C2: 0.1} (FR
// needs C2 < ½ to guarantee descent), RestartEvery = n.
type CG struct {
	Variant      CGVariant
	LineSearch   LineSearcher
	RestartEvery int
	Settings
}

// Minimize implements Method.
func (m CG) Minimize(p problems.Problem, x0 []float64) optim.Result {
	ls := m.LineSearch
	if ls == nil {
		ls = StrongWolfe{C2: 0.1}
	}
	if m.RestartEvery < 0 {
		panic("secondorder: CG.RestartEvery is negative")
	}
	name := "CG (" + m.Variant.String() + ")"
	return minimize(name, p, x0, m.Settings, &cgDir{m: m}, ls)
}

type cgDir struct {
	m        CG
	every    int
	prevD    []float64
	prevGG   float64
	prevGrad []float64
	sinceRst int
	started  bool
	forceRst bool
}

func (c *cgDir) init(n int) {
	c.every = c.m.RestartEvery
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
	gg := dot(g, g)
	steepest := !c.started || c.forceRst || c.sinceRst >= c.every ||
		math.Abs(dot(g, c.prevGrad)) >= 0.2*gg
	var beta float64
	if !steepest {
		switch c.m.Variant {
		case FletcherReeves:
			beta = gg / c.prevGG
		default:
			beta = math.Max(0, (gg-dot(g, c.prevGrad))/c.prevGG)
		}
	}
	if steepest {
		c.sinceRst = 0
	}
	c.forceRst = false
	for i := range d {
		d[i] = -g[i] + beta*c.prevD[i]
	}
	alpha0 := 1 / norm2(g)
	if c.started {
		if r := st.prevStep * st.prevDg / dot(g, d); r > 0 && finite(r) {
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
