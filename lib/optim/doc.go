// Package optim holds the first-order optimizers of the course (gradient
// descent, momentum, Nesterov, AdaGrad, RMSProp, Adam and its variants),
// learning-rate schedules, and Run: the one way to run every method, first-
// or second-order, full-batch or stochastic, which records each run's path
// in a Trace and reports it in a Result.
//
//	p := problems.Rosenbrock()
//	r := optim.Run(p, p.Start, optim.NewAdam(0.02), optim.Settings{MaxIter: 5000, GradTol: 1e-8})
//
// Update rules follow torch.optim exactly (parity tests to 1e-12 relative
// on recorded trajectories); where textbooks write another convention
// (momentum's velocity form, ε inside the square root), the optimizer
// offers it as a named option and a test shows where the two part.
//
// No hyperparameter has a hidden default: a zero field means zero, and the
// constructors (NewAdam, NewRMSProp, …) spell torch's defaults. The few
// zero values that stand for something else (a trace's size, a default line
// search) are listed in one place, Settings' doc.
package optim

import "math"

var nan = math.NaN()
