package explore

import (
	"math"
	"slices"
)

// grid samples f on an (n+1)×(n+1) lattice over box = [x0, x1, y0, y1].
type grid struct {
	box  [4]float64
	n    int
	vals []float64 // vals[j*(n+1)+i] = f(x_i, y_j)
}

func sample(f func(x, y float64) float64, box [4]float64, n int) *grid {
	g := &grid{box: box, n: n, vals: make([]float64, (n+1)*(n+1))}
	for j := 0; j <= n; j++ {
		y := box[2] + (box[3]-box[2])*float64(j)/float64(n)
		for i := 0; i <= n; i++ {
			g.vals[j*(n+1)+i] = f(box[0]+(box[1]-box[0])*float64(i)/float64(n), y)
		}
	}
	return g
}

func (g *grid) at(i, j int) float64 { return g.vals[j*(g.n+1)+i] }

// contour returns the level set {f = level} as polylines separated by NaN,
// by marching squares on the lattice (linear interpolation along cell
// edges; a saddle cell is split by the value at its centre). Segments are
// chained into polylines, so a closed curve is one run of points. Cells
// with a NaN corner are skipped. Cost O(n²).
func (g *grid) contour(level float64) (xs, ys []float64) {
	n := g.n
	// An edge point is named by its edge: horizontal edge (i,j)–(i+1,j) is
	// j*n+i; vertical edge (i,j)–(i,j+1) is n*(n+1) + j*(n+1)+i.
	hEdge := func(i, j int) int { return j*n + i }
	vEdge := func(i, j int) int { return n*(n+1) + j*(n+1) + i }
	link := map[int][]int{}
	add := func(a, b int) {
		link[a] = append(link[a], b)
		link[b] = append(link[b], a)
	}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			v0, v1, v2, v3 := g.at(i, j), g.at(i+1, j), g.at(i+1, j+1), g.at(i, j+1)
			if math.IsNaN(v0+v1+v2+v3) || math.IsInf(v0+v1+v2+v3, 0) {
				continue
			}
			c := 0
			if v0 > level {
				c |= 1
			}
			if v1 > level {
				c |= 2
			}
			if v2 > level {
				c |= 4
			}
			if v3 > level {
				c |= 8
			}
			bottom, right, top, left := hEdge(i, j), vEdge(i+1, j), hEdge(i, j+1), vEdge(i, j)
			switch c {
			case 1, 14:
				add(left, bottom)
			case 2, 13:
				add(bottom, right)
			case 3, 12:
				add(left, right)
			case 4, 11:
				add(right, top)
			case 6, 9:
				add(bottom, top)
			case 7, 8:
				add(left, top)
			case 5, 10:
				centre := (v0+v1+v2+v3)/4 > level
				if (c == 5) == centre {
					add(left, top)
					add(bottom, right)
				} else {
					add(left, bottom)
					add(right, top)
				}
			}
		}
	}
	point := func(e int) (float64, float64) {
		var i0, j0, i1, j1 int
		if e < n*(n+1) {
			j0, i0 = e/n, e%n
			i1, j1 = i0+1, j0
		} else {
			e -= n * (n + 1)
			j0, i0 = e/(n+1), e%(n+1)
			i1, j1 = i0, j0+1
		}
		a, b := g.at(i0, j0), g.at(i1, j1)
		t := 0.5
		if a != b {
			t = (level - a) / (b - a)
		}
		fi := float64(i0) + t*float64(i1-i0)
		fj := float64(j0) + t*float64(j1-j0)
		return g.box[0] + (g.box[1]-g.box[0])*fi/float64(n), g.box[2] + (g.box[3]-g.box[2])*fj/float64(n)
	}
	// Walk chains: start at ends (one link) first, then the closed loops.
	// Keys are visited in increasing order so the output is deterministic.
	keys := make([]int, 0, len(link))
	for k := range link {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	used := map[[2]int]bool{}
	edge := func(a, b int) [2]int {
		if a > b {
			a, b = b, a
		}
		return [2]int{a, b}
	}
	walk := func(start int) {
		cur := start
		x, y := point(cur)
		xs, ys = append(xs, x), append(ys, y)
		for {
			next := -1
			for _, nb := range link[cur] {
				if !used[edge(cur, nb)] {
					next = nb
					break
				}
			}
			if next < 0 {
				break
			}
			used[edge(cur, next)] = true
			cur = next
			x, y = point(cur)
			xs, ys = append(xs, x), append(ys, y)
		}
		xs, ys = append(xs, math.NaN()), append(ys, math.NaN())
	}
	for pass := 0; pass < 2; pass++ {
		for _, k := range keys {
			if pass == 0 && len(link[k]) != 1 {
				continue
			}
			for _, nb := range link[k] {
				if !used[edge(k, nb)] {
					walk(k)
					break
				}
			}
		}
	}
	if len(xs) > 0 { // drop the trailing separator
		xs, ys = xs[:len(xs)-1], ys[:len(ys)-1]
	}
	return xs, ys
}

// contours returns the level sets of all levels as one NaN-separated series.
func (g *grid) contours(levels ...float64) (xs, ys []float64) {
	for _, l := range levels {
		x, y := g.contour(l)
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
