// Package render draws what lib/viz/nb shows: a chart's HTML fragment, or
// an explorable's. Render does it in the calling program. Call has it done
// by a helper process (the vizrender command beside this package) and is
// what a notebook cell uses when built with the descentcell tag: the
// cell's program then does not link the renderers (gonum/plot with all
// its backends, go-echarts, the fonts and the echarts bundle), which were
// half of what a chart cell cost to build (issue 21).
//
// The helper is built from the same sources as the cell into
// $GONB_TMP_DIR, at the first chart of a kernel session and again after
// the library's sources change (a fingerprint of their sizes and times).
// Each Call starts it and waits for it, so no process outlives the cell
// and the helper's CPU time counts as the cell's.
// Request and Reply cross with encoding/gob over the helper's stdin and
// stdout. A chart's Contours functions stay in the cell: the helper asks
// for their values on the grid it needs (GridAsk), and the cell answers
// (GridAnswer), so the picture is the same bytes either way.
package render

import "github.com/descentlab/descent/lib/viz"

// Request is one thing to draw: a chart (exactly one of Plot, Heat and
// Table) or, when Explore is set, the explorable of that name.
type Request struct {
	Plot  *viz.Plot
	Heat  *viz.HeatMaps
	Table *viz.Table
	// Config is the chart's HTML options.
	Config viz.HTMLConfig
	// Output is what to draw of the chart: "" for the fragment nb shows
	// and its id (HTML and ID), or one of viz.CellDrawer's outputs
	// ("html", "svg", "png", "options", "id", "loader") for lib/viz's
	// functions of the same names, in Bytes.
	Output string

	Explore string
	Values  map[string]float64   // explore.Values
	Data    map[string][]float64 // explore.Data
	// Echarts puts the echarts loader before the explorable, Module the
	// loader of its WebAssembly module unless Sent lists the module.
	Echarts, Module bool
	Sent            []string

	// Looks is viz.Default's bindings (its JSON) in the asking program;
	// the helper draws with them and sends them back, grown.
	Looks []byte
}

// Chart returns the chart in r, or nil.
func (r *Request) Chart() viz.Chart {
	switch {
	case r.Plot != nil:
		return r.Plot
	case r.Heat != nil:
		return r.Heat
	case r.Table != nil:
		return r.Table
	}
	return nil
}

// ChartRequest returns the request that draws c with cfg.
func ChartRequest(c viz.Chart, cfg viz.HTMLConfig) Request {
	r := Request{Config: cfg}
	switch c := c.(type) {
	case *viz.Plot:
		r.Plot = c
	case *viz.HeatMaps:
		r.Heat = c
	case *viz.Table:
		r.Table = c
	}
	return r
}

// Reply is what was drawn.
type Reply struct {
	// HTML is the fragment to display; ID names the chart (viz.ID).
	HTML, ID string
	// Bytes is the drawing asked for by a Request's Output.
	Bytes []byte
	// Module reports that HTML carries the loader of the explorable's
	// module, ModuleName.
	Module     bool
	ModuleName string
	// Warning is a line for the cell's stderr (why an explorable is not
	// interactive).
	Warning string
	// Err is the drawing error's text; HTML is empty then.
	Err string
	// Looks is viz.Default's bindings after drawing (helper only).
	Looks []byte
}

// GridFunc returns z[b][a] = f(xs[a], ys[b]) for the i-th Contours
// function of the plot being drawn (viz.Plot.ContourGrid).
type GridFunc func(i int, xs, ys []float64) ([][]float64, error)

// GridAsk is the helper asking for the values of contour function I.
type GridAsk struct {
	I      int
	Xs, Ys []float64
}

// GridAnswer answers a GridAsk: Z, or Err's text.
type GridAnswer struct {
	Z   [][]float64
	Err string
}

// message is what the helper writes: a GridAsk, or the Reply that ends
// the request.
type message struct {
	Ask   *GridAsk
	Reply *Reply
}
