package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// checkLoss validates the arguments of a network's Loss (a nil idx stands
// for all examples). The indices themselves are checked as the networks
// visit them.
func checkLoss(name string, grad, x []float64, idx []int, dim int) {
	if idx != nil && len(idx) == 0 {
		panic(fmt.Sprintf("nn: %s.Loss: empty idx", name))
	}
	if len(x) != dim {
		panic(fmt.Sprintf("nn: %s.Loss: len(x) = %d, want Dim() = %d", name, len(x), dim))
	}
	if grad != nil && len(grad) != dim {
		panic(fmt.Sprintf("nn: %s.Loss: len(grad) = %d, want Dim() = %d", name, len(grad), dim))
	}
}

// checkIndex panics unless 0 ≤ i < n.
func checkIndex(name string, i, n int) {
	if i < 0 || i >= n {
		panic(fmt.Sprintf("nn: %s.Loss: index %d out of range [0, %d)", name, i, n))
	}
}

// checkParams panics unless len(x) == dim.
func checkParams(name, method string, x []float64, dim int) {
	if len(x) != dim {
		panic(fmt.Sprintf("nn: %s.%s: len(params) = %d, want Dim() = %d", name, method, len(x), dim))
	}
}

// newRand is the package's one way to turn a seed into a source: the
// stream lib/problems uses for its datasets, so a seed draws the same
// weights as it did when the networks lived there.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0xda3e39cb94b95bdb))
}

// rows allocates n rows of d floats in one backing array.
func rows(n, d int) [][]float64 {
	back := make([]float64, n*d)
	x := make([][]float64, n)
	for i := range x {
		x[i] = back[i*d : (i+1)*d : (i+1)*d]
	}
	return x
}

// sigmoid is 1/(1 + e⁻ᶻ), evaluated without overflow for either sign of z.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
