package cost

import (
	"testing"
	"time"
)

// MeasureMin has Measure's shape and never reports more time than
// a single measurement could (each entry is one of the repetitions'); minDur
// ignores unmeasured zeros.
func TestMeasureCostMin(t *testing.T) {
	dims := []int{50, 100, 5000}
	rows := MeasureMin(dims, Settings{MaxDense: 100, Memory: 10, MinTime: time.Millisecond}, 3)
	if len(rows) != len(dims) {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		dense := r.D <= 100
		if dense != (r.Factor > 0 && r.Solve > 0 && r.Assemble > 0 && r.FactorGFLOPS > 0) || r.TwoLoop <= 0 || r.CGIter <= 0 {
			t.Errorf("d=%d timings %+v", r.D, r)
		}
	}
	if minDur(0, 5) != 5 || minDur(5, 0) != 5 || minDur(3, 5) != 3 || minDur(5, 3) != 3 {
		t.Errorf("minDur")
	}
	mustPanic(t, "reps 0", func() { MeasureMin(dims, Settings{Memory: 10}, 0) })
}
