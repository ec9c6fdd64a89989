// Package contour traces the level sets of a function sampled on a
// rectangular lattice, by marching squares: the one implementation behind
// lib/viz's contour lines and lib/explore's.
//
// A Grid holds the samples; Lines returns the level set {z = level} as
// polylines, each point a Crossing of a lattice edge that the caller maps
// to the plane (OnAxes for a lattice of given coordinates). The polylines
// come in a fixed order (lines with two ends first, then closed loops,
// each started from its lowest edge, horizontal edges before vertical
// ones, rows bottom up), so the same samples give the same bytes.
package contour

import "math"

// Grid holds a function's values on a lattice of NX × NY nodes:
// Z[j*NX+i] is the value at node (i, j), i along x, j along y.
type Grid struct {
	NX, NY int
	Z      []float64
}

// Crossing is a point of a level line: on the lattice edge from node
// (I, J) to node (I+1, J), or to (I, J+1) when Up, at fraction T ∈ [0, 1]
// of the way (linear interpolation of the two values).
type Crossing struct {
	I, J int
	Up   bool
	T    float64
}

// OnAxes maps a crossing of a lattice whose node (i, j) sits at
// (xs[i], ys[j]) to the plane: x = xs[I] + T·(xs[I+1] − xs[I]) along a
// horizontal edge, likewise y along a vertical one.
func OnAxes(xs, ys []float64) func(Crossing) (x, y float64) {
	return func(c Crossing) (float64, float64) {
		if c.Up {
			return xs[c.I], ys[c.J] + c.T*(ys[c.J+1]-ys[c.J])
		}
		return xs[c.I] + c.T*(xs[c.I+1]-xs[c.I]), ys[c.J]
	}
}

// Lines returns the level set {z = level} as polylines through the points
// at maps the crossings to, separated by NaN in xs and ys (nothing when
// the level is not crossed). A node is above the level when its value is
// > level (a node exactly on it counts as below); a cell with a NaN or infinite corner is skipped; a saddle cell
// (two opposite corners above, two below) is split by the mean of its
// corners. A closed line ends at its first point. Cost O(NX·NY) time and
// memory.
func (g *Grid) Lines(level float64, at func(Crossing) (x, y float64)) (xs, ys []float64) {
	nx, ny := g.NX, g.NY
	if nx < 2 || ny < 2 || len(g.Z) < nx*ny {
		return nil, nil
	}
	// A crossing is named by its edge: horizontal edge (i, j)–(i+1, j) is
	// j*(nx−1)+i, vertical edge (i, j)–(i, j+1) is h + j*nx+i.
	h := (nx - 1) * ny
	total := h + nx*(ny-1)
	adj := make([][2]int32, total) // the crossing's neighbours on its line
	deg := make([]uint8, total)    // 0, 1 or 2: an edge borders two cells
	link := func(a, b int) {
		adj[a][deg[a]] = int32(b)
		deg[a]++
		adj[b][deg[b]] = int32(a)
		deg[b]++
	}
	z := g.Z
	for j := 0; j+1 < ny; j++ {
		for i := 0; i+1 < nx; i++ {
			v0, v1, v2, v3 := z[j*nx+i], z[j*nx+i+1], z[(j+1)*nx+i+1], z[(j+1)*nx+i] // counterclockwise from (i, j)
			if !finite(v0) || !finite(v1) || !finite(v2) || !finite(v3) {
				continue
			}
			a0, a1, a2, a3 := v0 > level, v1 > level, v2 > level, v3 > level
			bottom, right, top, left := j*(nx-1)+i, h+j*nx+i+1, (j+1)*(nx-1)+i, h+j*nx+i
			var es [4]int
			n := 0
			if a0 != a1 {
				es[n], n = bottom, n+1
			}
			if a1 != a2 {
				es[n], n = right, n+1
			}
			if a2 != a3 {
				es[n], n = top, n+1
			}
			if a3 != a0 {
				es[n], n = left, n+1
			}
			switch n {
			case 2:
				link(es[0], es[1])
			case 4: // a saddle: the centre joins the corners on its side
				if ((v0+v1+v2+v3)/4 > level) == a0 {
					link(bottom, right)
					link(top, left)
				} else {
					link(bottom, left)
					link(right, top)
				}
			}
		}
	}
	point := func(e int) (float64, float64) {
		var c Crossing
		var a, b float64
		if e < h {
			c.J, c.I = e/(nx-1), e%(nx-1)
			a, b = z[c.J*nx+c.I], z[c.J*nx+c.I+1]
		} else {
			c.Up = true
			c.J, c.I = (e-h)/nx, (e-h)%nx
			a, b = z[c.J*nx+c.I], z[(c.J+1)*nx+c.I]
		}
		c.T = (level - a) / (b - a)
		return at(c)
	}
	seen := make([]bool, total)
	walk := func(start int) {
		if len(xs) > 0 {
			xs, ys = append(xs, math.NaN()), append(ys, math.NaN())
		}
		prev, cur := -1, start
		for {
			seen[cur] = true
			x, y := point(cur)
			xs, ys = append(xs, x), append(ys, y)
			next := -1
			for _, nb := range adj[cur][:deg[cur]] {
				if int(nb) != prev && !seen[nb] {
					next = int(nb)
					break
				}
			}
			if next < 0 {
				for _, nb := range adj[cur][:deg[cur]] {
					if int(nb) == start && int(nb) != prev && deg[start] == 2 {
						x, y := point(start) // close the loop
						xs, ys = append(xs, x), append(ys, y)
						break
					}
				}
				return
			}
			prev, cur = cur, next
		}
	}
	for e := range total { // lines with ends, from their lower end
		if deg[e] == 1 && !seen[e] {
			walk(e)
		}
	}
	for e := range total { // closed loops
		if deg[e] == 2 && !seen[e] {
			walk(e)
		}
	}
	return xs, ys
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
