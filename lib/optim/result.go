package optim

import "time"

// Result is what a run returns: where it ended, how, and the path it took.
// lib/secondorder returns the same type, so one chart draws every method.
type Result struct {
	// X is the best point found (for a failed run, the last finite one).
	X []float64
	// F is f(X); GradNorm is ‖∇f(X)‖₂ (NaN when the gradient is unknown).
	F        float64
	GradNorm float64
	// Status says how the run ended; Err carries the details of a failure
	// (a *NumericalError or a method-specific error) and is nil otherwise.
	Status Status
	Err    error
	Stats  Stats
	// Trace is the recorded path, decimated for long runs.
	Trace Trace
}

// Stats counts the work a run did.
type Stats struct {
	Iterations int
	FuncEvals  int
	GradEvals  int
	HessEvals  int
	// Epochs is the number of passes over the data in a stochastic run
	// (fractional when the last pass is partial); 0 for deterministic runs.
	Epochs  float64
	Runtime time.Duration
}
