package optim

import (
	"fmt"
	"math"
)

// FirstAtMost returns the first record of the full objective (Full: Evals
// of a stochastic run, Records otherwise) whose F is at most v, and whether
// there is one: the "time to a target loss" in its Iter (steps), GradEvals
// (per-example gradients in a stochastic run) and Elapsed. Unlike
// Settings.FuncTarget it lets a run go on, so one run answers for several
// targets.
//
// It is as precise as the trace: a stochastic run measures the full loss at
// the ends of epochs and every Settings.EvalEvery steps, so the step found
// is the first measurement at or under v, not the first step that got there;
// a full-objective run longer than its Trace.Limit is decimated, and the
// record found may then come up to Stride()−1 steps after the first such
// iterate. Cost O(len(Full())). It panics if v is NaN.
func (t *Trace) FirstAtMost(v float64) (Record, bool) {
	if math.IsNaN(v) {
		panic(fmt.Sprintf("optim: Trace.FirstAtMost(%v): the target must not be NaN", v))
	}
	for _, r := range t.Full() {
		if r.F <= v {
			return r, true
		}
	}
	return Record{}, false
}
