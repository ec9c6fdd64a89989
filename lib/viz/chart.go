package viz

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/vizstate"
)

// Chart is a description of a figure that every renderer draws: a *Plot
// (one pair of axes), a *HeatMaps (matrices side by side) or a *Table.
// Build one from plain data or from optim traces, then render it with
// SVG, PNG, Options (echarts JSON) or HTML, or show it in a notebook
// with lib/viz/nb.
type Chart interface {
	// isChart is unexported so that the renderers know every kind.
	isChart()
}

func (*Plot) isChart()     {}
func (*HeatMaps) isChart() {}
func (*Table) isChart()    {}

// Default size of a chart in CSS pixels.
const (
	DefaultWidth  = 640
	DefaultHeight = 400
)

// Kind says how a Series is drawn.
type Kind int

const (
	// LineKind joins the points in order. A lone finite point is drawn as a marker.
	LineKind Kind = iota
	// PointsKind draws a marker at each point.
	PointsKind
	// StepsKind draws a histogram: X holds n+1 bin edges, Y holds n counts.
	StepsKind
	// ContourKind draws thin grey context lines; NaN in X or Y separates
	// polylines and is not reported as bad data. Not shown in legends.
	ContourKind
)

// Symbol is a marker shape.
type Symbol int

// Marker shapes, drawn alike by both renderers.
const (
	NoSymbol Symbol = iota
	Circle
	Ring // hollow circle: the start of a path
	Square
	Triangle
)

// Axis describes one axis of a Plot. The zero value is a linear axis whose
// range fits the data.
type Axis struct {
	// Label names the quantity and its unit, e.g. "wall time (s)".
	Label string
	// Log draws the axis on a base-10 log scale. Every value of every
	// series on it must then be > 0, else rendering returns an error.
	Log bool
	// Min and Max fix the range when Min < Max; otherwise it fits the data.
	Min, Max float64
}

// Series is one named set of points on a Plot.
type Series struct {
	Name string
	Kind Kind
	X, Y []float64
	// Color is "#RRGGBB"; empty means the next Okabe–Ito colour, shared by
	// every series with the same Name (so a path and its end markers match).
	Color string
	// Dashed draws a dashed line.
	Dashed bool
	// Symbol marks each point of a line or points series (PointsKind
	// defaults to Circle).
	Symbol Symbol
	// Size of the symbol in pixels (0 means 7).
	Size float64
	// NoLegend keeps the series out of the legend.
	NoLegend bool

	path bool // drawn by Path: simplified like a contour
}

// Plot is a chart on one pair of axes: lines, points, histograms and
// contour lines. Its zero value is an empty 640×400 plot; use NewPlot and
// the builder methods, or the constructors such as LossCurves.
type Plot struct {
	Title string
	X, Y  Axis
	// Width and Height in CSS pixels (0 means DefaultWidth, DefaultHeight).
	Width, Height int
	// EqualAxes makes one unit the same length on both axes (for paths on
	// a 2-D surface); the ranges are widened to fit.
	EqualAxes bool
	Series    []Series
	// Notes are shown under the title, e.g. a fitted slope.
	Notes []string

	err      error // bad input seen by a constructor, reported when drawn
	contours []contourSpec
	// gridSource answers for contour functions left in another process
	// (see wire.go).
	gridSource func(i int, xs, ys []float64) ([][]float64, error)
}

// Option sets a property of a Plot, in the style of go-echarts' global options.
type Option func(*Plot)

// XLabel sets the x axis label (name the unit: "step", "wall time (s)").
func XLabel(s string) Option { return func(p *Plot) { p.X.Label = s } }

// YLabel sets the y axis label.
func YLabel(s string) Option { return func(p *Plot) { p.Y.Label = s } }

// LogX draws the x axis on a log scale.
func LogX() Option { return func(p *Plot) { p.X.Log = true } }

// LogY draws the y axis on a log scale.
func LogY() Option { return func(p *Plot) { p.Y.Log = true } }

// LinearY draws the y axis on a linear scale (undoes a constructor's LogY).
func LinearY() Option { return func(p *Plot) { p.Y.Log = false } }

// XRange fixes the x range to [lo, hi].
func XRange(lo, hi float64) Option { return func(p *Plot) { p.X.Min, p.X.Max = lo, hi } }

// YRange fixes the y range to [lo, hi].
func YRange(lo, hi float64) Option { return func(p *Plot) { p.Y.Min, p.Y.Max = lo, hi } }

// Size sets the chart size in CSS pixels.
func Size(width, height int) Option { return func(p *Plot) { p.Width, p.Height = width, height } }

// EqualAxes gives both axes the same scale.
func EqualAxes() Option { return func(p *Plot) { p.EqualAxes = true } }

// Note adds a line of text under the title.
func Note(s string) Option { return func(p *Plot) { p.Notes = append(p.Notes, s) } }

// NewPlot returns an empty plot with the given title and options.
func NewPlot(title string, opts ...Option) *Plot {
	p := &Plot{Title: title}
	for _, o := range opts {
		o(p)
	}
	return p
}

// With applies options to p and returns p.
func (p *Plot) With(opts ...Option) *Plot {
	for _, o := range opts {
		o(p)
	}
	return p
}

// SeriesOption sets a property of one series.
type SeriesOption func(*Series)

// Color sets the series colour ("#RRGGBB").
func Color(hex string) SeriesOption { return func(s *Series) { s.Color = hex } }

// Dashed draws the series with a dashed line.
func Dashed() SeriesOption { return func(s *Series) { s.Dashed = true } }

// Marker draws sym at each point of the series, size pixels wide (0 means 7).
func Marker(sym Symbol, size float64) SeriesOption {
	return func(s *Series) { s.Symbol, s.Size = sym, size }
}

// NoLegend keeps the series out of the legend.
func NoLegend() SeriesOption { return func(s *Series) { s.NoLegend = true } }

func (p *Plot) add(s Series, opts []SeriesOption) *Plot {
	for _, o := range opts {
		o(&s)
	}
	p.Series = append(p.Series, s)
	return p
}

// Line adds a line through (x[i], y[i]). The slices are not copied.
func (p *Plot) Line(name string, x, y []float64, opts ...SeriesOption) *Plot {
	return p.add(Series{Name: name, Kind: LineKind, X: x, Y: y}, opts)
}

// Points adds a marker at each (x[i], y[i]).
func (p *Plot) Points(name string, x, y []float64, opts ...SeriesOption) *Plot {
	return p.add(Series{Name: name, Kind: PointsKind, X: x, Y: y, Symbol: Circle}, opts)
}

// Histogram adds a histogram of values in bins equal-width bins spanning
// the finite values (bins ≤ 0 means 30). Cost O(len(values)).
func (p *Plot) Histogram(name string, values []float64, bins int, opts ...SeriesOption) *Plot {
	if bins <= 0 {
		bins = 30
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi { // no finite value: an empty series, reported when drawn
		if len(values) > 0 {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: skipped %d non-finite values (NaN/±Inf)", name, len(values)))
		}
		return p.add(Series{Name: name, Kind: StepsKind}, opts)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	edges := make([]float64, bins+1)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/float64(bins)
	}
	counts := make([]float64, bins)
	skipped := 0
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			skipped++
			continue
		}
		i := min(int((v-lo)/(hi-lo)*float64(bins)), bins-1)
		counts[i]++
	}
	if skipped > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%s: skipped %d non-finite values (NaN/±Inf)", name, skipped))
	}
	return p.add(Series{Name: name, Kind: StepsKind, X: edges, Y: counts}, opts)
}

// Contours adds grey contour lines of f over box = {xmin, xmax, ymin, ymax}
// on an n×n grid (n ≤ 0 means 60) at the given levels (none: 12 levels
// spaced evenly in log(f − min f + 1), which suits the valleys of test
// functions). Cost O(n² · (1 + levels)) evaluations and steps.
//
// The lines are computed when the chart is drawn, over the whole view: the
// box, widened to what equal axes or a fixed range show, so that a zoomed or
// widened view has contours everywhere. They are drawn under the other series.
func (p *Plot) Contours(f func(x, y float64) float64, box [4]float64, n int, levels ...float64) *Plot {
	p.contours = append(p.contours, contourSpec{f: f, box: box, n: n, levels: levels})
	return p
}

// contourSpec is a Contours call, evaluated when the plot is prepared.
type contourSpec struct {
	f      func(x, y float64) float64
	box    [4]float64
	n      int
	levels []float64
}

func init() {
	vizstate.Of = func(p any) vizstate.State { return p.(*Plot).state() }
	vizstate.SetGrid = func(p any, grid func(i int, xs, ys []float64) ([][]float64, error)) {
		p.(*Plot).gridSource = grid
	}
}

// state is what lib/viz/draw reads of p besides its exported fields.
func (p *Plot) state() vizstate.State {
	st := vizstate.State{Err: p.err, Paths: make([]bool, len(p.Series))}
	for i, s := range p.Series {
		st.Paths[i] = s.path
	}
	for _, c := range p.contours {
		st.Boxes = append(st.Boxes, c.box)
	}
	st.Lines = func(i int, box [4]float64) ([]vizstate.Line, error) {
		c := p.contours[i]
		series, err := contourSeriesOf(func(xs, ys []float64) ([][]float64, error) {
			return p.contourGrid(i, xs, ys)
		}, box, c.n, c.levels)
		lines := make([]vizstate.Line, len(series))
		for k, s := range series {
			lines[k] = vizstate.Line{Name: s.Name, X: s.X, Y: s.Y}
		}
		return lines, err
	}
	st.Grid = p.contourValues
	return st
}
