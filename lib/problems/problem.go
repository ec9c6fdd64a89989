// Package problems holds the objectives the course optimizes: analytic loss
// surfaces with gradients, Hessians and known minima, small seeded datasets,
// and the linear models on them (least squares, logistic regression) whose
// loss is a mean over examples. A Stochastic model becomes a Problem with
// Objective.
//
// The networks (MLP, batch norm, dropout, quantization, pruning,
// distillation, calibration) are in lib/nn, and gonum's comparison set in
// lib/problems/gonumset; both import this package. It imports no other
// package of this module: lib/optim, lib/secondorder and lib/nn import it.
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
	// (see Objective). Nil for analytic surfaces.
	Data Stochastic
}

// Objective returns a model's objective over all its examples as a
// Problem: Func is the mean loss over every example, Grad its gradient
// (each a pass over the data: O(n · cost of one example)), and Data the
// model itself, which stochastic runs (mini-batch and instance-wise SGD)
// sample a batch at a time. So the same Problem serves full-batch methods
// (gradient descent, L-BFGS) and stochastic ones; lib/optim's Settings.Batch
// decides. The Problem allocates its index list once; Func and Grad
// allocate nothing else.
func Objective(name string, m Stochastic) Problem {
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
	// (overwriting it). A nil idx means all examples, as in the models'
	// Accuracy; otherwise idx must be non-empty and hold indices in
	// [0, Len()) (repeats count twice).
	Loss(grad, x []float64, idx []int) float64
}

// Measurer is a Stochastic model whose Loss with a gradient is a training
// step that changes the model: lib/nn's MLP in training mode with batch norm
// (each step moves the running statistics) or dropout (each step moves on to
// the next masks). Measure returns what Loss would return, the same loss and
// gradient at x over idx in the same mode, and changes nothing, so that
// measuring the objective does not disturb training. lib/optim's stochastic
// runs call it for their full-data evaluations (Trace.Evals) when the data
// implement it; their steps call Loss.
//
// For a model without such state Measure and Loss are the same function.
type Measurer interface {
	Stochastic
	// Measure is Loss without side effects: see Measurer.
	Measure(grad, x []float64, idx []int) float64
}
