package optim

import (
	"errors"
	"fmt"
)

// Status says how a run ended. Every method reports through it, so that a
// chart or a table treats every method alike.
type Status int

const (
	// NotTerminated: the run has not ended (the zero value).
	NotTerminated Status = iota
	// GradientThreshold: ‖∇f(x)‖₂ fell to Settings.GradTol.
	GradientThreshold
	// FunctionThreshold: f(x) fell to Settings.FuncTarget.
	FunctionThreshold
	// Stopped: the observer (Settings.Observe) asked the run to stop, as
	// early stopping does.
	Stopped
	// IterationLimit: Settings.MaxIter iterations or Settings.Epochs epochs were done.
	IterationLimit
	// EvaluationLimit: Settings.MaxEvals gradient evaluations were spent.
	EvaluationLimit
	// NonFinite: f, a gradient component or a component of x became NaN or
	// ±Inf; the Result keeps the best finite point and Err, a
	// *NumericalError, names the step and index.
	NonFinite
	// Diverged: f grew past DivergenceFactor·max(1, |f(x₀)|) (a learning
	// rate too large, usually).
	Diverged
	// LineSearchFailure: the line search found no acceptable step.
	LineSearchFailure
	// NotDescentDirection: the search direction d had ∇f·d ≥ 0.
	NotDescentDirection
	// SingularSystem: a linear system (Hessian, KKT) could not be solved.
	SingularSystem
	// ObserverPanic: the observer panicked; Err holds what it panicked with.
	ObserverPanic
	// MethodFailure: a Searcher returned an error of no known kind.
	MethodFailure
)

var statusNames = [...]string{
	NotTerminated:       "NotTerminated",
	GradientThreshold:   "GradientThreshold",
	FunctionThreshold:   "FunctionThreshold",
	Stopped:             "Stopped",
	IterationLimit:      "IterationLimit",
	EvaluationLimit:     "EvaluationLimit",
	NonFinite:           "NonFinite",
	Diverged:            "Diverged",
	LineSearchFailure:   "LineSearchFailure",
	NotDescentDirection: "NotDescentDirection",
	SingularSystem:      "SingularSystem",
	ObserverPanic:       "ObserverPanic",
	MethodFailure:       "MethodFailure",
}

func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Converged reports whether the run ended because a convergence test passed
// (as opposed to a limit, a stop or a failure).
func (s Status) Converged() bool { return s == GradientThreshold || s == FunctionThreshold }

// Failed reports whether the run ended in trouble.
func (s Status) Failed() bool { return s >= NonFinite }

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

// Status returns NonFinite.
func (e *NumericalError) Status() Status { return NonFinite }

// StatusOf returns the Status a run ends with when its method fails with
// err: the Status() of the first error in err's chain that has one (a
// *NumericalError gives NonFinite; lib/secondorder's errors give
// SingularSystem, LineSearchFailure or NotDescentDirection), else
// MethodFailure. It returns NotTerminated for a nil error.
func StatusOf(err error) Status {
	if err == nil {
		return NotTerminated
	}
	var s interface{ Status() Status }
	if errors.As(err, &s) {
		return s.Status()
	}
	return MethodFailure
}
