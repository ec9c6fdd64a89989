// Package nn holds the small networks of the course, with hand-written
// backpropagation, and what the course does to them: the multilayer
// perceptron (MLP: activations, initialization schemes, layer statistics,
// saturation, decision boundaries), batch normalization and dropout,
// quantization (post-training and quantization-aware training), magnitude
// pruning masks, knowledge distillation and calibration (reliability
// diagrams, ECE).
//
// A network is a problems.Stochastic objective on a problems.Dataset: its
// Loss is a mean over examples and problems.Objective turns it into the
// problems.Problem that lib/optim runs. Parameters are one flat []float64
// the network never owns; WeightMatrices locates the weights inside it for
// pruning and quantization. A network keeps scratch space, so it is not safe
// for concurrent use: give each goroutine its own.
//
// Programmer errors (wrong lengths, an index out of range, a bad setting)
// panic with a message that starts with "nn: ". The package imports
// lib/problems for its datasets and objective types, and nothing else of
// this module; lib/optim imports it for pruning.
package nn
