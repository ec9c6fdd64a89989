package secondorder

import (
	"math"
	"sync"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/secondorder"
)

// lbfgs-newton (notebook 05): L-BFGS with memory m (secondorder.NewLBFGS,
// strong-Wolfe line search) beside Newton's method — pure, or with an
// Armijo backtracking line search (notebook 05's two) — on Rosenbrock's
// function from a chosen start, each until ‖∇f‖₂ ≤ 1e-8 or 200 iterations.
// Panels: both paths over the contours, and ‖∇f‖ by iteration. Cost: the
// two runs, well under a millisecond; the contours once.
func init() {
	register(&explore.Explorable{
		Name:   "lbfgs-newton",
		Module: Module,
		Title:  "L-BFGS and Newton on Rosenbrock's function: memory and start",
		Controls: []explore.Control{
			{Name: "m", Label: "L-BFGS memory m", Unit: "pairs", Min: 1, Max: 20, Step: 1, Int: true, Default: 5},
			{Name: "x0", Label: "start x₀", Min: -2, Max: 2, Step: 0.01, Default: -1.2},
			{Name: "y0", Label: "start y₀", Min: -1, Max: 3, Step: 0.01, Default: 1},
			{Name: "newton", Label: "Newton", Choices: []string{"pure (step 1)", "with a line search (Armijo)"}, Default: 0},
		},
		Func: runLBFGS,
	})
}

// rosenView is the paths panel's view: Rosenbrock's box widened down to
// y = −4, so that pure Newton's second iterate from (−1.2, 1), at
// (0.763, −3.175) with f = 1412, stays in sight (notebook 05 shows it too).
var rosenView = [4]float64{-2, 2, -4, 3}

var (
	rosenOnce sync.Once
	rosenC    explore.Series
)

// rosenContours returns the contour lines of Rosenbrock's function, made
// once (explore.Fixed: their JSON is written once too).
func rosenContours(p problems.Problem) explore.Series {
	rosenOnce.Do(func() {
		g := fig.Sample(func(x, y float64) float64 { return p.Func([]float64{x, y}) }, rosenView, 80)
		cx, cy := g.Contours(0.1, 0.5, 2, 8, 32, 128, 512, 2048, 8192)
		rosenC = explore.Fixed(explore.Series{Name: "contours", Kind: explore.Contour, X: cx, Y: cy})
	})
	return rosenC
}

func runLBFGS(v explore.Values, _ explore.Data) *explore.Figure {
	p := problems.Rosenbrock()
	contours := rosenContours(p)
	x0 := []float64{v["x0"], v["y0"]}
	s := optim.Settings{MaxIter: 200, GradTol: 1e-8, TraceLimit: 202, Label: "L-BFGS"}
	lb := optim.Run(p, x0, secondorder.NewLBFGS(int(v["m"])), s)
	s.Label = "Newton"
	newton := secondorder.NewNewton()
	if v["newton"] == 1 {
		newton = &secondorder.Newton{LineSearch: secondorder.Backtracking{C1: 1e-4, MaxTrials: 50}}
	}
	nt := optim.Run(p, x0, newton, s)
	lx, ly := fig.Finite(lb.Trace.Coord(0), lb.Trace.Coord(1), false)
	nx, ny := fig.Finite(nt.Trace.Coord(0), nt.Trace.Coord(1), false)
	li, lg := fig.Finite(lb.Trace.Iters(), lb.Trace.GradNorms(), true)
	ni, ng := fig.Finite(nt.Trace.Iters(), nt.Trace.GradNorms(), true)
	msg := ""
	if m := fig.Failure(nt); m != "" {
		msg = "Newton " + m
	}
	if m := fig.Failure(lb); m != "" {
		msg = joinMessages("L-BFGS "+m, msg)
	}
	reading := func(label string, r optim.Result) explore.Reading {
		if r.Status.Converged() {
			return explore.Reading{Label: label, Value: float64(r.Stats.Iterations)}
		}
		return explore.Reading{Label: label, Value: math.NaN(), Text: "not within 200"}
	}
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "Paths on Rosenbrock", XLabel: "x", YLabel: "y",
			XMin: rosenView[0], XMax: rosenView[1], YMin: rosenView[2], YMax: rosenView[3], Message: msg,
			Series: []explore.Series{
				contours,
				{Name: "L-BFGS", Kind: explore.Path, X: lx, Y: ly, Symbol: "circle", Size: 4},
				{Name: "Newton", Kind: explore.Path, X: nx, Y: ny, Symbol: "triangle", Size: 6},
			},
		}, {
			Title: "‖∇f‖ by iteration", XLabel: "iteration", YLabel: "‖∇f‖ (log scale)",
			LogY: true, YMin: 1e-10, YMax: 1e4,
			Series: []explore.Series{
				{Name: "L-BFGS", Kind: explore.Line, X: li, Y: lg, Symbol: "circle", Size: 4},
				{Name: "Newton", Kind: explore.Line, X: ni, Y: ng, Symbol: "triangle", Size: 6},
			},
		}},
		Readout: []explore.Reading{
			reading("L-BFGS iterations to ‖∇f‖ ≤ 1e-8", lb),
			{Label: "its gradients", Value: float64(lb.Stats.GradEvals)},
			reading("Newton iterations", nt),
			{Label: "its gradients", Value: float64(nt.Stats.GradEvals)},
		},
	}
}

func joinMessages(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
