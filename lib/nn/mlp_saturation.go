package nn

import (
	"fmt"

	"github.com/descentlab/descent/internal/modelargs"
	"github.com/descentlab/descent/lib/problems"
)

// Saturation reports, for each hidden layer l = 1 … L−1, the fraction of
// its units, counted over the examples idx (all of them when idx is nil),
// whose activation passes less than tol of the largest gradient it can pass:
//
//	φ′(zˡ) < tol · max φ′        (max φ′ = 1 for tanh and ReLU, ¼ for the sigmoid),
//
// zˡ being the unit's pre-activation. Backpropagation multiplies the error
// by φ′(zˡ) on its way down (δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ φ′(zˡ)), so such a unit
// hands almost no gradient to the layers below it: a tanh or sigmoid unit
// driven into a flat tail (|z| large), or a ReLU unit that is inactive (z ≤ 0,
// φ′ = 0, counted for any tol > 0). At a sensible initialization hardly any
// tanh unit is saturated; naive N(0, 1) weights in 64-wide layers saturate
// most of them. The ReLU fraction does not depend on the weights' scale
// (biases 0: scaling the weights keeps every sign), and is about one half.
//
// The network is evaluated as Predict evaluates it (with batch norm: the
// running statistics; no dropout). tol = 0.05 counts a tanh unit with
// |tanh z| > 0.975. Cost O(|idx|·P) for
// P = Dim() parameters; it allocates the L−1 results (and the index list when
// idx is nil). Like Loss it uses the network's scratch space, so it is not
// safe for concurrent use. It panics if tol is not in (0, 1], len(params) ≠
// Dim(), idx is empty or an index is out of range.
func (m *MLP) Saturation(params []float64, idx []int, tol float64) []float64 {
	modelargs.Params("nn", "MLP", "Saturation", params, m.dim)
	if !(tol > 0 && tol <= 1) {
		panic(fmt.Sprintf("nn: MLP.Saturation: tol = %v, want 0 < tol ≤ 1", tol))
	}
	if idx == nil {
		idx = problems.All(m.Len())
	}
	if len(idx) == 0 {
		panic("nn: MLP.Saturation: empty idx")
	}
	L := m.Layers()
	frac := make([]float64, L-1)
	for _, i := range idx {
		if i < 0 || i >= m.Len() {
			panic(fmt.Sprintf("nn: MLP.Saturation: index %d out of range [0, %d)", i, m.Len()))
		}
		m.forward(params, m.data.X[i], nil)
		for l := 1; l < L; l++ {
			for _, a := range m.a[l] { // φ′(z) from a = φ(z)
				var slope float64
				switch m.act {
				case Tanh:
					slope = 1 - a*a
				case Sigmoid:
					slope = 4 * a * (1 - a) // relative to max φ′ = ¼
				case ReLU:
					if a > 0 {
						slope = 1
					}
				}
				if slope < tol {
					frac[l-1]++
				}
			}
		}
	}
	for l := range frac {
		frac[l] /= float64(len(idx) * m.sizes[l+1])
	}
	return frac
}
