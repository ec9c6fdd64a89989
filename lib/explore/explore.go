// Package explore holds the course's explorables: small experiments whose
// settings the reader moves with sliders, in the lecture notes and in
// JupyterLab, while the library's own code (lib/optim, lib/secondorder,
// lib/problems) re-runs them. cmd/explore compiles this package to
// WebAssembly for the browser; lib/viz/nb.Explore shows an explorable in a
// notebook, with a static picture drawn natively from the same Run.
//
// An Explorable is a function from Values (one number per Control: a
// slider's value, or a select's index) to a Figure: panels of named series
// (lines, points, paths, contour lines), a message where a run diverged, and
// a readout of the numbers the reader should look at. A Figure is plain data;
// its JSON (Figure.JSON) is what the browser draws and what the browser check
// compares with a native Run of the same Values.
//
// Run is deterministic: the same Values give the same Figure, bit for bit
// on one machine, and to rounding (a few ulps of math.Exp and friends, whose
// amd64 assembly and portable Go versions differ) between native code and
// WebAssembly. It never panics: a panic of the library, such as the one a
// learning rate of 0 raises, comes back as an error.
//
// This package imports no chart code, so that the WebAssembly modules stay
// small; lib/explore/web turns a Figure into an echarts chart and a static
// picture.
//
// # Modules
//
// The explorables are compiled into three WebAssembly modules, so that a
// page downloads only the code its explorables run and each module stays
// under 1 MB gzip: ModuleFirstOrder (lib/optim and lib/problems: notebooks
// 01–03, 06 and 07), ModuleSecondOrder (with lib/secondorder and gonum's
// LAPACK: notebooks 04 and 05) and ModuleCompression (pruning and
// quantization: notebook 08). Each explorable names its module, and its
// file carries the build constraint //go:build !descent_explore ||
// descent_explore_MODULE: a native build has them all, the build of a
// module (tags descent_explore descent_explore_MODULE) its own only.
package explore

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Control is one slider or select of an explorable.
type Control struct {
	// Name is the key of the control's value in Values.
	Name string
	// Label is what the reader reads beside the control, e.g. "learning rate α".
	Label string
	// Unit follows the shown value, e.g. "steps" ("" for a pure number).
	Unit string
	// Min and Max bound the slider (for a select: 0 and len(Choices)−1).
	Min, Max float64
	// Step is the slider's resolution: in the value's units, or in decades
	// on a Log slider.
	Step float64
	// Log makes the slider move log₁₀ of the value (Min > 0).
	Log bool
	// Int rounds the value to an integer.
	Int bool
	// Choices makes the control a select; its value is the chosen index.
	Choices []string
	// Default is the value when the explorable opens.
	Default float64
	// Play puts a ▶ button beside the slider that moves it from Min to Max,
	// redrawing at each position (training shown as it happens).
	Play bool
}

// Values holds one number per control, by Control.Name.
type Values map[string]float64

// Data holds named series of numbers an explorable takes besides its
// controls, e.g. timings measured by the notebook that shows it.
type Data map[string][]float64

// The WebAssembly modules (see the package doc).
const (
	ModuleFirstOrder  = "firstorder"
	ModuleSecondOrder = "secondorder"
	ModuleCompression = "compression"
)

// Modules lists the modules.
func Modules() []string { return []string{ModuleFirstOrder, ModuleSecondOrder, ModuleCompression} }

// Explorable is one experiment with its controls.
type Explorable struct {
	// Name identifies it, e.g. "nonconvex-1d"; lib/viz/nb.Explore takes it.
	Name string
	// Module is the WebAssembly module it is compiled into.
	Module string
	// Title says what the reader explores.
	Title string
	// Controls are shown in order.
	Controls []Control
	// Width and Height are the size of each panel in CSS pixels.
	Width, Height int
	// Run computes the figure for the values (every control has one) and
	// the data (possibly empty).
	run func(v Values, d Data) *Figure
}

// Defaults returns the default value of every control.
func (e *Explorable) Defaults() Values {
	v := Values{}
	for _, c := range e.Controls {
		v[c.Name] = c.Default
	}
	return v
}

// Control returns the control named name, or nil.
func (e *Explorable) Control(name string) *Control {
	for i := range e.Controls {
		if e.Controls[i].Name == name {
			return &e.Controls[i]
		}
	}
	return nil
}

// Kind says how a Series is drawn.
type Kind int

const (
	// Line joins the points in order.
	Line Kind = iota
	// Points draws a marker at each point.
	Points
	// Path is a line with a ring at its first point and a square at its last,
	// the path of a run.
	Path
	// Contour draws thin grey lines; NaN separates polylines. Never in the legend.
	Contour
)

// Series is one named set of points on a Panel.
type Series struct {
	Name string
	Kind Kind
	X, Y []float64
	// Color is "#RRGGBB"; empty takes the look (colour and dash) bound to
	// Name in the notebook's chart registry (lib/viz.Default).
	Color string
	// Dashed draws a dashed line.
	Dashed bool
	// Symbol marks the points: "", "circle", "ring", "square" or "triangle";
	// Size is its size in pixels (0: 7).
	Symbol string
	Size   float64
	// NoLegend keeps the series out of the legend.
	NoLegend bool
}

// Panel is one chart of a Figure.
type Panel struct {
	Title          string
	XLabel, YLabel string
	LogX, LogY     bool
	// XMin…YMax fix an axis's range when Min < Max; otherwise it fits the data.
	XMin, XMax, YMin, YMax float64
	Series                 []Series
	// Note is a line under the title, the same for every run (what grey
	// lines are, say).
	Note string
	// Message is drawn over the plot area, e.g. "diverged at step 12".
	Message string
}

// Reading is one number of a Figure's readout.
type Reading struct {
	Label string
	Value float64
	Unit  string
	// Text, when set, is shown instead of the number (e.g. "80 TB", or
	// "not within 200" for a run that did not get there).
	Text string
}

// Figure is what an explorable draws for one setting of its controls.
type Figure struct {
	Panels  []Panel
	Readout []Reading
}

var registry = map[string]*Explorable{}

// register adds e to the catalog; called from the init functions of the
// explorables' files.
func register(e *Explorable) {
	if _, dup := registry[e.Name]; dup {
		panic("explore: two explorables named " + e.Name)
	}
	if e.Module != ModuleFirstOrder && e.Module != ModuleSecondOrder && e.Module != ModuleCompression {
		panic("explore: " + e.Name + " names no module")
	}
	if e.Width == 0 {
		e.Width, e.Height = 416, 340
	}
	registry[e.Name] = e
}

// Lookup returns the explorable named name, or nil.
func Lookup(name string) *Explorable { return registry[name] }

// Names lists every explorable, sorted.
func Names() []string {
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ErrUnknown is returned for a name no explorable has.
var ErrUnknown = errors.New("explore: no such explorable")

// Run computes the figure of the explorable named name for the values
// (controls left out take their defaults) and the data. It returns an error
// for an unknown name, an unknown control, a NaN or infinite value, and for
// a panic of the code it runs (the message of the panic, e.g. the
// library's "optim: …" for a learning rate of 0): values outside a control's
// range are not rejected here (the sliders keep the reader inside it), so
// the library's own checks apply. Cost: that of the experiment; each
// explorable's file states it.
func Run(name string, v Values, d Data) (fig *Figure, err error) {
	e := registry[name]
	if e == nil {
		return nil, fmt.Errorf("%w: %q (have %v)", ErrUnknown, name, Names())
	}
	all := e.Defaults()
	for k, x := range v {
		c := e.Control(k)
		if c == nil {
			return nil, fmt.Errorf("explore: %s has no control %q", name, k)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("explore: %s: %s = %g, must be finite", name, k, x)
		}
		if c.Int || c.Choices != nil {
			x = math.Round(x)
		}
		if c.Choices != nil && (x < 0 || int(x) >= len(c.Choices)) {
			return nil, fmt.Errorf("explore: %s: %s = %g, must be a choice index 0…%d", name, k, x, len(c.Choices)-1)
		}
		all[k] = x
	}
	defer func() {
		if r := recover(); r != nil {
			fig, err = nil, fmt.Errorf("explore: %s: panic: %v", name, r)
		}
	}()
	return e.run(all, d), nil
}

// linspace returns n points from lo to hi inclusive.
func linspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}

// gray is the colour of context lines (lib/viz.Gray).
const gray = "#9A9A9A"

var nan = math.NaN()

// Response is what the browser receives for one run: the figure's JSON, or
// {"error": "…"} when err is not nil.
func Response(fig *Figure, err error) []byte {
	if err != nil {
		w := &jsonWriter{}
		w.raw(`{"error":`)
		w.str(err.Error())
		w.raw("}")
		return w.b
	}
	return fig.JSON()
}
