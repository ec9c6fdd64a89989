package problems

import "gonum.org/v1/gonum/mat"

// Saddle returns the simplest saddle,
//
//	f(x, y) = x² − y²,   ∇f = (2x, −2y),   ∇²f = diag(2, −2),
//
// whose only stationary point, the origin, is a saddle: a minimum along x and
// a maximum along y. f is unbounded below, so Minima is empty. Started near
// the x-axis, gradient descent slides to the saddle and lingers there (the y
// component grows only by the factor 1 + 2α per step) before escaping; noise
// (SGD) or momentum escapes sooner, and Newton's method is attracted to it.
// Start is (−1.5, 0.01); Box is [−2, 2, −2, 2].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
func Saddle() Problem {
	const name = "Saddle x²−y²"
	return Problem{
		Name: name,
		Dim:  2,
		Func: func(x []float64) float64 {
			checkX(name, x, 2)
			return x[0]*x[0] - x[1]*x[1]
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 2)
			grad[0] = 2 * x[0]
			grad[1] = -2 * x[1]
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 2)
			hess.SetSym(0, 0, 2)
			hess.SetSym(0, 1, 0)
			hess.SetSym(1, 1, -2)
		},
		Start: []float64{-1.5, 0.01},
		Box:   [4]float64{-2, 2, -2, 2},
	}
}
