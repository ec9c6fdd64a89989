package problems

import "fmt"

// checkLoss validates the arguments of a Stochastic model's Loss (a nil idx
// stands for all examples). The indices themselves are checked as the
// models visit them.
func checkLoss(name string, grad, x []float64, idx []int, dim int) {
	if idx != nil && len(idx) == 0 {
		panic(fmt.Sprintf("problems: %s.Loss: empty idx", name))
	}
	if len(x) != dim {
		panic(fmt.Sprintf("problems: %s.Loss: len(x) = %d, want Dim() = %d", name, len(x), dim))
	}
	if grad != nil && len(grad) != dim {
		panic(fmt.Sprintf("problems: %s.Loss: len(grad) = %d, want Dim() = %d", name, len(grad), dim))
	}
}

// checkIndex panics unless 0 ≤ i < n.
func checkIndex(name string, i, n int) {
	if i < 0 || i >= n {
		panic(fmt.Sprintf("problems: %s.Loss: index %d out of range [0, %d)", name, i, n))
	}
}

// checkParams panics unless len(x) == dim.
func checkParams(name, method string, x []float64, dim int) {
	if len(x) != dim {
		panic(fmt.Sprintf("problems: %s.%s: len(params) = %d, want Dim() = %d", name, method, len(x), dim))
	}
}

// All returns the indices 0, 1, …, n−1: the full batch. Cost O(n).
func All(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// EvalGrid evaluates f on an nx × ny grid spanning box = [xmin, xmax, ymin,
// ymax], for a contour plot or a decision-boundary chart: the result z has
// ny rows of nx values, z[j][i] = f(xmin + i·Δx, ymin + j·Δy) with
// Δx = (xmax − xmin)/(nx − 1) and Δy likewise. Cost nx·ny calls of f.
// It panics unless nx, ny ≥ 2.
func EvalGrid(box [4]float64, nx, ny int, f func(x, y float64) float64) [][]float64 {
	if nx < 2 || ny < 2 {
		panic(fmt.Sprintf("problems: EvalGrid: grid %d×%d, want at least 2×2", nx, ny))
	}
	z := rows(ny, nx)
	for j := range z {
		y := box[2] + float64(j)*(box[3]-box[2])/float64(ny-1)
		for i := range z[j] {
			z[j][i] = f(box[0]+float64(i)*(box[1]-box[0])/float64(nx-1), y)
		}
	}
	return z
}
