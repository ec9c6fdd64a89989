// Package modelargs holds what lib/problems and lib/nn share in building
// and checking their models: the argument checks of Loss and of methods
// that take parameters (their panics start with the calling package's
// name, pkg), the seeded random source of both packages' datasets and
// initializations, and rows of floats in one allocation.
package modelargs

import (
	"fmt"
	"math/rand/v2"
)

// Loss panics unless Loss's arguments fit a model of dimension dim: idx nil
// (all examples) or not empty, len(x) == dim, grad nil or of length dim.
// The indices themselves are checked as the model visits them (Index).
func Loss(pkg, name string, grad, x []float64, idx []int, dim int) {
	if idx != nil && len(idx) == 0 {
		panic(fmt.Sprintf("%s: %s.Loss: empty idx", pkg, name))
	}
	if len(x) != dim {
		panic(fmt.Sprintf("%s: %s.Loss: len(x) = %d, want Dim() = %d", pkg, name, len(x), dim))
	}
	if grad != nil && len(grad) != dim {
		panic(fmt.Sprintf("%s: %s.Loss: len(grad) = %d, want Dim() = %d", pkg, name, len(grad), dim))
	}
}

// Index panics unless 0 ≤ i < n.
func Index(pkg, name string, i, n int) {
	if i < 0 || i >= n {
		panic(fmt.Sprintf("%s: %s.Loss: index %d out of range [0, %d)", pkg, name, i, n))
	}
}

// Params panics unless len(x) == dim.
func Params(pkg, name, method string, x []float64, dim int) {
	if len(x) != dim {
		panic(fmt.Sprintf("%s: %s.%s: len(params) = %d, want Dim() = %d", pkg, name, method, len(x), dim))
	}
}

// NewRand is the one way both packages turn a seed into a source, so that
// a seed draws the same data and weights wherever they are built.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0xda3e39cb94b95bdb))
}

// Rows allocates n rows of d floats in one backing array.
func Rows(n, d int) [][]float64 {
	back := make([]float64, n*d)
	x := make([][]float64, n)
	for i := range x {
		x[i] = back[i*d : (i+1)*d : (i+1)*d]
	}
	return x
}
