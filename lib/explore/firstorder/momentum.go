package firstorder

import (
	"math"
	"slices"
	"sync"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// momentum (notebook 03): heavy-ball momentum (optim.Momentum, learning rate
// α, momentum ρ) on notebook 03's bowl, problems.Quadratic2D(κ, π/6) with
// Hessian eigenvalues 1 and κ, from its start, for up to 300 steps (until
// ‖∇f‖ ≤ 1e-6). Panels: the convergence-region map over (α, ρ) — level
// lines of the spectral radius of the iteration matrix over the eigenvalues
// 1 and κ, its edge r = 1, Polyak's optimum and the chosen setting — and the
// path over the bowl's contours. The region is optim.HeavyBallRadius over
// the eigenvalues 1 and κ, the optimum optim.HeavyBallOptimal. Cost: the run, O(300); the map and the
// contours once per κ (a 61×61 grid each).
func init() {
	register(&explore.Explorable{
		Name:   "momentum",
		Module: Module,
		Title:  "Momentum on the ill-conditioned bowl: the convergence region and the path",
		Controls: []explore.Control{
			{Name: "alpha", Label: "learning rate α", Min: 1e-4, Max: 1, Step: 0.02, Log: true, Default: 0.01},
			{Name: "rho", Label: "momentum ρ", Min: 0, Max: 0.99, Step: 0.01, Default: 0.8},
			{Name: "kappa", Label: "condition number κ", Min: 1, Max: 1000, Step: 0.05, Log: true, Default: 100},
		},
		Func: runMomentum,
	})
}

// momentumCache holds what depends on κ alone, its series made by
// explore.Fixed: their JSON is written once.
type momentumCache struct {
	levels     []explore.Series // level lines of the radius
	edge       explore.Series   // r = 1
	bowl       explore.Series   // contours of f
	optA, optR float64
}

var (
	momentumMu     sync.Mutex
	momentumCaches = map[float64]*momentumCache{}
)

var momentumLevels = [5]float64{0.5, 0.8, 0.9, 0.95, 0.99}

func momentumContext(kappa float64, p problems.Problem) *momentumCache {
	momentumMu.Lock()
	defer momentumMu.Unlock()
	if c := momentumCaches[kappa]; c != nil {
		return c
	}
	c := &momentumCache{}
	g := fig.Sample(func(la, rho float64) float64 { return optim.HeavyBallRadius(math.Pow(10, la), rho, 1, kappa) },
		[4]float64{-4, 0, 0, 0.99}, 60)
	toAlpha := func(xs []float64) []float64 {
		for i, x := range xs {
			xs[i] = math.Pow(10, x)
		}
		return xs
	}
	for _, l := range momentumLevels {
		x, y := g.Contour(l)
		c.levels = append(c.levels, explore.Fixed(explore.Series{Name: "r levels", Kind: explore.Contour, X: toAlpha(x), Y: y}))
	}
	var edgeX, edgeY []float64
	for rho := 0.0; rho <= 0.99+1e-9; rho += 0.01 { // αL = 2(1 + ρ), L = κ
		edgeX, edgeY = append(edgeX, 2*(1+rho)/kappa), append(edgeY, rho)
	}
	c.edge = explore.Fixed(explore.Series{Name: "edge αL = 2(1 + ρ)", Kind: explore.Line, X: edgeX, Y: edgeY, Color: "#000000"})
	c.optA, c.optR, _ = optim.HeavyBallOptimal(1, kappa)
	f0 := p.Func(p.Start)
	b := fig.Sample(func(x, y float64) float64 { return p.Func([]float64{x, y}) }, p.Box, 60)
	bx, by := b.Contours(f0, f0/4, f0/16, f0/64, f0/256, f0/1024)
	c.bowl = explore.Fixed(explore.Series{Name: "contours", Kind: explore.Contour, X: bx, Y: by})
	momentumCaches[kappa] = c
	return c
}

func runMomentum(v explore.Values, _ explore.Data) *explore.Figure {
	alpha, rho, kappa := v["alpha"], v["rho"], v["kappa"]
	p := problems.Quadratic2D(kappa, math.Pi/6)
	c := momentumContext(kappa, p)
	r := optim.Run(p, p.Start, optim.NewMomentum(alpha, rho),
		optim.Settings{MaxIter: 300, GradTol: 1e-6, TraceLimit: 302, Label: "Momentum"})
	px, py := fig.Finite(r.Trace.Coord(0), r.Trace.Coord(1), false)
	levels := slices.Clone(c.levels)
	radius := optim.HeavyBallRadius(alpha, rho, 1, kappa)
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "Convergence region", Note: "grey: spectral radius r = 0.5, 0.8, 0.9, 0.95, 0.99",
			XLabel: "learning rate α (log scale)", YLabel: "momentum ρ",
			LogX: true, XMin: 1e-4, XMax: 1, YMin: 0, YMax: 1,
			Series: append(levels,
				c.edge,
				explore.Series{Name: "Polyak's optimum", Kind: explore.Points, X: []float64{c.optA}, Y: []float64{c.optR}, Symbol: "square", Size: 10, Color: "#E69F00"},
				explore.Series{Name: "your (α, ρ)", Kind: explore.Points, X: []float64{alpha}, Y: []float64{rho}, Symbol: "ring", Size: 14, Color: "#D55E00"},
			),
		}, {
			Title: "The path on the bowl", XLabel: "θ₁", YLabel: "θ₂",
			XMin: p.Box[0], XMax: p.Box[1], YMin: p.Box[2], YMax: p.Box[3], Message: fig.Failure(r),
			Series: []explore.Series{
				c.bowl,
				{Name: "Momentum", Kind: explore.Path, X: px, Y: py, Symbol: "circle", Size: 3},
			},
		}},
		Readout: []explore.Reading{
			{Label: "spectral radius r", Value: radius},
			{Label: "steps", Value: float64(r.Stats.Iterations)},
			{Label: "‖∇f‖ at the end", Value: r.GradNorm},
		},
	}
}
