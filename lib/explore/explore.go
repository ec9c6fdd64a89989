// Package explore is the framework of the course's explorables: small
// experiments whose settings the reader moves with sliders, in the lecture
// notes and in JupyterLab, while the library's own code (lib/optim,
// lib/secondorder, lib/problems, lib/nn) re-runs them. The explorables
// themselves live in one package per WebAssembly module (below);
// cmd/explore compiles each to WebAssembly for the browser, and
// lib/viz/nb.Explore shows an explorable in a notebook, with a static
// picture drawn natively from the same run.
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
// This package imports no chart code and no optimizer, so that the
// WebAssembly modules stay small; lib/explore/web turns a Figure into an
// echarts chart and a static picture.
//
// # Modules
//
// The explorables are compiled into three WebAssembly modules, so that a
// page downloads only the code its explorables run and each module stays
// under 1 MB gzip. Each is a package whose Explorables function returns its
// Catalog, and a main in cmd/explore/wasm that imports only that package:
// lib/explore/firstorder (lib/optim, lib/problems and lib/nn: notebooks
// 01–03, 06 and 07), lib/explore/secondorder (with lib/secondorder and
// gonum's LAPACK: notebooks 05 and 06) and lib/explore/compression
// (pruning and quantization: notebook 10). lib/explore/web.Explorables
// joins the three for native programs.
package explore

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
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

// Explorable is one experiment with its controls.
type Explorable struct {
	// Name identifies it, e.g. "nonconvex-1d"; lib/viz/nb.Explore takes it.
	Name string
	// Module is the WebAssembly module it is compiled into, the name of
	// its package (e.g. firstorder.Module).
	Module string
	// Title says what the reader explores.
	Title string
	// Controls are shown in order.
	Controls []Control
	// Width and Height are the size of each panel in CSS pixels; 0 stands
	// for 416 × 340 (Size).
	Width, Height int
	// Func computes the figure for the values (every control has one) and
	// the data (possibly empty); Run calls it.
	Func func(v Values, d Data) *Figure
}

// Size returns the size of each panel in CSS pixels: Width × Height, or
// 416 × 340 when Width is 0.
func (e *Explorable) Size() (width, height int) {
	if e.Width == 0 {
		return 416, 340
	}
	return e.Width, e.Height
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

	fixed *fixedPoints // X and Y in JSON, when made by Fixed
}

// fixedPoints holds a Fixed series' X and Y as Figure.JSON writes them,
// with the slices they were written from.
type fixedPoints struct {
	x, y []float64
	json []byte // the JSON arrays of x then y
	xEnd int    // where y's starts
}

// Fixed returns s with its points written in JSON now, once: Figure.JSON
// copies those bytes instead of writing X and Y again, for a series drawn
// the same in every figure of an explorable (the contour lines of a fixed
// surface, an edge, a curve), kept from one run to the next. The numbers
// of s.X and s.Y must not change afterwards; a series whose X or Y is
// set to another slice is written afresh. Cost O(points), once.
func Fixed(s Series) Series {
	w := &jsonWriter{}
	w.nums(s.X)
	xEnd := len(w.b)
	w.nums(s.Y)
	s.fixed = &fixedPoints{x: s.X, y: s.Y, json: w.b, xEnd: xEnd}
	return s
}

// fixedJSON returns the JSON of s.X and s.Y written by Fixed, or nils when
// s was not made by Fixed or its X or Y is no longer the slice it was.
func (s *Series) fixedJSON() (x, y []byte) {
	f := s.fixed
	if f == nil || !sameSlice(f.x, s.X) || !sameSlice(f.y, s.Y) {
		return nil, nil
	}
	return f.json[:f.xEnd], f.json[f.xEnd:]
}

// sameSlice reports whether a and b are the same slice: the same length
// and, when not empty, the same first element in memory.
func sameSlice(a, b []float64) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
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

// Catalog is a list of explorables, such as a module package's
// Explorables or lib/explore/web.Explorables.
type Catalog []*Explorable

// Sorted returns a copy of c sorted by name. It panics if two explorables
// have one name, or one has no Module or no Func: a mistake in the
// explorables' code, found by any test. Cost O(n log n).
func (c Catalog) Sorted() Catalog {
	out := slices.Clone(c)
	slices.SortFunc(out, func(a, b *Explorable) int { return strings.Compare(a.Name, b.Name) })
	for i, e := range out {
		if e.Module == "" || e.Func == nil {
			panic("explore: " + e.Name + " names no module or has no Func")
		}
		if i > 0 && out[i-1].Name == e.Name {
			panic("explore: two explorables named " + e.Name)
		}
	}
	return out
}

// Lookup returns the explorable named name, or nil. Cost O(n).
func (c Catalog) Lookup(name string) *Explorable {
	for _, e := range c {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Names lists the explorables' names, sorted.
func (c Catalog) Names() []string {
	names := make([]string, len(c))
	for i, e := range c {
		names[i] = e.Name
	}
	slices.Sort(names)
	return names
}

// ErrUnknown is returned for a name no explorable has.
var ErrUnknown = errors.New("explore: no such explorable")

// Run runs the explorable named name (Explorable.Run), or returns an error
// wrapping ErrUnknown when c has none.
func (c Catalog) Run(name string, v Values, d Data) (*Figure, error) {
	e := c.Lookup(name)
	if e == nil {
		return nil, fmt.Errorf("%w: %q (have %v)", ErrUnknown, name, c.Names())
	}
	return e.Run(v, d)
}

// Run computes the figure for the values (controls left out take their
// defaults) and the data. It returns an error for an unknown control, a
// NaN or infinite value, and for a panic of the code it runs (the message
// of the panic, e.g. the library's "optim: …" for a learning rate of 0):
// values outside a control's range are not rejected here (the sliders keep
// the reader inside it), so the library's own checks apply. Cost: that of
// the experiment; each explorable's file states it.
func (e *Explorable) Run(v Values, d Data) (fig *Figure, err error) {
	name := e.Name
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
	return e.Func(all, d), nil
}

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
