package secondorder

import (
	"math"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
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

func TestAssembleKernelHessianIsSPD(t *testing.T) {
	h := mat.NewSymDense(50, nil)
	AssembleKernelHessian(h)
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		t.Fatal("kernel Hessian not positive definite")
	}
	if h.At(3, 7) != 0.2 || h.At(7, 3) != 0.2 || h.At(4, 4) != 51 {
		t.Errorf("entries %g %g %g", h.At(3, 7), h.At(7, 3), h.At(4, 4))
	}
}

// A small, fast measurement: the shape of the result, not the timings
// (which are for benchmarks).
func TestMeasureCostShape(t *testing.T) {
	dims := []int{50, 100, 200, 20000}
	rows := MeasureCost(dims, CostSettings{MaxDense: 200, Memory: 10, MinTime: time.Millisecond})
	if len(rows) != len(dims) {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r.HessianBytes != 8*float64(r.D)*float64(r.D) || r.LBFGSBytes != 160*float64(r.D) {
			t.Errorf("d=%d memory %g %g", r.D, r.HessianBytes, r.LBFGSBytes)
		}
		dense := r.D <= 200
		if dense != (r.Factor > 0 && r.Solve > 0 && r.Assemble > 0) || r.TwoLoop <= 0 || r.CGIter <= 0 {
			t.Errorf("d=%d timings %+v", r.D, r)
		}
	}
	fit := FitCost(rows)
	ext := Extrapolate(fit, 10, []float64{1e7, 1e8, 1e9})
	if ext[2].HessianBytes != 8e18 || ext[2].LBFGSBytes != 1.6e11 {
		t.Errorf("memory at 1e9: %g %g", ext[2].HessianBytes, ext[2].LBFGSBytes)
	}
	if !(ext[1].NewtonSeconds > 900*ext[0].NewtonSeconds) {
		t.Errorf("Newton time should grow ~d³: %g → %g", ext[0].NewtonSeconds, ext[1].NewtonSeconds)
	}
	t.Log("\n" + CostMarkdown(rows, fit, ext))
	mustPanic(t, "d < 2", func() { MeasureCost([]int{1}, CostSettings{}) })
}

func TestFormat(t *testing.T) {
	if got := FormatBytes(8e18); got != "8 EB" {
		t.Errorf("FormatBytes(8e18) = %q", got)
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
