// Package plotstate hands lib/viz/draw what a viz.Plot keeps unexported,
// so that the description package does not export its drawing's needs:
// lib/viz sets Of when it is initialised, and lib/viz/draw calls it.
package plotstate

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
}

// Line is one contour level: its name ("f = …") and polylines separated
// by NaN.
type Line struct {
	Name string
	X, Y []float64
}

// Of returns the state of p, a *viz.Plot. lib/viz sets it.
var Of func(p any) State
