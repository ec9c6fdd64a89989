package secondorder

import "time"

// MeasureCostMin runs MeasureCost reps times and keeps, for each d and each
// timed operation, the fastest of the repetitions (and the factorisation
// rate of that fastest Cholesky). The minimum is the robust statistic for
// timings on a shared machine: interference only ever adds time. Use it
// where a fitted slope is asserted. It panics when reps < 1 (and as
// MeasureCost does). Cost: reps × MeasureCost.
func MeasureCostMin(dims []int, s CostSettings, reps int) []CostRow {
	if reps < 1 {
		panic("secondorder: MeasureCostMin: reps " + itoa(reps) + " < 1")
	}
	best := MeasureCost(dims, s)
	for r := 1; r < reps; r++ {
		for i, row := range MeasureCost(dims, s) {
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
