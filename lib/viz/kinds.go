package viz

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// Path adds a path through (x[i], y[i]): a line with a hollow circle at
// its start and a square at its end, in one colour and one legend entry.
func (p *Plot) Path(name string, x, y []float64, opts ...SeriesOption) *Plot {
	p.Line(name, x, y, opts...)
	p.Series[len(p.Series)-1].path = true
	first, last := -1, -1
	for i := range min(len(x), len(y)) {
		if finite(x[i]) && finite(y[i]) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return p
	}
	mark := func(i int, sym Symbol) {
		s := Series{Name: name, Kind: PointsKind, X: []float64{x[i]}, Y: []float64{y[i]}, Symbol: sym, Size: 10}
		for _, o := range opts {
			o(&s)
		}
		s.Symbol, s.Size, s.NoLegend, s.Dashed = sym, 10, true, false
		p.Series = append(p.Series, s)
	}
	mark(first, Ring)
	mark(last, Square)
	return p
}

// Trajectories draws the path (x₁, x₂) of each run over contour lines of
// the 2-D problem p in its plotting window p.Box, with start (○) and end
// (□) markers and equal axes. Runs must have recorded x (see
// optim.Settings.TraceXDim); points outside the box are drawn, and widen
// the view. A problem that is not 2-D, or has no Box, is reported when
// the chart is drawn. Add options with With. Cost O(grid² · levels +
// records).
func Trajectories(title string, p problems.Problem, runs ...optim.Result) *Plot {
	box := p.Box
	pl := NewPlot(title, XLabel("x₁"), YLabel("x₂"), Size(600, 540), EqualAxes(), XRange(box[0], box[1]), YRange(box[2], box[3]))
	switch {
	case p.Dim != 2:
		pl.err = fmt.Errorf("viz: plot %q: problem %q has dimension %d; Trajectories draws 2-D problems", title, p.Name, p.Dim)
		return pl
	case !(box[0] < box[1] && box[2] < box[3]):
		pl.err = fmt.Errorf("viz: plot %q: problem %q has no plotting window (Box %v)", title, p.Name, box)
		return pl
	}
	if p.Func != nil {
		pl.Contours(Surface(p), box, 0)
	}
	for _, r := range runs {
		pl.Path(r.Trace.Label, r.Trace.Coord(0), r.Trace.Coord(1))
	}
	return pl
}

// Surface is f(x, y) of a 2-D problem, the form contour charts take. It
// allocates one 2-vector and reuses it, so it is not safe for concurrent
// use.
func Surface(p problems.Problem) func(x, y float64) float64 {
	v := make([]float64, 2)
	return func(x, y float64) float64 {
		v[0], v[1] = x, y
		return p.Func(v)
	}
}

// Function plots f on [lo, hi] at n points (n ≤ 1 means 400), as a line
// named name. Add iterates with Iterates or Path.
// Cost O(n) evaluations.
func Function(title, name string, f func(float64) float64, lo, hi float64, n int, opts ...Option) *Plot {
	if n <= 1 {
		n = 400
	}
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i] = lo + (hi-lo)*float64(i)/float64(n-1)
		ys[i] = f(xs[i])
	}
	p := NewPlot(title, XLabel("x"), YLabel("f(x)"))
	p.Line(name, xs, ys, Color(Gray))
	return p.With(opts...)
}

// Problem1D plots the 1-D problem p over its plotting window (p.Box is
// [xmin, xmax, fmin, fmax]) with the iterates of each run as a path
// through (x_k, f_k), and its known minima as points. A problem that is not
// 1-D, or has no Box, is reported when the chart is drawn. Add options
// with With. Cost 400 evaluations of p plus O(records).
func Problem1D(title string, p problems.Problem, runs ...optim.Result) *Plot {
	box := p.Box
	if p.Dim != 1 || !(box[0] < box[1]) {
		pl := NewPlot(title)
		pl.err = fmt.Errorf("viz: plot %q: problem %q (dimension %d, Box %v) is not a 1-D problem with a plotting window", title, p.Name, p.Dim, box)
		return pl
	}
	v := make([]float64, 1)
	f := func(x float64) float64 { v[0] = x; return p.Func(v) }
	pl := Function(title, p.Name, f, box[0], box[1], 400)
	if box[2] < box[3] {
		pl.With(YRange(box[2], box[3]))
	}
	for _, r := range runs {
		pl.Iterates(r)
	}
	for _, m := range p.Minima {
		name := "local minimum"
		if m.Global {
			name = "global minimum"
		}
		pl.Points(name, []float64{m.X[0]}, []float64{m.F}, Marker(Triangle, 9), Color(Gray))
	}
	return pl
}

// DecisionData is Decision for a 2-D classification Dataset (its first two
// features), one colour per class.
func DecisionData(title string, d problems.Dataset, boundary func(x, y float64) float64, box [4]float64) *Plot {
	xs, ys := make([]float64, d.Len()), make([]float64, d.Len())
	for i, row := range d.X {
		if len(row) >= 2 {
			xs[i], ys[i] = row[0], row[1]
		}
	}
	pl := Decision(title, xs, ys, d.Label, boundary, box)
	if d.Features() != 2 && pl.err == nil {
		pl.err = fmt.Errorf("viz: plot %q: dataset %q has %d features; DecisionData draws 2", title, d.Name, d.Features())
	}
	return pl
}

// Iterates adds the iterates of a 1-D run as a path through (x_k, f_k).
func (p *Plot) Iterates(r optim.Result, opts ...SeriesOption) *Plot {
	t := &r.Trace
	return p.Path(t.Label, t.Coord(0), t.Fs(), append([]SeriesOption{Marker(Circle, 5)}, opts...)...)
}

// Decision draws a 2-D dataset, one colour per label, with the decision
// boundary {boundary = 0} over box = {xmin, xmax, ymin, ymax}. x, y and
// labels must have the same length. Cost O(n + grid²).
func Decision(title string, x, y []float64, labels []int, boundary func(x, y float64) float64, box [4]float64, opts ...Option) *Plot {
	p := NewPlot(title, XLabel("x₁"), YLabel("x₂"), EqualAxes(), XRange(box[0], box[1]), YRange(box[2], box[3]), Size(560, 520))
	if len(labels) != len(x) || len(x) != len(y) {
		p.err = fmt.Errorf("viz: plot %q: dataset: %d x values, %d y values and %d labels", title, len(x), len(y), len(labels))
	}
	classes := map[int][2][]float64{}
	var order []int
	for i, l := range labels {
		if i >= len(x) || i >= len(y) {
			break
		}
		c, ok := classes[l]
		if !ok {
			order = append(order, l)
		}
		c[0], c[1] = append(c[0], x[i]), append(c[1], y[i])
		classes[l] = c
	}
	for _, l := range order {
		c := classes[l]
		p.Points(fmt.Sprintf("class %d", l), c[0], c[1], Marker(Circle, 6))
	}
	if boundary != nil {
		for _, s := range contourSeries(boundary, box, 80, []float64{0}) {
			s.Color = "#000000"
			p.Series = append(p.Series, s)
		}
		p.Notes = append(p.Notes, "black line: decision boundary")
	}
	return p.With(opts...)
}

// Scaling plots measurements y against sizes x on log-log axes with the
// fitted power law as a dashed line and its slope in the legend and a
// note (e.g. "fitted slope 2.98": cost ∝ size^2.98). If no fit is
// possible the note says so. Cost O(len(x)).
func Scaling(title, name string, x, y []float64, opts ...Option) *Plot {
	p := NewPlot(title, LogX(), LogY(), XLabel("size"), YLabel("cost"))
	p.Points(name, x, y)
	slope, icpt, err := num.FitLogLog(x, y)
	if err != nil {
		p.Notes = append(p.Notes, "no slope fitted: "+err.Error())
		return p.With(opts...)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		if v > 0 && finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	fx := []float64{lo, hi}
	fy := []float64{math.Pow(10, icpt) * math.Pow(lo, slope), math.Pow(10, icpt) * math.Pow(hi, slope)}
	p.Line(fmt.Sprintf("fit: slope %.2f", slope), fx, fy, Dashed(), Color("#000000"))
	p.Notes = append(p.Notes, fmt.Sprintf("fitted slope %.2f (%s ∝ size^%.2f)", slope, name, slope))
	return p.With(opts...)
}

// Histogram plots a histogram of values in bins bins (≤ 0 means 30).
// Cost O(len(values)).
func Histogram(title, name string, values []float64, bins int, opts ...Option) *Plot {
	p := NewPlot(title, XLabel("value"), YLabel("count"))
	p.Histogram(name, values, bins)
	return p.With(opts...)
}
