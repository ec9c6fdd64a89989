package contour

import (
	"math"
	"slices"
)

// lib/explore/contour.go as of 8916863.
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

// lib/viz/contour.go (contourLines) as of 8916863.
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
			if !isFinite(z[j][i]) || !isFinite(z[j][i+1]) || !isFinite(z[j+1][i]) || !isFinite(z[j+1][i+1]) {
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

type pt struct{ x, y float64 }

func isFinite(v float64) bool { return finite(v) }
