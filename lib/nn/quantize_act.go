package nn

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/modelargs"
	"github.com/descentlab/descent/lib/problems"
)

// Activation quantization, for inference only. Post-training quantization
// of a network's activations (Jacob et al. 2018) rounds every hidden
// layer's outputs to a grid calibrated on sample inputs: one grid per layer
// (per tensor), since a per-unit grid would break the integer product with
// the next layer's weights. ReLU outputs are ≥ 0, so an Affine grid spends
// all its levels on [0, max] where a Symmetric one wastes half. Training is
// unchanged: Loss never rounds activations (quantization-aware training here
// rounds the weights only, see QuantAware).

// ActivationGrids calibrates one grid per hidden layer: the range of the
// layer's outputs (after the activation, in evaluation mode) over the
// examples idx (all when idx is nil), widened to include 0, quantized with
// q. Cost O(|idx|·P). It panics on a bad quantizer, a per-channel one, or
// an index out of range.
func (m *MLP) ActivationGrids(params []float64, idx []int, q Quantizer) []Grid {
	q.check("MLP.ActivationGrids")
	if q.PerChannel {
		panic("nn: MLP.ActivationGrids: activations are quantized per tensor (one grid per layer); set PerChannel false")
	}
	modelargs.Params("nn", "MLP", "ActivationGrids", params, m.dim)
	if idx == nil {
		idx = problems.All(m.Len())
	}
	L := m.Layers()
	lo, hi := make([]float64, L-1), make([]float64, L-1)
	for _, i := range idx {
		if i < 0 || i >= m.Len() {
			panic(fmt.Sprintf("nn: MLP.ActivationGrids: index %d out of range [0, %d)", i, m.Len()))
		}
		m.forward(params, m.data.X[i], nil)
		for l := 1; l < L; l++ {
			for _, v := range m.a[l] {
				lo[l-1], hi[l-1] = math.Min(lo[l-1], v), math.Max(hi[l-1], v)
			}
		}
	}
	grids := make([]Grid, L-1)
	for l := range grids {
		if math.IsNaN(lo[l]) || math.IsNaN(hi[l]) || math.IsInf(lo[l], 0) || math.IsInf(hi[l], 0) {
			panic(fmt.Sprintf("nn: MLP.ActivationGrids: layer %d has outputs in [%v, %v]", l+1, lo[l], hi[l]))
		}
		grids[l] = q.grid(lo[l], hi[l])
	}
	return grids
}

// QuantizedAccuracy is Accuracy with every hidden layer's outputs rounded
// to its grid in acts (from ActivationGrids): the accuracy of the network
// as it runs with quantized activations. Pass params through
// Quantizer.FakeQuantize first to quantize the weights as well. Cost
// O(|idx|·P). It panics unless len(acts) is the number of hidden layers.
func (m *MLP) QuantizedAccuracy(params []float64, idx []int, acts []Grid) float64 {
	modelargs.Params("nn", "MLP", "QuantizedAccuracy", params, m.dim)
	if len(acts) != m.Layers()-1 {
		panic(fmt.Sprintf("nn: MLP.QuantizedAccuracy: %d activation grids for %d hidden layers", len(acts), m.Layers()-1))
	}
	return m.data.Accuracy(idx, func(in []float64) int {
		if len(in) != m.sizes[0] {
			panic(fmt.Sprintf("nn: MLP.QuantizedAccuracy: len(input) = %d, want %d", len(in), m.sizes[0]))
		}
		m.forward(params, in, acts)
		return argmax(m.a[m.Layers()])
	})
}
