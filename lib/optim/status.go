package optim

import "fmt"

// Status says how a run ended. Both lib/optim and lib/secondorder use it, so
// that a chart or a table treats every method alike.
type Status int

const (
	// NotTerminated: the run has not ended (the zero value).
	NotTerminated Status = iota
	// GradientThreshold: ‖∇f(x)‖ fell to the gradient tolerance.
	GradientThreshold
	// FunctionThreshold: f(x) fell to the target value.
	FunctionThreshold
	// FunctionConvergence: f stopped decreasing by more than the tolerance.
	FunctionConvergence
	// StepConvergence: the step ‖xₖ₊₁ − xₖ‖ fell below the tolerance.
	StepConvergence
	// IterationLimit: the maximum number of iterations was reached.
	IterationLimit
	// EvaluationLimit: the maximum number of function or gradient evaluations was reached.
	EvaluationLimit
	// NonFinite: f or a gradient component became NaN or ±Inf; the
	// Result keeps the last finite point and Err names the step and index.
	NonFinite
	// Diverged: f grew past the divergence bound (the learning rate was too large).
	Diverged
	// LineSearchFailure: the line search found no acceptable step.
	LineSearchFailure
	// NotDescentDirection: the search direction d had ∇f·d ≥ 0.
	NotDescentDirection
	// SingularSystem: a linear system (Hessian, KKT) could not be solved.
	SingularSystem
)

var statusNames = [...]string{
	NotTerminated:       "NotTerminated",
	GradientThreshold:   "GradientThreshold",
	FunctionThreshold:   "FunctionThreshold",
	FunctionConvergence: "FunctionConvergence",
	StepConvergence:     "StepConvergence",
	IterationLimit:      "IterationLimit",
	EvaluationLimit:     "EvaluationLimit",
	NonFinite:           "NonFinite",
	Diverged:            "Diverged",
	LineSearchFailure:   "LineSearchFailure",
	NotDescentDirection: "NotDescentDirection",
	SingularSystem:      "SingularSystem",
}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Converged reports whether the run ended because a convergence test passed
// (as opposed to a limit or a failure).
func (s Status) Converged() bool {
	switch s {
	case GradientThreshold, FunctionThreshold, FunctionConvergence, StepConvergence:
		return true
	}
	return false
}

// Failed reports whether the run ended in numerical trouble.
func (s Status) Failed() bool {
	switch s {
	case NonFinite, Diverged, LineSearchFailure, NotDescentDirection, SingularSystem:
		return true
	}
	return false
}

// NumericalError describes numerical trouble met during a run: which step,
// which component, what value. It is returned in Result.Err beside a failure Status.
type NumericalError struct {
	Step  int     // iteration at which the trouble was seen (0 = the start)
	Index int     // component of x or of the gradient, or -1 for the objective value
	Value float64 // the offending value (NaN, ±Inf, or the diverged f)
	What  string  // what was evaluated: "gradient", "objective", "direction", …
}

func (e *NumericalError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("optim: %s is %v at step %d", e.What, e.Value, e.Step)
	}
	return fmt.Sprintf("optim: %s[%d] is %v at step %d", e.What, e.Index, e.Value, e.Step)
}
