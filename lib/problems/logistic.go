package problems

import (
	"fmt"
	"math"
)

// LogisticRegression is binary cross-entropy on a two-class Dataset with
// optional L2 regularization, as a Stochastic objective over θ = (w, b):
//
//	Loss_B(θ) = (1/|B|) Σ_{i∈B} [log(1 + e^{zᵢ}) − yᵢ zᵢ]  +  (λ/2) ‖w‖²,   zᵢ = w·xᵢ + b,
//	∇_w = (1/|B|) Σ (σ(zᵢ) − yᵢ) xᵢ + λ w,   ∂_b = (1/|B|) Σ (σ(zᵢ) − yᵢ),
//
// with labels yᵢ ∈ {0, 1} (torch.nn.BCEWithLogitsLoss); log(1 + eᶻ) is
// evaluated as max(z, 0) + log1p(e^{−|z|}) so it never overflows. The loss is
// convex; on separable data it has no minimizer without λ > 0 (‖w‖ grows
// forever). Loss costs O(|B|·d), allocates nothing and is safe for
// concurrent use.
type LogisticRegression struct {
	data Dataset
	d    int
	// L2 is the regularization strength λ ≥ 0.
	L2 float64
}

// NewLogisticRegression returns the logistic model on a two-class dataset
// with regularization λ = l2. It panics on an empty dataset, labels missing
// or outside {0, 1}, or l2 < 0.
func NewLogisticRegression(data Dataset, l2 float64) *LogisticRegression {
	if data.Len() == 0 || data.Features() == 0 {
		panic("problems: NewLogisticRegression: empty dataset")
	}
	if len(data.Label) != data.Len() {
		panic("problems: NewLogisticRegression: dataset has no labels (is it a regression set?)")
	}
	for i, c := range data.Label {
		if c != 0 && c != 1 {
			panic(fmt.Sprintf("problems: NewLogisticRegression: label %d of example %d, want 0 or 1", c, i))
		}
	}
	if !(l2 >= 0) {
		panic(fmt.Sprintf("problems: NewLogisticRegression: l2 = %v, want l2 ≥ 0", l2))
	}
	return &LogisticRegression{data: data, d: data.Features(), L2: l2}
}

// Len is the number of examples.
func (m *LogisticRegression) Len() int { return m.data.Len() }

// Dim is d + 1: the weights, then the bias.
func (m *LogisticRegression) Dim() int { return m.d + 1 }

// Data returns the dataset the model was built on.
func (m *LogisticRegression) Data() Dataset { return m.data }

// Loss implements Stochastic; see the type's doc comment for the formula.
func (m *LogisticRegression) Loss(grad, x []float64, idx []int) float64 {
	return affineLoss("LogisticRegression", m.data, m.L2, grad, x, idx, m)
}

// exampleLoss is log(1 + eᶻ) − yᵢz, evaluated as max(z, 0) + log1p(e^{−|z|}) − yᵢz
// so that it never overflows, and its derivative σ(z) − yᵢ.
func (m *LogisticRegression) exampleLoss(z float64, i int) (loss, dz float64) {
	y := float64(m.data.Label[i])
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - y*z, sigmoid(z) - y
}

// Prob returns P(class 1 | input) = σ(w·input + b).
// It panics if params or input have the wrong length.
func (m *LogisticRegression) Prob(params, input []float64) float64 {
	return sigmoid(affineScore("LogisticRegression", "Prob", m.d, params, input))
}

// Predict returns the more probable class, 1 when σ(w·input + b) > ½.
func (m *LogisticRegression) Predict(params, input []float64) int {
	if m.Prob(params, input) > 0.5 {
		return 1
	}
	return 0
}

// Accuracy returns the fraction of the examples idx (all of them when idx
// is nil) whose label Predict gets right. Cost O(|idx|·d).
func (m *LogisticRegression) Accuracy(params []float64, idx []int) float64 {
	return m.data.Accuracy(idx, func(in []float64) int { return m.Predict(params, in) })
}

// sigmoid is 1/(1 + e⁻ᶻ), evaluated without overflow for either sign of z.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
