// Package vizrender is the protocol between a notebook cell and the chart
// helper, and the cell's side of it. lib/viz/nb hands each chart of a cell
// to the helper (cmd/vizrender, built by the project's setup into
// .tools/bin/descent-vizrender) with Call, so that the cell's program links
// only lib/viz's descriptions, not their drawing (lib/viz/draw: gonum/plot
// with all its backends, go-echarts, the fonts and the echarts bundle),
// which were half of what a chart cell cost to build (issue 21). The
// helper's side, which draws, is package server beside this one.
//
// The library never builds the helper: tools/setup.sh (make setup, which
// make notes, make lab and make test run first) and the course image do, and
// write beside it the stamp of the sources it was built from (SourceStamp).
// Call finds it ($DESCENT_VIZRENDER, then .tools/bin of the checkout this
// package was compiled from, then $PATH) and fails, naming `make setup`,
// when it is missing or was built from other sources than the cell's.
// Each Call starts it and waits for it, so no process outlives the cell and
// the helper's CPU time counts as the cell's.
//
// Request and Reply cross with encoding/gob over the helper's stdin and
// stdout. A chart's Contours functions stay in the cell: the helper asks
// for their values on the grid it needs (GridAsk), and the cell answers
// (GridAnswer), so the picture is the same bytes either way.
package vizrender

import "github.com/descentlab/descent/lib/viz"

// Version is the protocol's version: a Request carries it, and a helper
// that speaks another answers with an error naming make setup.
const Version = 2

// Request is one thing to draw: a chart (exactly one of Plot, Heat and
// Table) or, when Explore is set, the explorable of that name.
type Request struct {
	// Version is the asking program's protocol Version (Call sets it).
	Version int

	Plot  *viz.Plot
	Heat  *viz.HeatMaps
	Table *viz.Table
	// Config is the chart's HTML options.
	Config viz.HTMLConfig
	// Output is what to draw of the chart: "" for the fragment nb shows
	// and its id (lib/viz/draw's HTML and ID), or one of "html", "svg",
	// "png", "options", "id" and "loader" (EChartsLoader; no chart) for
	// lib/viz/draw's functions of the same names, in Bytes.
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
	// HTML is the fragment to display; ID names the chart (draw.ID).
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
// function of the plot being drawn (internal/vizstate's State.Grid).
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

// Message is what the helper writes: a GridAsk, or the Reply that ends
// the request.
type Message struct {
	Ask   *GridAsk
	Reply *Reply
}
