package optim

import "time"

// Result is what a run returns: where it ended, how, and the path it took.
// Its fields mean the same for every method.
type Result struct {
	// X is where the run ended: its last iterate, unless the run failed
	// (Status.Failed: NaN, divergence, a failed line search, …), when the
	// last iterate may be meaningless and X is instead the best point met,
	// the lowest f among the points where the full objective was evaluated
	// (every iterate of a full-objective run; the start, every full-data
	// evaluation and the end of a stochastic run). F is f(X) and GradNorm
	// ‖∇f(X)‖₂, of the full objective. All are finite whatever the ending,
	// but for a start where f or ∇f is not: X is then x₀, F is f(x₀) and
	// GradNorm NaN, with Status NonFinite; and GradNorm is NaN when
	// Settings.EvalLossOnly measures no full gradient.
	X        []float64
	F        float64
	GradNorm float64
	// Last is the last finite iterate (X itself unless the run failed).
	Last []float64
	// Status says how the run ended; Err carries the details of a failure
	// (a *NumericalError or a method's error) and is nil otherwise.
	Status Status
	Err    error
	Stats  Stats
	// Trace is the recorded path, decimated for long runs.
	Trace Trace
}

// Stats counts the work a run did.
type Stats struct {
	// Iterations is the number of steps taken.
	Iterations int
	// FuncEvals and GradEvals count evaluations of f and ∇f: calls in a
	// full-objective run; per-example losses and gradients in a stochastic
	// run, where GradEvals counts those used for steps (b per step, so
	// batch sizes compare at equal cost) and FuncEvals those spent on the
	// full-data evaluations. HessEvals counts Hessians (analytic or by
	// finite differences).
	FuncEvals int
	GradEvals int
	HessEvals int
	// Epochs is the number of passes over the data in a stochastic run
	// (fractional when the last pass is partial); 0 for full-objective runs.
	Epochs  float64
	Runtime time.Duration
}
