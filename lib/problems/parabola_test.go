package problems

import "testing"

func TestParabolaName(t *testing.T) {
	for _, c := range []struct {
		a, b, c float64
		want    string
	}{
		{1, -4, 5, "x² − 4x + 5"},
		{2, 1, 0, "2x² + x"},
		{0.5, 0, -1.5, "0.5x² − 1.5"},
	} {
		if got := Parabola(c.a, c.b, c.c).Name; got != c.want {
			t.Errorf("Parabola(%g, %g, %g).Name = %q, want %q", c.a, c.b, c.c, got, c.want)
		}
	}
}
