package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
)

// GradCheck compares an analytic gradient with central differences.
type GradCheck struct {
	Analytic, Numeric []float64
	// RelErr[i] is |g − g̃| / max(|g|, |g̃|) for component i (0 when both
	// are 0): the relative error of CS231n's gradient check.
	RelErr []float64
	// Max is the largest RelErr, at Index.
	Max   float64
	Index int
}

// CheckGradient evaluates grad at x and compares it with the central
// difference (f(x + h eᵢ) − f(x − h eᵢ))/(2h) of gonum's diff/fd, h = step
// (0 means fd's default, 6e-6 for central differences). A relative error
// near 1e-7 or below means the gradient is right; near 1 means it is wrong.
// Mind kinks (ReLU, max) where the numerical gradient is unreliable.
//
// Cost: 2n evaluations of f and one of grad; O(n) memory. It panics if x is empty.
func CheckGradient(f func(x []float64) float64, grad func(g, x []float64), x []float64, step float64) GradCheck {
	n := len(x)
	if n == 0 {
		panic("optim: CheckGradient: empty x")
	}
	c := GradCheck{Analytic: make([]float64, n), Numeric: make([]float64, n), RelErr: make([]float64, n)}
	grad(c.Analytic, x)
	fd.Gradient(c.Numeric, f, x, &fd.Settings{Formula: fd.Central, Step: step})
	for i := range x {
		a, b := c.Analytic[i], c.Numeric[i]
		e := 0.0
		if d := math.Abs(a - b); d != 0 {
			e = d / max(math.Abs(a), math.Abs(b))
		}
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		c.RelErr[i] = e
		if e > c.Max || i == 0 {
			c.Max, c.Index = e, i
		}
	}
	return c
}

// String summarises the check: the worst component and its two values.
func (c GradCheck) String() string {
	return fmt.Sprintf("max relative error %.3g at %d (analytic %.10g, numeric %.10g)",
		c.Max, c.Index, c.Analytic[c.Index], c.Numeric[c.Index])
}
