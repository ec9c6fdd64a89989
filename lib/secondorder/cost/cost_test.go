package cost

import (
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

func TestKernelHessianIsSPD(t *testing.T) {
	h := mat.NewSymDense(50, nil)
	assembleKernelHessian(h)
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
	rows := Measure(dims, Settings{MaxDense: 200, Memory: 10, MinTime: time.Millisecond})
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
	fit := FitRows(rows)
	ext := Extrapolate(fit, 10, []float64{1e7, 1e8, 1e9})
	if ext[2].HessianBytes != 8e18 || ext[2].LBFGSBytes != 1.6e11 {
		t.Errorf("memory at 1e9: %g %g", ext[2].HessianBytes, ext[2].LBFGSBytes)
	}
	if !(ext[1].NewtonSeconds > 900*ext[0].NewtonSeconds) {
		t.Errorf("Newton time should grow ~d³: %g → %g", ext[0].NewtonSeconds, ext[1].NewtonSeconds)
	}
	t.Log("\n" + costMarkdown(rows, fit, ext))
	mustPanic(t, "d < 2", func() { Measure([]int{1}, Settings{Memory: 10}) })
	mustPanic(t, "memory 0", func() { Measure([]int{4}, Settings{}) })
}

// mustPanic checks that f panics with a message that starts with "cost:".
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if s, ok := recover().(string); !ok || !strings.HasPrefix(s, "cost:") {
			t.Errorf("%s: panic %q does not start with \"cost:\"", what, s)
		}
	}()
	f()
}
