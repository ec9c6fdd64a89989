package viz

import (
	"fmt"
	"math"
	"slices"
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
	var out []Series
	for _, l := range levels {
		x, y := contourLines(xs, ys, z, l)
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

// contourLines runs marching squares for level l on the grid z[j][i] at
// (xs[i], ys[j]) and joins the segments into polylines, returned as x and
// y slices with NaN between polylines. Cost O(len(xs)·len(ys)).
func contourLines(xs, ys []float64, z [][]float64, l float64) (x, y []float64) {
	nx, ny := len(xs), len(ys)
	// Edge ids: horizontal edge (i,j)-(i+1,j) is j*nx+i; vertical edge
	// (i,j)-(i,j+1) is nx*ny + j*nx+i.
	hEdge := func(i, j int) int { return j*nx + i }
	vEdge := func(i, j int) int { return nx*ny + j*nx + i }
	point := map[int]pt{}
	adj := map[int][]int{}
	cross := func(id, i0, j0, i1, j1 int) bool {
		a, b := z[j0][i0], z[j1][i1]
		if (a >= l) == (b >= l) {
			return false
		}
		if _, ok := point[id]; !ok {
			t := (l - a) / (b - a)
			point[id] = pt{xs[i0] + t*(xs[i1]-xs[i0]), ys[j0] + t*(ys[j1]-ys[j0])}
		}
		return true
	}
	link := func(a, b int) {
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	for j := 0; j+1 < ny; j++ {
		for i := 0; i+1 < nx; i++ {
			if !finite(z[j][i]) || !finite(z[j][i+1]) || !finite(z[j+1][i]) || !finite(z[j+1][i+1]) {
				continue
			}
			var es []int
			// Order around the cell: bottom, right, top, left.
			if id := hEdge(i, j); cross(id, i, j, i+1, j) {
				es = append(es, id)
			}
			if id := vEdge(i+1, j); cross(id, i+1, j, i+1, j+1) {
				es = append(es, id)
			}
			if id := hEdge(i, j+1); cross(id, i, j+1, i+1, j+1) {
				es = append(es, id)
			}
			if id := vEdge(i, j); cross(id, i, j, i, j+1) {
				es = append(es, id)
			}
			switch len(es) {
			case 2:
				link(es[0], es[1])
			case 4: // saddle: decide by the centre value
				centre := (z[j][i] + z[j][i+1] + z[j+1][i] + z[j+1][i+1]) / 4
				if (centre >= l) == (z[j][i] >= l) {
					link(es[0], es[1])
					link(es[2], es[3])
				} else {
					link(es[0], es[3])
					link(es[1], es[2])
				}
			}
		}
	}
	// Walk chains in increasing id order so the output is deterministic:
	// open chains (ends of degree 1) first, then closed loops.
	ids := make([]int, 0, len(adj))
	for id := range adj {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	seen := map[int]bool{}
	walk := func(start int) {
		if len(x) > 0 {
			x, y = append(x, math.NaN()), append(y, math.NaN())
		}
		prev, cur := -1, start
		for {
			seen[cur] = true
			q := point[cur]
			x, y = append(x, q.x), append(y, q.y)
			next := -1
			for _, nb := range adj[cur] {
				if nb != prev && !seen[nb] {
					next = nb
					break
				}
			}
			if next < 0 {
				// close a loop back to its start
				for _, nb := range adj[cur] {
					if nb == start && nb != prev && len(adj[start]) == 2 {
						q := point[start]
						x, y = append(x, q.x), append(y, q.y)
						break
					}
				}
				return
			}
			prev, cur = cur, next
		}
	}
	for _, id := range ids {
		if !seen[id] && len(adj[id]) == 1 {
			walk(id)
		}
	}
	for _, id := range ids {
		if !seen[id] {
			walk(id)
		}
	}
	return x, y
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

type pt struct{ x, y float64 }
