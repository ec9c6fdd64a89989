package problems

import "gonum.org/v1/gonum/mat"

// Booth returns Booth's function,
//
//	f(x, y) = (x + 2y − 7)² + (2x + y − 5)²,
//
// a convex quadratic with constant Hessian [[10, 8], [8, 10]] (eigenvalues 2
// and 18, κ = 9) and its only minimum at (1, 3), f = 0. It is the gentle
// first surface: every method converges, and the differences between them
// are differences of speed, not of outcome.
// Start is (−6, 8); Box is [−10, 10, −10, 10].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
func Booth() Problem {
	const name = "Booth"
	return Problem{
		Name: name,
		Dim:  2,
		Func: func(x []float64) float64 {
			checkX(name, x, 2)
			r1 := x[0] + 2*x[1] - 7
			r2 := 2*x[0] + x[1] - 5
			return r1*r1 + r2*r2
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 2)
			r1 := x[0] + 2*x[1] - 7
			r2 := 2*x[0] + x[1] - 5
			grad[0] = 2*r1 + 4*r2
			grad[1] = 4*r1 + 2*r2
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 2)
			hess.SetSym(0, 0, 10)
			hess.SetSym(0, 1, 8)
			hess.SetSym(1, 1, 10)
		},
		Minima: []Minimum{{X: []float64{1, 3}, F: 0, Global: true}},
		Start:  []float64{-6, 8},
		Box:    [4]float64{-10, 10, -10, 10},
	}
}
