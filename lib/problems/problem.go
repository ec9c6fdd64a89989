// Package problems holds the objectives the course optimizes: analytic loss
// surfaces with gradients, Hessians and known minima, and small seeded datasets
// with models whose loss is a mean over examples.
//
// The package imports neither lib/optim nor lib/secondorder; they import it.
package problems

import "gonum.org/v1/gonum/mat"

// Problem is a twice-differentiable objective f: ℝⁿ → ℝ, in the shape of
// gonum/optimize's Problem. Func is required; Grad and Hess may be nil when
// the objective does not provide them.
//
// Grad and Hess write into their first argument, which the caller allocates
// with the right size (len(grad) == len(x); hess is len(x)×len(x)); they do
// not retain x. None of the three allocates on the hot path.
type Problem struct {
	// Name labels the problem in tables and chart legends.
	Name string
	// Dim is the dimension n, or 0 when the problem accepts any n ≥ 1
	// (such as the extended Rosenbrock function).
	Dim int

	Func func(x []float64) float64
	Grad func(grad, x []float64)
	Hess func(hess *mat.SymDense, x []float64)

	// Minima lists the known local minima (the global ones marked), for
	// tests and for markers on charts. Empty when none are known in closed form.
	Minima []Minimum
	// Start is the conventional starting point from the literature, or nil.
	Start []float64
	// Box is the plotting window [xmin, xmax, ymin, ymax] of a 2-D surface,
	// chosen to show its minima and the usual starts. For a 1-D problem it
	// is [xmin, xmax, fmin, fmax]: the x range and the f range of its plot.
	// Zero for other dimensions.
	Box [4]float64

	// Data, when not nil, is the same objective as a mean over examples,
	// f(x) = (1/n) Σᵢ fᵢ(x), which stochastic runs sample a batch at a time
	// (see FullBatch). Nil for analytic surfaces.
	Data Stochastic
}

// FullBatch returns the objective of a model over all its examples as a
// Problem: Func is the mean loss over every example, Grad its gradient
// (each a pass over the data: O(n · cost of one example)), Data the model
// itself, so that the same Problem serves full-batch methods (gradient
// descent, L-BFGS) and stochastic runs (mini-batch SGD). The Problem
// allocates its index list once; Func and Grad allocate nothing else.
func FullBatch(name string, m Stochastic) Problem {
	all := All(m.Len())
	return Problem{
		Name: name,
		Dim:  m.Dim(),
		Func: func(x []float64) float64 { return m.Loss(nil, x, all) },
		Grad: func(g, x []float64) { m.Loss(g, x, all) },
		Data: m,
	}
}

// Minimum is a known stationary point that is a local minimum of a Problem.
type Minimum struct {
	X      []float64
	F      float64
	Global bool
}

// Stochastic is an objective that is a mean over n examples,
// f(x) = (1/n) Σᵢ fᵢ(x): a dataset with a model and its loss.
// Batch gradient descent evaluates all examples, instance-wise SGD one,
// mini-batch SGD a few.
type Stochastic interface {
	// Len is the number of examples n.
	Len() int
	// Dim is the number of parameters of the model.
	Dim() int
	// Loss returns the mean loss over the examples whose indices are in idx
	// and, when grad is not nil, writes the mean gradient over them into grad
	// (overwriting it). idx must be non-empty and hold indices in [0, Len()).
	Loss(grad, x []float64, idx []int) float64
}
