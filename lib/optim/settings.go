package optim

import (
	"fmt"
	"math"
)

// DivergenceFactor sets the divergence test of every run: unless
// Settings.AllowDivergence is set, a run ends with Diverged once
// f(x) > DivergenceFactor · max(1, |f(x₀)|).
const DivergenceFactor = 1e10

// Settings say when a run stops, what it records and, for an objective that
// is a mean over examples, how it samples them. Every method, step rule or
// search method, reads the same Settings, so that runs compare at the same
// stopping rule.
//
// Every test is off unless set, and no zero field stands for another
// number. A run needs at least one limit (MaxIter, MaxEvals or Epochs).
// Run panics, naming the field, on a negative, NaN or infinite value and on
// settings that contradict each other or the method.
//
// The exceptions to the zero-value rule, here and in the rest of the
// library, are these, each documented at its field too:
//   - TraceLimit 0 keeps DefaultTraceLimit records and TraceXDim 0 copies x
//     up to DefaultTraceXDim coordinates (so do Trace.Limit and Trace.XDim):
//     a trace that kept nothing would be no trace;
//   - EarlyStopping.Patience 0 stops at the first evaluation that does not
//     improve, as Patience 1 does (Keras counts so);
//   - CheckGradient's step 0 is gonum's diff/fd default step;
//   - in lib/secondorder, a nil LineSearch of BFGS, LBFGS and CG is the
//     strong-Wolfe search (c₁ = 1e-4, c₂ = 0.9, 0.1 for CG; 25 trials),
//     CG.RestartEvery 0 restarts every n iterations (n the dimension), and
//     Backtracking.Shrink 0 chooses each trial by interpolation rather than
//     by a fixed factor. (Newton's nil LineSearch is literal: no search,
//     unit steps.)
//
// A nil x0 in Run means p.Start.
type Settings struct {
	// MaxIter is the most iterations, i.e. steps (0: no iteration limit).
	// The run then ends with IterationLimit.
	MaxIter int
	// MaxEvals is the most gradient evaluations (0: no limit): calls of ∇f
	// in a full-objective run (a finite-difference Hessian costs 2n of them),
	// per-example gradients in a stochastic run. It is checked between
	// iterations, so a line search may overshoot it. The run then ends with
	// EvaluationLimit.
	MaxEvals int
	// Epochs is the most passes over the data in a stochastic run (Batch > 0;
	// 0: no limit). It may be fractional; the run then ends with
	// IterationLimit.
	Epochs float64

	// GradTol ends the run with GradientThreshold once ‖∇f(x)‖₂ ≤ GradTol:
	// the Euclidean norm of the gradient of the full objective, tested at
	// every iterate of a full-objective run and at every full-data
	// evaluation of a stochastic run. With 0 only an exactly zero gradient
	// stops the run.
	GradTol float64
	// FuncTarget ends the run with FunctionThreshold once f(x) ≤ its value,
	// tested where GradTol is. The zero Target is no target: write
	// FuncTarget: optim.AtMost(1e-6).
	FuncTarget Target
	// AllowDivergence switches the divergence test off (see
	// DivergenceFactor), for objectives that may legitimately grow.
	AllowDivergence bool

	// Schedule, when not nil, sets a step rule's learning rate before step t
	// to Schedule.Rate(α₀, t), α₀ being its rate at the start (the Optimizer
	// must implement LearningRater). With SchedulePerEpoch, t counts
	// completed epochs instead of steps (stochastic runs only).
	Schedule         Schedule
	SchedulePerEpoch bool

	// Observe, when not nil, is called with the start and every iterate, and
	// with every full-data evaluation of a stochastic run (Record.Full).
	// Returning true ends the run with Stopped; a panic in it ends the run
	// with ObserverPanic. The Record's X is the live iterate: copy what you
	// keep. Combine several with Observers.
	Observe Observer

	// Batch, when > 0, makes the run stochastic: each step uses the mean
	// gradient of Batch examples of p.Data, b = n being full-batch gradient
	// descent, b = 1 instance-wise SGD and anything between mini-batch SGD.
	// Without the replacement order the last batch of an epoch holds the
	// n mod b examples left (torch's drop_last=False). With 0 each step uses
	// the full objective p.Func and p.Grad.
	Batch int
	// Order is how a stochastic run draws its batches (the zero value is
	// Reshuffle).
	Order Order
	// Seed seeds the stochastic run's shuffling or sampling: same seed, same
	// run, bit for bit.
	Seed uint64
	// EvalEvery, when > 0, measures the full-data loss and gradient every
	// EvalEvery steps in addition to the end of every epoch (0: at the
	// ends of epochs only).
	EvalEvery int
	// EvalLossOnly makes those full-data evaluations compute the loss alone
	// (p.Data's Loss or Measure with a nil gradient: the same loss, at
	// about half the cost for a linear model and without the backward
	// passes for a network), for runs that only show the loss. Their
	// Record.GradNorm, and Result.GradNorm, are then NaN, and GradTol must
	// be 0: no gradient is measured to test.
	EvalLossOnly bool

	// Label names the run in its Trace, chart legends and tables (empty:
	// the method's name).
	Label string
	// TraceLimit is the most records the Trace keeps (0: DefaultTraceLimit);
	// TraceXDim the largest dimension whose x it copies (0: DefaultTraceXDim;
	// −1: never). See Trace.
	TraceLimit int
	TraceXDim  int
}

// Target is a value of the objective at which a run may stop. Its zero value
// is no target.
type Target struct {
	v   float64
	set bool
}

// AtMost is the target f(x) ≤ v. It panics unless v is finite.
func AtMost(v float64) Target {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		panic(fmt.Sprintf("optim: AtMost(%v): the target must be finite", v))
	}
	return Target{v: v, set: true}
}

// Value returns the target and whether there is one.
func (t Target) Value() (v float64, ok bool) { return t.v, t.set }

// reached reports whether f meets the target.
func (t Target) reached(f float64) bool { return t.set && f <= t.v }

func (t Target) String() string {
	if !t.set {
		return "no target"
	}
	return fmt.Sprintf("f ≤ %g", t.v)
}

// Observer watches a run: it is called with every Record (see
// Settings.Observe) and returns true to stop the run. The run then ends
// with Status Stopped, except in a stochastic run whose closing full-data
// evaluation at the stopping point fails (a non-finite or diverged loss):
// that failure is the Status, and Result holds the best point.
type Observer func(r Record) (stop bool)

// Observers combines observers into one that calls each of them, in order,
// with every record, and stops the run when any of them asks to. Nil
// observers are skipped.
func Observers(obs ...Observer) Observer {
	return func(r Record) bool {
		stop := false
		for _, o := range obs {
			if o != nil && o(r) {
				stop = true
			}
		}
		return stop
	}
}

// check panics, naming the field, on settings that are out of range or
// contradict each other; stochastic tells whether the run samples examples.
func (s Settings) check(stochastic bool) {
	bad := func(format string, a ...any) {
		panic("optim: Settings" + fmt.Sprintf(format, a...))
	}
	if s.MaxIter < 0 {
		bad(".MaxIter = %d: must be ≥ 0 (0: no iteration limit)", s.MaxIter)
	}
	if s.MaxEvals < 0 {
		bad(".MaxEvals = %d: must be ≥ 0 (0: no evaluation limit)", s.MaxEvals)
	}
	if !(s.Epochs >= 0) || math.IsInf(s.Epochs, 0) {
		bad(".Epochs = %v: must be finite and ≥ 0 (0: no epoch limit)", s.Epochs)
	}
	if !(s.GradTol >= 0) || math.IsInf(s.GradTol, 0) {
		bad(".GradTol = %v: must be finite and ≥ 0", s.GradTol)
	}
	if s.Batch < 0 {
		bad(".Batch = %d: must be ≥ 0 (0: the full objective every step)", s.Batch)
	}
	if s.EvalEvery < 0 {
		bad(".EvalEvery = %d: must be ≥ 0", s.EvalEvery)
	}
	if s.Order < Reshuffle || s.Order > WithReplacement {
		bad(".Order = %d: unknown order", int(s.Order))
	}
	if s.TraceLimit < 0 {
		bad(".TraceLimit = %d: must be ≥ 0", s.TraceLimit)
	}
	if !stochastic {
		switch {
		case s.Epochs != 0:
			bad(".Epochs = %v needs Batch > 0: a full-objective run has no epochs (use MaxIter)", s.Epochs)
		case s.EvalEvery != 0:
			bad(".EvalEvery = %d needs Batch > 0: a full-objective run evaluates f at every iterate", s.EvalEvery)
		case s.Order != Reshuffle:
			bad(".Order = %v needs Batch > 0", s.Order)
		case s.SchedulePerEpoch:
			bad(".SchedulePerEpoch needs Batch > 0: a full-objective run has no epochs")
		case s.EvalLossOnly:
			bad(".EvalLossOnly needs Batch > 0: a full-objective run needs ∇f to step")
		}
	}
	if s.EvalLossOnly && s.GradTol > 0 {
		bad(".GradTol = %v with EvalLossOnly: the full gradient is not measured", s.GradTol)
	}
	if s.SchedulePerEpoch && s.Schedule == nil {
		bad(".SchedulePerEpoch is set without a Schedule")
	}
	if s.MaxIter == 0 && s.MaxEvals == 0 && s.Epochs == 0 {
		bad(" has no limit: set MaxIter, MaxEvals or (with Batch) Epochs")
	}
}
