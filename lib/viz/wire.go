package viz

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
)

// A Plot crosses a process boundary with encoding/gob: lib/viz/nb hands
// the charts of a notebook cell to a helper process that draws them, so
// that the cell's program does not link the renderers (see doc.go).
// Everything a renderer reads crosses except the functions given to
// Contours, which stay in the program that made the plot: the drawing
// process asks for their values on the grid it needs (the Grid and
// SetGrid of internal/vizstate).

// wirePlot is a Plot with its unexported state made explicit.
type wirePlot struct {
	Title         string
	X, Y          Axis
	Width, Height int
	EqualAxes     bool
	Series        []Series
	Paths         []bool // Series[i] was added by Path
	Notes         []string
	Err           string // a constructor's error, when HasErr
	HasErr        bool
	Contours      []wireContour
}

// wireContour is a Contours call without its function.
type wireContour struct {
	Box    [4]float64
	N      int
	Levels []float64
}

// GobEncode writes p, including an error recorded by a constructor (as
// text) and each Contours call's box, grid size and levels, but not its
// function.
func (p *Plot) GobEncode() ([]byte, error) {
	w := wirePlot{Title: p.Title, X: p.X, Y: p.Y, Width: p.Width, Height: p.Height,
		EqualAxes: p.EqualAxes, Series: p.Series, Notes: p.Notes}
	w.Paths = make([]bool, len(p.Series))
	for i, s := range p.Series {
		w.Paths[i] = s.path
	}
	if p.err != nil {
		w.Err, w.HasErr = p.err.Error(), true
	}
	for _, c := range p.contours {
		w.Contours = append(w.Contours, wireContour{Box: c.box, N: c.n, Levels: c.levels})
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(w); err != nil {
		return nil, fmt.Errorf("viz: encoding plot %q: %w", p.Title, err)
	}
	return b.Bytes(), nil
}

// GobDecode reads a plot written by GobEncode. Its contours have no
// function: drawing it fails unless internal/vizstate's SetGrid supplies
// their values.
func (p *Plot) GobDecode(b []byte) error {
	var w wirePlot
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&w); err != nil {
		return fmt.Errorf("viz: decoding plot: %w", err)
	}
	if len(w.Paths) != len(w.Series) {
		return fmt.Errorf("viz: decoding plot %q: %d path flags for %d series", w.Title, len(w.Paths), len(w.Series))
	}
	*p = Plot{Title: w.Title, X: w.X, Y: w.Y, Width: w.Width, Height: w.Height,
		EqualAxes: w.EqualAxes, Series: w.Series, Notes: w.Notes}
	for i := range p.Series {
		p.Series[i].path = w.Paths[i]
	}
	if w.HasErr {
		p.err = errors.New(w.Err)
	}
	for _, c := range w.Contours {
		p.contours = append(p.contours, contourSpec{box: c.Box, n: c.N, levels: c.Levels})
	}
	return nil
}

// contourValues evaluates the function of p's i-th Contours call on a grid:
// z[b][a] = f(xs[a], ys[b]). It is the answer to a drawing process that
// has p without its functions. Cost len(xs)·len(ys) evaluations.
func (p *Plot) contourValues(i int, xs, ys []float64) ([][]float64, error) {
	if i < 0 || i >= len(p.contours) {
		return nil, fmt.Errorf("viz: plot %q has %d contour functions, asked for number %d", p.Title, len(p.contours), i)
	}
	if p.contours[i].f == nil {
		return nil, fmt.Errorf("viz: plot %q: contour function %d did not cross the process boundary", p.Title, i)
	}
	return evalGrid(p.contours[i].f, xs, ys), nil
}

// contourGrid is the values of the i-th contour function on xs × ys:
// computed here when the function is here, else asked of gridSource.
func (p *Plot) contourGrid(i int, xs, ys []float64) ([][]float64, error) {
	if p.contours[i].f == nil && p.gridSource != nil {
		return p.gridSource(i, xs, ys)
	}
	return p.contourValues(i, xs, ys)
}
