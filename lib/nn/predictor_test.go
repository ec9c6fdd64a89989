package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// TestPredictorIsPredict checks that Predictor answers as Predict does on
// pruned networks (dense and sparse layers, ReLU and tanh, with batch
// norm), and on weights large enough that activations overflow to ±Inf,
// where a layer falls back to every weight.
func TestPredictorIsPredict(t *testing.T) {
	data := problems.SpiralArms(5, 60, 0.25, 1)
	rng := rand.New(rand.NewPCG(3, 4))
	inputs := append([][]float64(nil), data.X...)
	for range 200 {
		inputs = append(inputs, []float64{4 * (rng.Float64() - 0.5), 4 * (rng.Float64() - 0.5)})
	}
	nets := map[string]*MLP{
		"relu":      NewMLP(data, []int{32, 16}, ReLU, 0),
		"tanh":      NewMLP(data, []int{16}, Tanh, 0),
		"batchnorm": NewBatchNormMLP(data, []int{16, 16}, ReLU, 0),
	}
	for name, m := range nets {
		for _, sparsity := range []float64{0, 0.3, 0.6, 0.9, 0.97} {
			for _, huge := range []bool{false, true} {
				x := make([]float64, m.Dim())
				m.Init(x, He, 1)
				ws := m.WeightMatrices()
				if huge { // the second layer's sums overflow to ±Inf (NaN after)
					for k, scale := range []float64{1e307, 1e3} {
						for j := ws[k].Off; j < ws[k].Off+ws[k].Len(); j++ {
							x[j] *= scale
						}
					}
				}
				MagnitudePrune(x, ws, sparsity, Global)
				predict := m.Predictor(x)
				differ := 0
				L := m.Layers()
				for _, in := range inputs {
					// The logits too, equal as numbers (NaN where NaN).
					predict(in)
					sparseZ := append([]float64(nil), m.a[L]...)
					m.forward(x, in, nil)
					for c, z := range m.a[L] {
						if s := sparseZ[c]; s != z && !(math.IsNaN(s) && math.IsNaN(z)) {
							t.Fatalf("%s, sparsity %v, huge %v: input %v: logit %d is %v, Predict's %v", name, sparsity, huge, in, c, s, z)
						}
					}
					if got, want := predict(in), m.Predict(x, in); got != want {
						differ++
						if differ == 1 {
							t.Errorf("%s, sparsity %v, huge %v: input %v: Predictor %d, Predict %d", name, sparsity, huge, in, got, want)
						}
					}
				}
				if huge && sparsity == 0.6 && name == "relu" {
					in := []float64{1, 1}
					m.forward(x, in, nil)
					if allFinite(m.a[2]) {
						t.Errorf("the huge weights should overflow the second layer: %v", m.a[2][:4])
					}
				}
			}
		}
	}
}
