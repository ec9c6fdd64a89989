// Package optim holds the first-order optimizers of the course (gradient
// descent, momentum, Nesterov, AdaGrad, RMSProp, Adam and its variants),
// learning-rate schedules, batching, and the training loop that records
// each run's path in a Trace.
//
// Conventions follow torch.optim exactly; where the lecture notes write
// another convention, the optimizer offers it as a named option.
package optim

import "math"

var nan = math.NaN()
