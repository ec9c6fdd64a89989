package problems

import "gonum.org/v1/gonum/mat"

// MonkeySaddle returns the monkey saddle,
//
//	f(x, y) = x³ − 3xy²,   ∇f = (3x² − 3y², −6xy),   ∇²f = [[6x, −6y], [−6y, −6x]],
//
// with three descending valleys (room for two legs and a tail) meeting at the
// origin, where both the gradient and the Hessian vanish: a degenerate saddle
// that second-order information cannot classify. f is unbounded below, so
// Minima is empty. Near the origin the gradient shrinks quadratically, so
// gradient descent slows to a crawl (x ← x − 3αx² on the x-axis): the
// course's example of a flat region rather than a steep one.
// Start is (1.5, 0.2); Box is [−2, 2, −2, 2].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
func MonkeySaddle() Problem {
	const name = "Monkey saddle"
	return Problem{
		Name: name,
		Dim:  2,
		Func: func(x []float64) float64 {
			checkX(name, x, 2)
			return x[0]*x[0]*x[0] - 3*x[0]*x[1]*x[1]
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 2)
			grad[0] = 3*x[0]*x[0] - 3*x[1]*x[1]
			grad[1] = -6 * x[0] * x[1]
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 2)
			hess.SetSym(0, 0, 6*x[0])
			hess.SetSym(0, 1, -6*x[1])
			hess.SetSym(1, 1, -6*x[0])
		},
		Start: []float64{1.5, 0.2},
		Box:   [4]float64{-2, 2, -2, 2},
	}
}
