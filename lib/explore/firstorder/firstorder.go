// Package firstorder holds the explorables of the first-order lessons
// (notebooks 01–04, 07 and 08): gradient descent on a nonconvex curve, the
// order of mini-batches, momentum and Adam on a bowl, learning-rate
// schedules and a small network training. They run lib/optim, lib/problems
// and lib/nn; cmd/explore compiles them into the WebAssembly module
// "firstorder" (cmd/explore/wasm/firstorder), which links nothing of the
// second-order solvers.
package firstorder

import "github.com/descentlab/descent/lib/explore"

// Module names this package's WebAssembly module (explore.Explorable.Module).
const Module = "firstorder"

var explorables explore.Catalog

// register adds e to the package's catalog; called from the init functions
// of the explorables' files.
func register(e *explore.Explorable) { explorables = append(explorables, e) }

// Explorables returns the package's explorables, sorted by name. Cost: a
// copy of the list.
func Explorables() explore.Catalog { return explorables.Sorted() }
