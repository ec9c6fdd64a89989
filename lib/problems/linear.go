package problems

import "fmt"

// LinearRegression is least squares on a regression Dataset with optional
// L2 regularization (ridge), as a Stochastic objective over the parameters
// θ = (w₁, …, w_d, b):
//
//	Loss_B(θ) = (1/|B|) Σ_{i∈B} (w·xᵢ + b − yᵢ)²  +  (λ/2) ‖w‖²,
//	∇_w = (2/|B|) Σ rᵢ xᵢ + λ w,   ∂_b = (2/|B|) Σ rᵢ,   rᵢ = w·xᵢ + b − yᵢ,
//
// the mean squared error of torch.nn.MSELoss; the bias is not regularized.
// The full-batch loss is a convex quadratic with Hessian (2/n) XᵀX (+λ on w),
// so its condition number is that of the data. Loss costs O(|B|·d) and
// allocates nothing; it reads only immutable state and is safe for
// concurrent use.
type LinearRegression struct {
	data Dataset
	d    int
	// L2 is the regularization strength λ ≥ 0.
	L2 float64
}

// NewLinearRegression returns the least-squares model on data (which must
// have targets Y) with regularization λ = l2. It panics on an empty dataset,
// a dataset without targets, or l2 < 0.
func NewLinearRegression(data Dataset, l2 float64) *LinearRegression {
	if data.Len() == 0 || data.Features() == 0 {
		panic("problems: NewLinearRegression: empty dataset")
	}
	if len(data.Y) != data.Len() {
		panic("problems: NewLinearRegression: dataset has no targets Y (is it a classification set?)")
	}
	if !(l2 >= 0) {
		panic(fmt.Sprintf("problems: NewLinearRegression: l2 = %v, want l2 ≥ 0", l2))
	}
	return &LinearRegression{data: data, d: data.Features(), L2: l2}
}

// Len is the number of examples.
func (m *LinearRegression) Len() int { return m.data.Len() }

// Dim is d + 1: the weights, then the bias.
func (m *LinearRegression) Dim() int { return m.d + 1 }

// Data returns the dataset the model was built on.
func (m *LinearRegression) Data() Dataset { return m.data }

// Loss implements Stochastic; see the type's doc comment for the formula.
func (m *LinearRegression) Loss(grad, x []float64, idx []int) float64 {
	return affineLoss("LinearRegression", m.data, m.L2, grad, x, idx, nil) // nil: the squared residual
}

// Predict returns w·input + b. It panics if params or input have the wrong length.
func (m *LinearRegression) Predict(params, input []float64) float64 {
	return affineScore("LinearRegression", "Predict", m.d, params, input)
}
