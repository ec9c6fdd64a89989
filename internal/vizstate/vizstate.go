// Package vizstate hands what a viz.Plot keeps unexported to the code of
// this repository that draws it (lib/viz/draw) or carries it to the chart
// helper (lib/viz/nb, internal/vizrender), so that lib/viz does not export
// that plumbing: lib/viz sets Of and SetGrid when it is initialised.
package vizstate

// State is what a Plot holds besides its exported fields.
type State struct {
	// Err is the bad input a constructor saw, reported when drawn.
	Err error
	// Paths[i] says that Series[i] was added by Plot.Path.
	Paths []bool
	// Boxes holds the box of each Contours call, in order.
	Boxes [][4]float64
	// Lines returns the contour lines of the i-th Contours call over box
	// (its grid size and levels, its function or, for a decoded plot, the
	// values ContoursFrom supplies), one per level.
	Lines func(i int, box [4]float64) ([]Line, error)
	// Grid returns z[b][a] = f(xs[a], ys[b]) for the function of the i-th
	// Contours call: the cell's answer to the helper, which has the plot
	// without its functions. Cost len(xs)·len(ys) evaluations.
	Grid func(i int, xs, ys []float64) ([][]float64, error)
}

// Line is one contour level: its name ("f = …") and polylines separated
// by NaN.
type Line struct {
	Name string
	X, Y []float64
}

// Of returns the state of p, a *viz.Plot. lib/viz sets it.
var Of func(p any) State

// SetGrid makes p, a *viz.Plot decoded without its contour functions, get
// their values from grid (which answers as State.Grid does) when it is
// drawn. lib/viz sets it.
var SetGrid func(p any, grid func(i int, xs, ys []float64) ([][]float64, error))
