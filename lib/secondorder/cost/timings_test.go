package cost

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/num"
)

func TestTimings(t *testing.T) {
	rows := []Row{
		{D: 10, Assemble: 1 * time.Millisecond, Factor: 2 * time.Millisecond, Solve: 3 * time.Millisecond,
			TwoLoop: 4 * time.Microsecond, CGIter: 5 * time.Microsecond},
		{D: 20, Assemble: 6 * time.Millisecond, Factor: 7 * time.Millisecond, Solve: 8 * time.Millisecond,
			TwoLoop: 9 * time.Microsecond, CGIter: 10 * time.Microsecond},
		{D: 1000, TwoLoop: 11 * time.Microsecond, CGIter: 12 * time.Microsecond}, // above MaxDense
	}
	for _, tc := range []struct {
		op   Op
		d, s []float64
	}{
		{Assembly, []float64{10, 20}, []float64{1e-3, 6e-3}},
		{Cholesky, []float64{10, 20}, []float64{2e-3, 7e-3}},
		{TriangularSolve, []float64{10, 20}, []float64{3e-3, 8e-3}},
		{TwoLoop, []float64{10, 20, 1000}, []float64{4e-6, 9e-6, 11e-6}},
		{CGIteration, []float64{10, 20, 1000}, []float64{5e-6, 10e-6, 12e-6}},
	} {
		d, s := Timings(rows, tc.op)
		if !slices.Equal(d, tc.d) || !slices.Equal(s, tc.s) {
			t.Errorf("Timings(%v) = %v, %v; want %v, %v", tc.op, d, s, tc.d, tc.s)
		}
	}
	if d, s := Timings(nil, Cholesky); d != nil || s != nil {
		t.Errorf("Timings(nil) = %v, %v; want nothing", d, s)
	}
}

// TestTimingsFitsLikeFitCost checks that the series Timings returns give
// the slopes FitRows reports, on a real (small) measurement.
func TestTimingsFitsLikeFitCost(t *testing.T) {
	rows := Measure([]int{20, 40, 80, 400}, Settings{MaxDense: 80, Memory: 3, Seed: 1})
	fit := FitRows(rows)
	for op, want := range map[Op]float64{Cholesky: fit.FactorSlope, TwoLoop: fit.TwoLoopSlope,
		CGIteration: fit.CGSlope, TriangularSolve: fit.SolveSlope, Assembly: fit.AssembleSlope} {
		d, s := Timings(rows, op)
		got, _, err := num.FitLogLog(d, s)
		if err != nil || got != want {
			t.Errorf("%v: slope of Timings %v (err %v), FitRows %v", op, got, err, want)
		}
	}
}

func TestTimingsUnknownOpPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "cost: ") {
			t.Errorf("recover() = %v; want a cost: panic", r)
		}
	}()
	Timings([]Row{{D: 2}}, Op(99))
}

func TestOpString(t *testing.T) {
	if Cholesky.String() != "Cholesky" || Op(99).String() != "Op(99)" {
		t.Errorf("String: %q, %q", Cholesky.String(), Op(99).String())
	}
}
