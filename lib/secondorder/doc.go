// Package secondorder holds the methods that use curvature: Newton's method
// (exact or finite-difference Hessian, pure or modified), BFGS and L-BFGS,
// nonlinear and linear conjugate gradient, the Armijo and strong-Wolfe line
// searches they share, the closed-form Lagrange/KKT solution of
// equality-constrained quadratics, and tools that compare curvature models
// and convergence rates. What curvature costs as the dimension d grows is
// measured by the subpackage cost.
//
// Every minimizer implements Method and returns an optim.Result whose Trace
// has the same shape as lib/optim's, so one chart draws first- and
// second-order runs alike. The few zero values here that stand for a
// default (a nil LineSearch of BFGS, LBFGS and CG; CG.RestartEvery 0;
// Backtracking.Shrink 0) are listed with the library's others in
// optim.Settings.
//
// Errors follow the course rules: programmer errors (a nil Func, a start of
// the wrong length, a history size below one) panic with a message that
// starts with "secondorder:"; numerical trouble (a non-finite value, a
// Hessian that cannot be factored, a direction that does not descend, a line
// search that finds no acceptable step) ends the run with a failure Status
// and an error naming the step, and the Result keeps the best point found.
package secondorder

import "math"

var nan = math.NaN()
