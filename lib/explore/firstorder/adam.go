package firstorder

import (
	"math"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// adam (notebook 04): optim.Adam on notebook 04's bowl,
// problems.Quadratic2D(100, π/6), from its start, with α, β₁, β₂ (as
// 1 − β₂, on a log scale), the bias correction on or off, and the number of
// steps. Panels: the path over the bowl's contours, and each step's size per
// coordinate in units of α, |Δθᵢ|/α — 1 at the first step with the
// correction, α(1 − β₁)/√(1 − β₂) without. Cost: O(steps), microseconds;
// the contours once.
func init() {
	register(&explore.Explorable{
		Name:   "adam",
		Module: Module,
		Title:  "Adam on the bowl: β₁, β₂ and the bias correction",
		Controls: []explore.Control{
			{Name: "alpha", Label: "learning rate α", Min: 1e-3, Max: 1, Step: 0.02, Log: true, Default: 0.1},
			{Name: "beta1", Label: "β₁", Min: 0, Max: 0.99, Step: 0.01, Default: 0.9},
			{Name: "oneMinusBeta2", Label: "1 − β₂", Min: 1e-4, Max: 0.5, Step: 0.05, Log: true, Default: 1e-3},
			{Name: "bias", Label: "bias correction", Choices: []string{"on (torch's default)", "off"}, Default: 0},
			{Name: "steps", Label: "steps", Unit: "steps", Min: 1, Max: adamSteps, Step: 1, Int: true, Default: 200, Play: true},
		},
		Func: runAdam,
	})
}

// adamSteps is the steps control's largest value, and the step axis's
// length: the axis stays put as the steps control moves (or plays).
const adamSteps = 500

func runAdam(v explore.Values, _ explore.Data) *explore.Figure {
	p := problems.Quadratic2D(100, math.Pi/6)
	c := momentumContext(100, p)
	alpha, steps := v["alpha"], int(v["steps"])
	adam := &optim.Adam{LR: alpha, Beta1: v["beta1"], Beta2: 1 - v["oneMinusBeta2"], Eps: 1e-8,
		NoBiasCorrection: v["bias"] == 1}
	r := optim.Run(p, p.Start, adam, optim.Settings{MaxIter: steps, TraceLimit: steps + 2, Label: "Adam"})
	px, py := fig.Finite(r.Trace.Coord(0), r.Trace.Coord(1), false)
	recs := r.Trace.Records
	var t, d1, d2 []float64
	largest := 0.0
	for k := 1; k < len(recs); k++ {
		a := math.Abs(recs[k].X[0]-recs[k-1].X[0]) / alpha
		b := math.Abs(recs[k].X[1]-recs[k-1].X[1]) / alpha
		t, d1, d2 = append(t, float64(k)), append(d1, a), append(d2, b)
		largest = math.Max(largest, math.Max(a, b))
	}
	first := math.NaN()
	if len(d1) > 0 {
		first = d1[0]
	}
	// A step of exactly 0 (a coordinate at rest) has no place on a log axis.
	t1, s1 := fig.Finite(t, d1, true)
	t2, s2 := fig.Finite(t, d2, true)
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "The path (κ = 100)", XLabel: "θ₁", YLabel: "θ₂",
			XMin: p.Box[0], XMax: p.Box[1], YMin: p.Box[2], YMax: p.Box[3], Message: fig.Failure(r),
			Series: []explore.Series{
				c.bowl,
				{Name: "Adam", Kind: explore.Path, X: px, Y: py, Symbol: "circle", Size: 3},
			},
		}, {
			Title: "Step size per coordinate", XLabel: "step", YLabel: "|Δθᵢ| / α (log scale)",
			LogY: true, XMin: 0, XMax: adamSteps, YMin: 1e-4, YMax: 100,
			Series: []explore.Series{
				{Name: "θ₁", Kind: explore.Line, X: t1, Y: s1},
				{Name: "θ₂", Kind: explore.Line, X: t2, Y: s2, Dashed: true},
			},
		}},
		Readout: []explore.Reading{
			{Label: "first step |Δθ₁|/α", Value: first},
			{Label: "largest step / α", Value: largest},
			{Label: "f at the end", Value: r.F},
		},
	}
}
