package optim

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/lib/problems"
)

// Validation follows a held-out objective along a run: as a run's observer
// (Settings.Observe: v.Observe) it evaluates Problem at every iterate of
// the full objective (Record.Full: every iterate of a full-objective run,
// every full-data evaluation of a stochastic one) and keeps the losses in
// Trace and the point of the lowest one.
//
// Problem must have the parameters of the trained model, e.g. the same
// network built on the validation part of a Dataset.Split and made a
// Problem with problems.Objective. Cost per evaluation: one Problem.Func,
// plus an O(n) copy of x when it improves on the best.
type Validation struct {
	// Problem is the held-out objective.
	Problem problems.Problem
	// Label names the validation curve (empty: "validation").
	Label string

	trace  Trace
	bestX  []float64
	bestF  float64
	bestAt int // index into trace.Records
}

// Observe evaluates the validation loss at r.X when r is of the full
// objective, and never stops the run. It panics if len(r.X) differs from
// Problem.Dim.
func (v *Validation) Observe(r Record) bool {
	v.check(r)
	return false
}

// check evaluates the validation loss at r (a full record) and reports
// whether it improved on the best.
func (v *Validation) check(r Record) (improved bool) {
	if !r.Full || r.X == nil {
		return false
	}
	if v.Problem.Func == nil {
		panic("optim: Validation.Problem has no Func")
	}
	if v.Problem.Dim > 0 && len(r.X) != v.Problem.Dim {
		panic(fmt.Sprintf("optim: Validation: the run's x has length %d, Problem %q has Dim %d", len(r.X), v.Problem.Name, v.Problem.Dim))
	}
	if v.trace.Label == "" {
		v.trace.Label = v.Label
		if v.trace.Label == "" {
			v.trace.Label = "validation"
		}
		v.trace.Limit = math.MaxInt // never decimated: one record per evaluation
		v.trace.XDim = -1
	}
	f := v.Problem.Func(r.X)
	rec := r
	rec.X, rec.F, rec.GradNorm = nil, f, math.NaN()
	v.trace.Records = append(v.trace.Records, rec)
	if v.bestX == nil || f < v.bestF || (math.IsNaN(v.bestF) && !math.IsNaN(f)) {
		v.bestX = append(v.bestX[:0], r.X...)
		v.bestF, v.bestAt = f, len(v.trace.Records)-1
		return true
	}
	return false
}

// Trace returns the validation losses so far, one record per evaluation
// (Iter, Epoch and evaluation counts of the run's record, F the validation
// loss, X nil).
func (v *Validation) Trace() Trace { return v.trace }

// Best returns the point with the lowest validation loss so far, that
// loss, and its record (Iter, Epoch). x is nil before the first evaluation.
func (v *Validation) Best() (x []float64, f float64, at Record) {
	if v.bestX == nil {
		return nil, math.NaN(), Record{}
	}
	return v.bestX, v.bestF, v.trace.Records[v.bestAt]
}

// EarlyStopping is the patience rule for stopping a training run on a
// validation set (Prechelt 1998; Goodfellow et al. 2016, §7.8): evaluate the
// validation loss at each evaluation of the run, and stop once it has not
// improved on its best value by more than MinDelta for Patience evaluations
// in a row (as Keras counts it: Patience 0 or 1 stops at the first
// evaluation that does not improve). Best then gives the parameters of the best evaluation. Early
// stopping fights overfitting (the training loss still falls while the
// validation loss rises) at no cost but the evaluations themselves.
//
// Use it as the run's observer: Settings{Observe: es.Observe}. The run ends
// with Stopped when the rule fires.
type EarlyStopping struct {
	Validation
	// Patience ≥ 0 is how many evaluations in a row without improvement
	// end the run.
	Patience int
	// MinDelta ≥ 0 is how much a loss must fall below the best so far to
	// count as an improvement (0: any decrease).
	MinDelta float64

	since   int
	stopped bool
}

// Observe evaluates the validation loss at a full record and reports
// whether the run should stop. Once it has returned true it keeps doing so
// until Reset. A NaN loss never counts as an improvement. It panics on a
// negative Patience or MinDelta.
func (e *EarlyStopping) Observe(r Record) bool {
	if e.Patience < 0 || !(e.MinDelta >= 0) {
		panic(fmt.Sprintf("optim: EarlyStopping{Patience: %d, MinDelta: %v}: both must be ≥ 0", e.Patience, e.MinDelta))
	}
	if e.stopped || !r.Full || r.X == nil {
		return e.stopped
	}
	prevBest := e.bestF
	had := e.bestX != nil
	e.check(r)
	f := e.trace.Records[len(e.trace.Records)-1].F
	if !had || (!math.IsNaN(f) && (math.IsNaN(prevBest) || f < prevBest-e.MinDelta)) {
		e.since = 0
	} else {
		e.since++
	}
	e.stopped = e.since >= max(e.Patience, 1)
	return e.stopped
}

// Stopped reports whether the rule has fired.
func (e *EarlyStopping) Stopped() bool { return e.stopped }

// Reset forgets every evaluation, keeping the settings.
func (e *EarlyStopping) Reset() {
	e.Validation = Validation{Problem: e.Problem, Label: e.Label}
	e.since, e.stopped = 0, false
}
