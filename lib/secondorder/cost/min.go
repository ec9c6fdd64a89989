package cost

import (
	"strconv"
	"time"
)

// MeasureMin runs Measure reps times and keeps, for each d and each
// timed operation, the fastest of the repetitions (and the factorisation
// rate of that fastest Cholesky). The minimum is the robust statistic for
// timings on a shared machine: interference only ever adds time. Use it
// where a fitted slope is asserted. It panics when reps < 1 (and as
// Measure does). Cost: reps × Measure.
func MeasureMin(dims []int, s Settings, reps int) []Row {
	if reps < 1 {
		panic("cost: MeasureMin: reps " + strconv.Itoa(reps) + " < 1")
	}
	best := Measure(dims, s)
	for r := 1; r < reps; r++ {
		for i, row := range Measure(dims, s) {
			b := &best[i]
			b.Assemble = minDur(b.Assemble, row.Assemble)
			b.Solve = minDur(b.Solve, row.Solve)
			b.TwoLoop = minDur(b.TwoLoop, row.TwoLoop)
			b.CGIter = minDur(b.CGIter, row.CGIter)
			if row.Factor > 0 && (b.Factor == 0 || row.Factor < b.Factor) {
				b.Factor, b.FactorGFLOPS = row.Factor, row.FactorGFLOPS
			}
		}
	}
	return best
}

// minDur is the smaller positive duration (0 stands for "not measured").
func minDur(a, b time.Duration) time.Duration {
	if a == 0 || (b > 0 && b < a) {
		return b
	}
	return a
}
