package problems

import (
	"fmt"

	"github.com/descentlab/descent/internal/modelargs"
)

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
	z := modelargs.Rows(ny, nx)
	for j := range z {
		y := box[2] + float64(j)*(box[3]-box[2])/float64(ny-1)
		for i := range z[j] {
			z[j][i] = f(box[0]+float64(i)*(box[1]-box[0])/float64(nx-1), y)
		}
	}
	return z
}
