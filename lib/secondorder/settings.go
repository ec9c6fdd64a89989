package secondorder

import (
	"fmt"
	"strconv"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// Defaults used when the corresponding Settings field is zero.
const (
	DefaultGradTol = 1e-8
	DefaultMaxIter = 10000
)

// Settings are the stopping rules and trace options every Method shares.
// The zero value is ready to use.
type Settings struct {
	// GradTol stops the run when ‖∇f(x)‖∞ ≤ GradTol (status
	// GradientThreshold). Zero means DefaultGradTol.
	GradTol float64
	// MaxIter bounds the number of iterations (status IterationLimit).
	// Zero means DefaultMaxIter.
	MaxIter int
	// MaxEvals bounds the number of objective evaluations (status
	// EvaluationLimit), checked between iterations. Zero means no limit.
	MaxEvals int
	// Label names the run in its Trace (zero: the method's name).
	Label string
	// TraceLimit and TraceXDim are copied into the Trace's Limit and XDim.
	TraceLimit int
	TraceXDim  int
}

func (s Settings) gradTol() float64 {
	if s.GradTol == 0 {
		return DefaultGradTol
	}
	if s.GradTol < 0 {
		panic("secondorder: Settings.GradTol is negative")
	}
	return s.GradTol
}

func (s Settings) maxIter() int {
	if s.MaxIter == 0 {
		return DefaultMaxIter
	}
	if s.MaxIter < 0 {
		panic("secondorder: Settings.MaxIter is negative")
	}
	return s.MaxIter
}

// Method is a minimizer: it runs from x0 (which it does not modify) and
// returns the best point, how the run ended, what it cost and its path.
type Method interface {
	Minimize(p problems.Problem, x0 []float64) optim.Result
}

// checkProblem panics on programmer errors: a missing Func or Grad, an empty
// start or one whose length differs from p.Dim.
func checkProblem(p problems.Problem, x0 []float64, needGrad bool) {
	if p.Func == nil {
		panic("secondorder: Problem.Func is nil")
	}
	if needGrad && p.Grad == nil {
		panic("secondorder: Problem.Grad is nil (this method needs the gradient)")
	}
	if len(x0) == 0 {
		panic("secondorder: zero-length starting point")
	}
	if p.Dim != 0 && len(x0) != p.Dim {
		panic(fmt.Sprintf("secondorder: starting point has length %d, problem %q has dimension %d", len(x0), p.Name, p.Dim))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
