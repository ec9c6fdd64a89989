package measure

import (
	"math"
	"testing"
)

func TestFitLogLog(t *testing.T) {
	xs := []float64{10, 100, 1000, 10000}
	ys := make([]float64, len(xs))
	for i, x := range xs {
		ys[i] = 3e-9 * math.Pow(x, 2.7)
	}
	s, c, err := FitLogLog(xs, ys)
	if err != nil || math.Abs(s-2.7) > 1e-12 || math.Abs(c-math.Log10(3e-9)) > 1e-12 {
		t.Errorf("slope %g intercept %g err %v", s, c, err)
	}
	for _, bad := range [][2][]float64{{{1, 2}, {1}}, {{1, 2}, {0, 1}}, {{2, 2}, {1, 3}}} {
		if _, _, err := FitLogLog(bad[0], bad[1]); err == nil {
			t.Errorf("FitLogLog(%v, %v): no error", bad[0], bad[1])
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		bytes float64
		want  string
	}{{512, "512 B"}, {8e10, "80 GB"}, {8e18, "8 EB"}, {8e21, "8e+03 EB"}} {
		if got := FormatBytes(c.bytes); got != c.want {
			t.Errorf("FormatBytes(%g) = %q, want %q", c.bytes, got, c.want)
		}
	}
	for _, c := range []struct {
		seconds float64
		want    string
	}{{2e-6, "2 µs"}, {0.25, "250 ms"}, {90, "90 s"}, {600, "10 min"}, {36000, "10 h"}, {5 * 86400, "5 days"}} {
		if got := FormatSeconds(c.seconds); got != c.want {
			t.Errorf("FormatSeconds(%g) = %q, want %q", c.seconds, got, c.want)
		}
	}
	for _, c := range []struct {
		years float64
		want  string
	}{{3, "3 years"}, {2512.4, "2510 years"}, {4.567e9, "4.57×10⁹ years"}, {9.996e8, "1×10⁹ years"}} {
		if got := FormatSeconds(c.years * 365.25 * 86400); got != c.want {
			t.Errorf("FormatSeconds(%g years) = %q, want %q", c.years, got, c.want)
		}
	}
}
