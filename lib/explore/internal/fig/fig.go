// Package fig holds what the explorables of every module (lib/explore's
// firstorder, secondorder and compression) put in their figures: a run's
// failure message, the drawable part of a path, evenly spaced points, the grey of context lines and contour lines of a sampled
// function (internal/contour).
package fig

import (
	"errors"
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/contour"
	"github.com/descentlab/descent/lib/optim"
)

// Gray is the colour of context lines (lib/viz.Gray).
const Gray = "#9A9A9A"

// Failure is the message a panel shows for a run that ended in trouble
// ("diverged at step 12"), or "" for a run that did not.
func Failure(r optim.Result) string {
	if !r.Status.Failed() {
		return ""
	}
	step := r.Stats.Iterations
	var ne *optim.NumericalError
	if errors.As(r.Err, &ne) {
		step = ne.Step
	}
	switch r.Status {
	case optim.Diverged:
		return fmt.Sprintf("diverged at step %d", step)
	case optim.NonFinite:
		return fmt.Sprintf("NaN or ∞ at step %d", step)
	}
	return fmt.Sprintf("%v at step %d", r.Status, step)
}

// Finite keeps the leading points of a path whose coordinates are all
// finite and, on a log axis (logY), whose y is > 0: what a chart can draw.
func Finite(xs, ys []float64, logY bool) ([]float64, []float64) {
	n := min(len(xs), len(ys))
	for i := 0; i < n; i++ {
		if Bad(xs[i]) || Bad(ys[i]) || (logY && !(ys[i] > 0)) {
			return xs[:i], ys[:i]
		}
	}
	return xs[:n], ys[:n]
}

// Bad reports whether v is NaN or ±Inf.
func Bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// Linspace returns n points from lo to hi inclusive.
func Linspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}

// Grid is a function sampled on an (n+1)×(n+1) lattice over a box
// [x0, x1, y0, y1].
type Grid struct {
	box [4]float64
	n   int
	g   contour.Grid
}

// Sample samples f on an (n+1)×(n+1) lattice over box = [x0, x1, y0, y1].
// Cost: (n+1)² calls of f.
func Sample(f func(x, y float64) float64, box [4]float64, n int) *Grid {
	g := &Grid{box: box, n: n, g: contour.Grid{NX: n + 1, NY: n + 1, Z: make([]float64, (n+1)*(n+1))}}
	for j := 0; j <= n; j++ {
		y := box[2] + (box[3]-box[2])*float64(j)/float64(n)
		for i := 0; i <= n; i++ {
			g.g.Z[j*(n+1)+i] = f(box[0]+(box[1]-box[0])*float64(i)/float64(n), y)
		}
	}
	return g
}

// at maps a crossing to the box from its lattice coordinates.
func (g *Grid) at(c contour.Crossing) (float64, float64) {
	fi, fj := float64(c.I), float64(c.J)
	if c.Up {
		fj += c.T
	} else {
		fi += c.T
	}
	return g.box[0] + (g.box[1]-g.box[0])*fi/float64(g.n), g.box[2] + (g.box[3]-g.box[2])*fj/float64(g.n)
}

// Contour returns the level set {f = level} as polylines separated by NaN
// (contour.Grid.Lines). Cost O(n²).
func (g *Grid) Contour(level float64) (xs, ys []float64) { return g.g.Lines(level, g.at) }

// Contours returns the level sets of all levels as one NaN-separated series.
func (g *Grid) Contours(levels ...float64) (xs, ys []float64) {
	for _, l := range levels {
		x, y := g.Contour(l)
		if len(x) == 0 {
			continue
		}
		if len(xs) > 0 {
			xs, ys = append(xs, math.NaN()), append(ys, math.NaN())
		}
		xs, ys = append(xs, x...), append(ys, y...)
	}
	return xs, ys
}
