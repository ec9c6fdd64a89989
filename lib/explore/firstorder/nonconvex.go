package firstorder

import (
	"math"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// nonconvex-1d (notebook 01): gradient descent on problems.NonConvex1D from
// a start x₀ with learning rate α, for up to a number of steps (until
// |f′| ≤ 1e-8). The start picks the basin; a rate above 2/f″ at the
// minimum it heads for overshoots, jumps a barrier or diverges.
// Panels: the function with the iterates, and x_t by step with the three
// minima. Cost: O(steps), microseconds.
func init() {
	register(&explore.Explorable{
		Name:   "nonconvex-1d",
		Module: Module,
		Title:  "Gradient descent on a function with three minima",
		Controls: []explore.Control{
			{Name: "alpha", Label: "learning rate α", Min: 1e-3, Max: 1, Step: 0.02, Log: true, Default: 0.01},
			{Name: "x0", Label: "start x₀", Min: -2.4, Max: 3, Step: 0.01, Default: 1.3},
			{Name: "steps", Label: "steps", Unit: "steps", Min: 1, Max: nonconvexSteps, Step: 1, Int: true, Default: 150, Play: true},
		},
		Func: runNonConvex,
	})
}

// nonconvexSteps is the steps control's largest value, and the step
// axis's length: the axis stays put as the steps control moves (or plays),
// so the run grows along it.
const nonconvexSteps = 300

func runNonConvex(v explore.Values, _ explore.Data) *explore.Figure {
	p := problems.NonConvex1D()
	steps := int(v["steps"])
	r := optim.Run(p, []float64{v["x0"]}, optim.NewSGD(v["alpha"]),
		optim.Settings{MaxIter: steps, GradTol: 1e-8, TraceLimit: steps + 2, Label: "gradient descent"})
	lo, hi, flo, fhi := -2.5, 3.0, p.Box[2], p.Box[3] // Box's x range, widened to a round −2.5
	xs := fig.Linspace(lo, hi, 221)
	fs := make([]float64, len(xs))
	for i, x := range xs {
		fs[i] = p.Func([]float64{x})
	}
	px, pf := fig.Finite(r.Trace.Coord(0), r.Trace.Fs(), false)
	it, pxt := fig.Finite(r.Trace.Iters(), r.Trace.Coord(0), false)
	msg := fig.Failure(r)
	var mx, my []float64 // the minima, as grey lines across the step axis
	for _, m := range p.Minima {
		mx = append(mx, math.NaN(), 0, nonconvexSteps)
		my = append(my, math.NaN(), m.X[0], m.X[0])
	}
	last := r.Last[0]
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "f(x) and the iterates", XLabel: "x", YLabel: "f(x)",
			XMin: lo, XMax: hi, YMin: flo, YMax: fhi, Message: msg,
			Series: []explore.Series{
				{Name: "f(x)", Kind: explore.Line, X: xs, Y: fs, Color: fig.Gray, NoLegend: true},
				{Name: "gradient descent", Kind: explore.Path, X: px, Y: pf, Symbol: "circle", Size: 4},
			},
		}, {
			Title: "x_t by step", Note: "grey: the minima x = −2, ½ and 5⁄2", XLabel: "step t", YLabel: "x_t",
			XMin: 0, XMax: nonconvexSteps, YMin: -3, YMax: 3, Message: msg,
			Series: []explore.Series{
				{Name: "minima", Kind: explore.Contour, X: mx[1:], Y: my[1:]},
				{Name: "gradient descent", Kind: explore.Line, X: it, Y: pxt, Symbol: "circle", Size: 4},
			},
		}},
		Readout: []explore.Reading{
			{Label: "last x", Value: last},
			{Label: "f(x)", Value: p.Func([]float64{last})},
			{Label: "steps taken", Value: float64(r.Stats.Iterations)},
		},
	}
}
