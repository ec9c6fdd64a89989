package problems

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// ExpBowl returns a strictly convex bowl that is not a quadratic,
//
//	f(x, y) = e^(x−1) − x + e^(y−1) − y + ½(x − y)²,
//
// with its only minimum at (1, 1), f = 0, and Hessian
// [[e^(x−1) + 1, −1], [−1, e^(y−1) + 1]], positive definite everywhere.
// Its third derivatives do not vanish at the minimum, so it is the course's
// picture of Newton's quadratic convergence: eₖ₊₁/eₖ² tends to a non-zero
// constant (one Newton step is exact only on a quadratic).
// Start is (3, −2); Box is [−3, 4, −3, 4].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
func ExpBowl() Problem {
	const name = "exp bowl"
	return Problem{
		Name: name,
		Dim:  2,
		Func: func(x []float64) float64 {
			checkX(name, x, 2)
			d := x[0] - x[1]
			return math.Exp(x[0]-1) - x[0] + math.Exp(x[1]-1) - x[1] + 0.5*d*d
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 2)
			d := x[0] - x[1]
			grad[0] = math.Exp(x[0]-1) - 1 + d
			grad[1] = math.Exp(x[1]-1) - 1 - d
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 2)
			hess.SetSym(0, 0, math.Exp(x[0]-1)+1)
			hess.SetSym(0, 1, -1)
			hess.SetSym(1, 1, math.Exp(x[1]-1)+1)
		},
		Minima: []Minimum{{X: []float64{1, 1}, F: 0, Global: true}},
		Start:  []float64{3, -2},
		Box:    [4]float64{-3, 4, -3, 4},
	}
}
