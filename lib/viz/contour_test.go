package viz

import (
	"math"
	"testing"
)

func TestContoursCircle(t *testing.T) {
	// The level-1 contour of x²+y² is the unit circle: every vertex is on it
	// (to grid accuracy) and the polyline closes.
	s := contourSeries(func(x, y float64) float64 { return x*x + y*y }, [4]float64{-2, 2, -2, 2}, 81, []float64{1})
	if len(s) != 1 {
		t.Fatalf("got %d series, want 1", len(s))
	}
	xs, ys := s[0].X, s[0].Y
	for i := range xs {
		if math.IsNaN(xs[i]) {
			t.Fatalf("circle split into several polylines at %d", i)
		}
		if r := math.Hypot(xs[i], ys[i]); math.Abs(r-1) > 0.01 {
			t.Fatalf("vertex %d at radius %v", i, r)
		}
	}
	if n := len(xs); xs[0] != xs[n-1] || ys[0] != ys[n-1] {
		t.Error("circle not closed")
	}
}
