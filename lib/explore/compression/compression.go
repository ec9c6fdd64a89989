// Package compression holds the explorable of the compression lesson
// (notebook 10): the trained teacher pruned and quantized (CompressStart
// gives parameters to try it with). cmd/explore compiles it into the
// WebAssembly module "compression" (cmd/explore/wasm/compression).
package compression

import "github.com/descentlab/descent/lib/explore"

// Module names this package's WebAssembly module (explore.Explorable.Module).
const Module = "compression"

var explorables explore.Catalog

// register adds e to the package's catalog; called from the init functions
// of the explorables' files.
func register(e *explore.Explorable) { explorables = append(explorables, e) }

// Explorables returns the package's explorables, sorted by name. Cost: a
// copy of the list.
func Explorables() explore.Catalog { return explorables.Sorted() }
