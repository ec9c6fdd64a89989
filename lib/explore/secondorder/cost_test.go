package secondorder

import (
	"testing"
	"time"

	"github.com/descentlab/descent/lib/secondorder/cost"
)

// TestCostDataRoundTrip: the rows CostData writes read back exactly.
func TestCostDataRoundTrip(t *testing.T) {
	rows := cost.Measure([]int{100, 10_000},
		cost.Settings{MaxDense: 100, Memory: 5, MinTime: time.Millisecond, Seed: 1})
	back, m := costRows(CostData(rows, 5))
	if m != 5 || len(back) != len(rows) {
		t.Fatalf("m = %d, %d rows", m, len(back))
	}
	for i := range rows {
		if back[i] != rows[i] {
			t.Errorf("row %d: %+v, want %+v", i, back[i], rows[i])
		}
	}
}
