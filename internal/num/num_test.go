package num

import (
	"math"
	"strings"
	"testing"
)

func TestFitLogLog(t *testing.T) {
	x := []float64{1, 10, 100, 1000}
	y := make([]float64, len(x))
	for i := range x {
		y[i] = 3 * math.Pow(x[i], 2.5)
	}
	s, c, err := FitLogLog(x, y)
	if err != nil || math.Abs(s-2.5) > 1e-12 || math.Abs(c-math.Log10(3)) > 1e-12 {
		t.Fatalf("FitLogLog = %v, %v, %v; want 2.5, log10 3, nil", s, c, err)
	}
	bad := []struct {
		name string
		x, y []float64
		want string
	}{
		{"length", []float64{1, 2}, []float64{1}, "2 x values but 1 y"},
		{"one point", []float64{1}, []float64{1}, "need at least 2"},
		{"zero", []float64{1, 2}, []float64{0, 1}, "point 0"},
		{"negative x", []float64{1, -2}, []float64{1, 1}, "point 1"},
		{"NaN", []float64{1, 2}, []float64{1, math.NaN()}, "point 1"},
		{"Inf", []float64{math.Inf(1), 2}, []float64{1, 1}, "point 0"},
		{"equal x", []float64{3, 3}, []float64{1, 2}, "two distinct"},
	}
	for _, b := range bad {
		if _, _, err := FitLogLog(b.x, b.y); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err = %v, want one containing %q", b.name, err, b.want)
		}
	}
}

func TestFirstNonFinite(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want int
	}{
		{nil, -1}, {[]float64{1, 2}, -1}, {[]float64{1, math.NaN()}, 1},
		{[]float64{math.Inf(-1)}, 0}, {[]float64{0, 1e308, math.Inf(1)}, 2},
	} {
		if got := FirstNonFinite(c.v); got != c.want {
			t.Errorf("FirstNonFinite(%v) = %d, want %d", c.v, got, c.want)
		}
	}
	if Finite(math.NaN()) || Finite(math.Inf(1)) || !Finite(-1e308) {
		t.Error("Finite is wrong")
	}
}
