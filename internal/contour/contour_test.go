package contour

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// same reports whether two NaN-separated series are the same numbers, bit
// for bit (NaN equal to NaN).
func same(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	})
}

// lattice samples f on nx × ny nodes at xs × ys.
func lattice(f func(x, y float64) float64, xs, ys []float64) *Grid {
	g := &Grid{NX: len(xs), NY: len(ys), Z: make([]float64, len(xs)*len(ys))}
	for j, y := range ys {
		for i, x := range xs {
			g.Z[j*len(xs)+i] = f(x, y)
		}
	}
	return g
}

func axis(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}

// TestCircle: the level set x² + y² = 1 is one closed polyline on the
// circle, up to the interpolation error of the lattice; two levels are two
// loops with one separator.
func TestCircle(t *testing.T) {
	ax := axis(-2, 2, 41)
	g := lattice(func(x, y float64) float64 { return x*x + y*y }, ax, ax)
	xs, ys := g.Lines(1, OnAxes(ax, ax))
	if len(xs) < 20 {
		t.Fatalf("%d points", len(xs))
	}
	for i := range xs {
		if math.IsNaN(xs[i]) {
			t.Fatalf("a separator at %d: the circle is not one polyline", i)
		}
		if r := math.Hypot(xs[i], ys[i]); math.Abs(r-1) > 0.01 {
			t.Errorf("point %d at radius %g", i, r)
		}
	}
	if xs[0] != xs[len(xs)-1] || ys[0] != ys[len(ys)-1] {
		t.Errorf("not closed: (%g, %g) … (%g, %g)", xs[0], ys[0], xs[len(xs)-1], ys[len(ys)-1])
	}
	if xs, _ := g.Lines(5, OnAxes(ax, ax)); len(xs) == 0 || !math.IsNaN(xs[0]) && func() bool {
		n := 0
		for _, x := range xs {
			if math.IsNaN(x) {
				n++
			}
		}
		return n != 3 // the corners' four arcs
	}() {
		t.Errorf("level 5 cut by the box: %d points", len(xs))
	}
	if xs, _ := g.Lines(100, OnAxes(ax, ax)); xs != nil {
		t.Errorf("a level above every value has %d points", len(xs))
	}
}

// TestSkipsNonFinite: a cell with a NaN or infinite corner draws nothing.
func TestSkipsNonFinite(t *testing.T) {
	ax := axis(0, 1, 3)
	g := lattice(func(x, y float64) float64 { return x }, ax, ax)
	g.Z[4] = math.NaN() // the centre node: every cell has it
	if xs, _ := g.Lines(0.25, OnAxes(ax, ax)); xs != nil {
		t.Errorf("%v", xs)
	}
}

// The two implementations this package replaced (old_test.go), kept to
// show that it draws the same numbers: lib/explore's on every lattice, and
// lib/viz's wherever no node sits exactly on the level (lib/viz counted
// such a node above the level, lib/explore and this package below: the
// explorable "momentum" has one at its default setting, at α = 0.01, ρ = 0).
func TestSameAsBefore(t *testing.T) {
	rosen := func(x, y float64) float64 { return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x) }
	bowl := func(x, y float64) float64 { return 0.5*x*x + 5*y*y + 0.3*x*y }
	r := rand.New(rand.NewPCG(1, 2))
	bumps := func(x, y float64) float64 {
		return math.Sin(3*x)*math.Cos(2*y) + 0.3*math.Sin(7*x*y)
	}
	cases := []struct {
		name   string
		f      func(x, y float64) float64
		box    [4]float64
		n      int
		levels []float64
	}{
		{"rosenbrock", rosen, [4]float64{-2, 2, -1, 3}, 80, []float64{0.1, 0.5, 2, 8, 32, 128, 512, 2048, 8192}},
		{"bowl", bowl, [4]float64{-3, 3, -2, 2}, 60, []float64{4, 1, 0.25, 1.0 / 16, 1.0 / 64}},
		{"bumps", bumps, [4]float64{-2, 2, -2, 2}, 40, []float64{-0.9, -0.5, -0.1, 0.05, 0.33, 0.7}},
		{"saddles", func(x, y float64) float64 { return math.Sin(5*x) * math.Sin(5*y) }, [4]float64{-1, 1.3, -1.1, 1}, 33, []float64{-0.5, 0.01, 0.5}},
		{"ties", func(x, y float64) float64 { return math.Round(4*x) + math.Round(4*y) }, [4]float64{-1, 1, -1, 1}, 9, []float64{0, 1, 0.5}},
		{"holes", func(x, y float64) float64 {
			if x*x+y*y < 0.3 {
				return math.NaN()
			}
			return x*x - y
		}, [4]float64{-1, 1, -1, 1}, 30, []float64{-0.5, 0.1, 0.6}},
	}
	for range 20 {
		a, b, c := r.Float64()*4-2, r.Float64()*4-2, r.Float64()*4-2
		cases = append(cases, struct {
			name   string
			f      func(x, y float64) float64
			box    [4]float64
			n      int
			levels []float64
		}{"random", func(x, y float64) float64 { return math.Sin(a*x+b*y) + math.Cos(c*x*y) + 0.1*x }, [4]float64{-2, 2, -2, 2}, 10 + r.IntN(50), []float64{-1.3, -0.2, 0.4, 1.1}})
	}
	for _, c := range cases {
		// lib/viz: n nodes per side.
		xs, ys := axis(c.box[0], c.box[1], c.n), axis(c.box[2], c.box[3], c.n)
		z := make([][]float64, c.n)
		for j := range z {
			z[j] = make([]float64, c.n)
			for i := range z[j] {
				z[j][i] = c.f(xs[i], ys[j])
			}
		}
		g := lattice(c.f, xs, ys)
		for _, l := range c.levels {
			if slices.Contains(g.Z, l) {
				continue
			}
			wx, wy := contourLines(xs, ys, z, l)
			gx, gy := g.Lines(l, OnAxes(xs, ys))
			if !same(gx, wx) || !same(gy, wy) {
				t.Errorf("%s, level %g: lib/viz's lines differ (%d points, want %d)", c.name, l, len(gx), len(wx))
			}
		}
		// lib/explore: n+1 nodes per side, coordinates from the index.
		old := sample(c.f, c.box, c.n)
		n := c.n
		g = &Grid{NX: n + 1, NY: n + 1, Z: old.vals}
		at := func(k Crossing) (float64, float64) {
			fi, fj := float64(k.I), float64(k.J)
			if k.Up {
				fj += k.T
			} else {
				fi += k.T
			}
			return c.box[0] + (c.box[1]-c.box[0])*fi/float64(n), c.box[2] + (c.box[3]-c.box[2])*fj/float64(n)
		}
		for _, l := range c.levels {
			wx, wy := old.contour(l)
			gx, gy := g.Lines(l, at)
			if !same(gx, wx) || !same(gy, wy) {
				t.Errorf("%s, level %g: lib/explore's lines differ (%d points, want %d)", c.name, l, len(gx), len(wx))
			}
		}
	}
}
