package viz

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/contour"
)

// DefaultGrid is the number of grid points per side used for contours.
const DefaultGrid = 60

// DefaultLevels is the number of contour levels drawn when none are given.
const DefaultLevels = 12

// contourSeries evaluates f on an n×n grid over box and returns one
// ContourKind series per level, polylines separated by NaN.
func contourSeries(f func(x, y float64) float64, box [4]float64, n int, levels []float64) []Series {
	s, _ := contourSeriesOf(func(xs, ys []float64) ([][]float64, error) { return evalGrid(f, xs, ys), nil }, box, n, levels)
	return s
}

// evalGrid returns z[j][i] = f(xs[i], ys[j]).
func evalGrid(f func(x, y float64) float64, xs, ys []float64) [][]float64 {
	z := make([][]float64, len(ys))
	for j, y := range ys {
		z[j] = make([]float64, len(xs))
		for i, x := range xs {
			z[j][i] = f(x, y)
		}
	}
	return z
}

// contourSeriesOf is contourSeries with the function's values on the grid
// given by grid, which returns z[j][i] = f(xs[i], ys[j]).
func contourSeriesOf(grid func(xs, ys []float64) ([][]float64, error), box [4]float64, n int, levels []float64) ([]Series, error) {
	if n <= 1 {
		n = DefaultGrid
	}
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		t := float64(i) / float64(n-1)
		xs[i] = box[0] + t*(box[1]-box[0])
		ys[i] = box[2] + t*(box[3]-box[2])
	}
	z, err := grid(xs, ys)
	if err != nil {
		return nil, err
	}
	if len(z) != n {
		return nil, fmt.Errorf("contour grid has %d rows, want %d", len(z), n)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range z {
		if len(row) != n {
			return nil, fmt.Errorf("contour grid row has %d values, want %d", len(row), n)
		}
		for _, v := range row {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if len(levels) == 0 {
		levels = autoLevels(lo, hi, DefaultLevels)
	}
	g := contour.Grid{NX: n, NY: n, Z: make([]float64, 0, n*n)}
	for _, row := range z {
		g.Z = append(g.Z, row...)
	}
	at := contour.OnAxes(xs, ys)
	var out []Series
	for _, l := range levels {
		x, y := g.Lines(l, at)
		if len(x) == 0 {
			continue
		}
		out = append(out, Series{Name: fmt.Sprintf("f = %.3g", l), Kind: ContourKind, X: x, Y: y, NoLegend: true})
	}
	return out, nil
}

// autoLevels spaces k levels evenly in log(f − lo + 1) over (lo, hi).
func autoLevels(lo, hi float64, k int) []float64 {
	if !(lo < hi) {
		return nil
	}
	top := math.Log1p(hi - lo)
	ls := make([]float64, k)
	for i := range ls {
		ls[i] = lo + math.Expm1(top*float64(i+1)/float64(k+1))
	}
	return ls
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
