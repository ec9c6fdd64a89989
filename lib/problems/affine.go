package problems

import (
	"fmt"

	"github.com/descentlab/descent/internal/modelargs"
)

// exampleLoss is one example's loss ℓᵢ(z) as a function of the model's
// score z = w·xᵢ + b, and its derivative dℓᵢ/dz.
type exampleLoss interface {
	exampleLoss(z float64, i int) (loss, dz float64)
}

// affineLoss is the mean loss of an affine model θ = (w, b) over the
// examples idx (all of them when idx is nil) plus (λ/2)‖w‖²:
//
//	L = (1/|B|) Σ_{i∈B} ℓᵢ(w·xᵢ + b) + (λ/2)‖w‖²,
//	∇_w = (1/|B|) Σ ℓᵢ′ xᵢ + λw,   ∂_b = (1/|B|) Σ ℓᵢ′,
//
// writing the gradient into grad when it is not nil. LinearRegression and
// LogisticRegression differ only in ℓ: ex gives it, or when ex is nil ℓ is
// the squared residual (z − yᵢ)², dℓ/dz = 2(z − yᵢ), with the targets y
// (LinearRegression's, written here rather than called per example).
// Cost O(|B|·d); no allocation.
func affineLoss(name string, data Dataset, l2 float64, grad, x []float64, idx []int, ex exampleLoss) float64 {
	d := data.Features()
	modelargs.Loss("problems", name, grad, x, idx, d+1)
	clear(grad)
	w, b := x[:d], x[d]
	y := data.Y
	n := len(idx)
	if idx == nil {
		n = data.Len()
	}
	var loss float64
	for k := range n {
		i := k
		if idx != nil {
			i = idx[k]
		}
		modelargs.Index("problems", name, i, data.Len())
		xi := data.X[i][:d]
		z := b
		for j, wj := range w {
			z += wj * xi[j]
		}
		var li, dz float64
		if ex == nil {
			r := z - y[i]
			li, dz = r*r, 2*r
		} else {
			li, dz = ex.exampleLoss(z, i)
		}
		loss += li
		if grad != nil {
			gw := grad[:len(xi)] // one bounds check, not one per weight
			for j, v := range xi {
				gw[j] += dz * v
			}
			grad[d] += dz
		}
	}
	inv := 1 / float64(n)
	loss *= inv
	var reg float64
	for _, wj := range w {
		reg += wj * wj
	}
	loss += 0.5 * l2 * reg
	if grad != nil {
		for j := range grad {
			grad[j] *= inv
		}
		for j, wj := range w {
			grad[j] += l2 * wj
		}
	}
	return loss
}

// affineScore returns w·input + b, panicking with the model and method
// named when params or input have the wrong length.
func affineScore(model, method string, d int, params, input []float64) float64 {
	modelargs.Params("problems", model, method, params, d+1)
	if len(input) != d {
		panic(fmt.Sprintf("problems: %s.%s: len(input) = %d, want %d", model, method, len(input), d))
	}
	s := params[d]
	for j, v := range input {
		s += params[j] * v
	}
	return s
}
