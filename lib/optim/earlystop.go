package optim

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/lib/problems"
)

// EarlyStopping is the patience rule for stopping a training run on a
// validation set: after each check of the validation loss, stop once it has
// not improved on its best value by more than MinDelta for Patience checks
// in a row, and keep the parameters of the best check. It fights overfitting
// (training loss still falling, validation loss rising) at no cost but the
// checks themselves.
//
// Feed it losses in order with Observe, in a training loop or over the
// records of a finished run (see ValidationTrace): with a fixed seed the
// two give the same answer, since stopping early changes nothing before
// the stop. The zero value is ready to use: Patience 0 means 10. Observe
// costs O(1) and allocates nothing.
type EarlyStopping struct {
	// Patience is how many checks without improvement are tolerated
	// (0 means 10; negative panics).
	Patience int
	// MinDelta is how much a loss must fall below the best so far to count
	// as an improvement (0: any decrease; negative panics).
	MinDelta float64

	best           float64
	bestAt, checks int
	since          int
	has, stopped   bool // a finite best exists; the rule has fired
}

// Observe records the validation loss of the next check and reports whether
// training should stop now. A NaN loss never counts as an improvement.
// Once it has returned true it keeps returning true until Reset.
func (e *EarlyStopping) Observe(loss float64) (stop bool) {
	if e.Patience < 0 || e.MinDelta < 0 || math.IsNaN(e.MinDelta) {
		panic(fmt.Sprintf("optim: EarlyStopping{Patience: %d, MinDelta: %v}: both must be ≥ 0", e.Patience, e.MinDelta))
	}
	if e.stopped {
		return true
	}
	if !math.IsNaN(loss) && (!e.has || loss < e.best-e.MinDelta) {
		e.best, e.bestAt, e.since, e.has = loss, e.checks, 0, true
	} else {
		e.since++
	}
	e.checks++
	patience := e.Patience
	if patience == 0 {
		patience = 10
	}
	e.stopped = e.since >= patience
	return e.stopped
}

// Best returns the index (0-based, in the order of Observe) and the loss of
// the best check so far; at is -1 (and loss NaN) while no check has given
// a number.
func (e *EarlyStopping) Best() (at int, loss float64) {
	if !e.has {
		return -1, math.NaN()
	}
	return e.bestAt, e.best
}

// Checks is the number of losses observed so far (the stopping check
// included).
func (e *EarlyStopping) Checks() int { return e.checks }

// Reset forgets every check, keeping Patience and MinDelta.
func (e *EarlyStopping) Reset() {
	e.best, e.bestAt, e.checks, e.since, e.has, e.stopped = 0, 0, 0, 0, false, false
}

// ValidationTrace evaluates a validation objective at every point of t that
// recorded x, and returns them as a new trace labelled label: each Record
// keeps its Iter, Epoch, GradEvals and Elapsed, with F the mean loss of val
// over all its examples, GradNorm NaN, and X shared with t (not copied).
// val must have the same parameters as the trained model, e.g. the same
// network built on the validation part of a Dataset.Split. Records without
// x (see Trace.XDim) are skipped. Passed the training objective instead,
// it gives the full training loss at the same points, for a train/validation
// chart on one x axis.
//
// Cost: one val.Loss over all its examples per record, O(len(t.Records) ·
// n_val · Dim); it allocates the new trace. It panics if a recorded x has
// another length than val.Dim().
func ValidationTrace(t *Trace, val problems.Stochastic, label string) *Trace {
	all := make([]int, val.Len())
	for i := range all {
		all[i] = i
	}
	out := &Trace{Label: label, Limit: t.Limit, XDim: t.XDim}
	for _, r := range t.Records {
		if r.X == nil {
			continue
		}
		if len(r.X) != val.Dim() {
			panic(fmt.Sprintf("optim: ValidationTrace: recorded x has length %d, validation model has Dim() = %d", len(r.X), val.Dim()))
		}
		r.F = val.Loss(nil, r.X, all)
		r.GradNorm = math.NaN()
		out.Records = append(out.Records, r)
	}
	return out
}
