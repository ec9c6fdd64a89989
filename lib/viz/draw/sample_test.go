package draw

import (
	"math"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/viz"
	"gonum.org/v1/gonum/mat"
)

// flat lists the rows of m one after another.
func flat(m [][]float64) []float64 {
	var out []float64
	for _, row := range m {
		out = append(out, row...)
	}
	return out
}

func rosenbrock(x, y float64) float64 { return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x) }

// rosen is rosenbrock as a 2-D problem with its plotting window.
var rosen = problems.Problem{Name: "Rosenbrock", Dim: 2, Box: [4]float64{-2, 2, -1, 3},
	Func: func(x []float64) float64 { return rosenbrock(x[0], x[1]) }}

// results wraps hand-made traces as the Results charts take.
func results(ts ...*optim.Trace) []optim.Result {
	rs := make([]optim.Result, len(ts))
	for i, t := range ts {
		rs[i] = optim.Result{Trace: *t}
	}
	return rs
}

// path returns a deterministic trace: gradient descent with a fixed step on
// the Rosenbrock function from (-1.2, 1), recording x and f.
func path(label string, step float64, n int, momentum float64) *optim.Trace {
	t := &optim.Trace{Label: label}
	x, y, vx, vy := -1.2, 1.0, 0.0, 0.0
	for i := 0; i <= n; i++ {
		gx := -2*(1-x) - 400*x*(y-x*x)
		gy := 200 * (y - x*x)
		t.Add(optim.Record{Iter: i, X: []float64{x, y}, F: rosenbrock(x, y), GradNorm: math.Hypot(gx, gy), GradEvals: i})
		vx, vy = momentum*vx-step*gx, momentum*vy-step*gy
		x, y = x+vx, y+vy
	}
	return t
}

// sampleCharts is one chart of every kind, plus the bad inputs that must
// still draw, in a fixed order. Used by the golden and browser tests.
func sampleCharts() []viz.Chart {
	gd := path("gradient descent", 1e-3, 600, 0)
	hb := path("heavy ball β=0.9", 1e-4, 600, 0.9)
	runs := results(gd, hb)

	xs := make([]float64, 200)
	ys := make([]float64, 200)
	labels := make([]int, 200)
	for i := range xs {
		a := float64(i) * 2.399963 // golden angle: a deterministic spiral
		r := math.Sqrt(float64(i)/200) * 2
		xs[i], ys[i] = r*math.Cos(a), r*math.Sin(a)
		if xs[i]+0.5*ys[i] > 0.2 {
			labels[i] = 1
		}
	}
	sizes := []float64{10, 20, 40, 80, 160, 320}
	costs := make([]float64, len(sizes))
	for i, d := range sizes {
		costs[i] = 1e-9 * d * d * d * (1 + 0.05*math.Sin(d))
	}
	hist := make([]float64, 500)
	for i := range hist {
		hist[i] = math.Sin(float64(i)*12.9898) * math.Cos(float64(i)*78.233) * 3
	}
	hist[7] = math.NaN()
	exact := [][]float64{{2, -1, 0}, {-1, 2, -1}, {0, -1, 2}}
	approx := [][]float64{{1.9, -0.8, 0.1}, {-0.8, 2.2, -1.1}, {0.1, -1.1, 1.8}}

	quad := func(x float64) float64 { return x*x*x*x - 3*x*x + x }
	one := &optim.Trace{Label: "gradient descent"}
	x := 2.0
	for i := 0; i <= 12; i++ {
		one.Add(optim.Record{Iter: i, X: []float64{x}, F: quad(x)})
		x -= 0.05 * (4*x*x*x - 6*x + 1)
	}

	return []viz.Chart{
		viz.LossCurves("Loss on Rosenbrock", viz.ByIter, runs...),
		viz.GradNorms("Gradient norm on Rosenbrock", viz.ByEvals, runs...),
		viz.Trajectories("Paths on Rosenbrock", rosen, runs...),
		viz.Function("Gradient descent on a quartic", "f(x) = x⁴ − 3x² + x", quad, -2, 2, 0).Iterates(results(one)[0]),
		viz.Decision("A linear classifier", xs, ys, labels, func(x, y float64) float64 { return x + 0.5*y - 0.2 }, [4]float64{-2.2, 2.2, -2.2, 2.2}),
		viz.Scaling("Cost of a dense solve", "time (s)", sizes, costs),
		viz.Histogram("Histogram of weights", "weights", hist, 25),
		viz.NewHeatMaps("Inverse Hessian: exact and BFGS", viz.Matrix{Name: "exact", Data: exact}, viz.MatrixOf("BFGS", mat.NewDense(3, 3, flat(approx)))),
		viz.RunTable("Results", runs...),
		viz.NewPlot("Bad input that still draws", viz.XLabel("step"), viz.YLabel("value")).
			Line("with NaN and Inf", []float64{0, 1, 2, 3, 4}, []float64{1, math.NaN(), 3, math.Inf(1), 2}).
			Line("single point", []float64{2}, []float64{2.5}).
			Line("empty", nil, nil),
	}
}
