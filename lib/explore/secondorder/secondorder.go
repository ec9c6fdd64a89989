// Package secondorder holds the explorables of the second-order lessons
// (notebooks 05 and 06): L-BFGS against Newton on Rosenbrock, and what one
// step costs at d parameters from the timings a notebook measured
// (CostData). They run lib/secondorder with gonum's LAPACK; cmd/explore
// compiles them into the WebAssembly module "secondorder"
// (cmd/explore/wasm/secondorder).
package secondorder

import "github.com/descentlab/descent/lib/explore"

// Module names this package's WebAssembly module (explore.Explorable.Module).
const Module = "secondorder"

var explorables explore.Catalog

// register adds e to the package's catalog; called from the init functions
// of the explorables' files.
func register(e *explore.Explorable) { explorables = append(explorables, e) }

// Explorables returns the package's explorables, sorted by name. Cost: a
// copy of the list.
func Explorables() explore.Catalog { return explorables.Sorted() }
