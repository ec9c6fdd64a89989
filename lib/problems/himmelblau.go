package problems

import "gonum.org/v1/gonum/mat"

// Himmelblau returns Himmelblau's function,
//
//	f(x, y) = (x² + y − 11)² + (x + y² − 7)²,
//
// which has four minima, all global with f = 0:
//
//	(3, 2), (−2.805118…, 3.131312…), (−3.779310…, −3.283186…), (3.584428…, −1.848127…),
//
// a local maximum at (−0.270845…, −0.923039…) with f ≈ 181.617, and four
// saddle points between the basins. The course uses it to show that the
// starting point (the random seed) decides which minimum a run finds.
// Start is (0, 0), which gradient descent takes to (3, 2); Box is [−5, 5, −5, 5].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
func Himmelblau() Problem {
	const name = "Himmelblau"
	return Problem{
		Name: name,
		Dim:  2,
		Func: func(x []float64) float64 {
			checkX(name, x, 2)
			a := x[0]*x[0] + x[1] - 11
			b := x[0] + x[1]*x[1] - 7
			return a*a + b*b
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 2)
			a := x[0]*x[0] + x[1] - 11
			b := x[0] + x[1]*x[1] - 7
			grad[0] = 4*x[0]*a + 2*b
			grad[1] = 2*a + 4*x[1]*b
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 2)
			hess.SetSym(0, 0, 12*x[0]*x[0]+4*x[1]-42)
			hess.SetSym(0, 1, 4*x[0]+4*x[1])
			hess.SetSym(1, 1, 4*x[0]+12*x[1]*x[1]-26)
		},
		Minima: []Minimum{
			{X: []float64{3, 2}, F: 0, Global: true},
			{X: []float64{-2.805118086952745, 3.131312518250573}, F: 0, Global: true},
			{X: []float64{-3.779310253377747, -3.283185991286169}, F: 0, Global: true},
			{X: []float64{3.5844283403304917, -1.8481265269644034}, F: 0, Global: true},
		},
		Start: []float64{0, 0},
		Box:   [4]float64{-5, 5, -5, 5},
	}
}
