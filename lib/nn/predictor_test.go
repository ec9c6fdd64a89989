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

// TestPredictorNonFiniteWeight checks that a matrix with an infinite weight
// is used whole: Predict's 0·Inf = NaN where an input is zero (an off ReLU
// unit) must not be skipped.
func TestPredictorNonFiniteWeight(t *testing.T) {
	data := problems.SpiralArms(5, 60, 0.25, 1)
	m := NewMLP(data, []int{16, 16}, ReLU, 0)
	x := make([]float64, m.Dim())
	m.Init(x, He, 1)
	ws := m.WeightMatrices()
	MagnitudePrune(x, ws, 0.6, Global)
	for j := ws[1].Off; j < ws[1].Off+ws[1].Len(); j++ {
		if x[j] != 0 {
			x[j] = math.Inf(1)
			break
		}
	}
	predict := m.Predictor(x)
	nan := 0
	for _, in := range data.X {
		predict(in)
		sparseZ := append([]float64(nil), m.a[m.Layers()]...)
		m.forward(x, in, nil)
		for c, z := range m.a[m.Layers()] {
			if s := sparseZ[c]; s != z && !(math.IsNaN(s) && math.IsNaN(z)) {
				t.Fatalf("input %v: logit %d is %v, Predict's %v", in, c, s, z)
			}
			if math.IsNaN(z) {
				nan++
			}
		}
	}
	if nan == 0 {
		t.Errorf("no NaN logit: the infinite weight never met a zero input")
	}
}
