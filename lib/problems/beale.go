package problems

import "gonum.org/v1/gonum/mat"

// Beale returns Beale's function,
//
//	f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²,
//
// with its only minimum at (3, 0.5), f = 0. Flat plateaus and steep ridges
// (the y³ term makes f grow to 10⁵ at the edge of the box) make a single
// learning rate either too small on the plateau or unstable on the walls:
// the course's picture of what adaptive methods (AdaGrad, RMSProp, Adam) fix.
// Start is (1, 1) (Moré, Garbow and Hillstrom 1981); Box is [−4.5, 4.5, −4.5, 4.5].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
func Beale() Problem {
	const name = "Beale"
	c := [3]float64{1.5, 2.25, 2.625}
	return Problem{
		Name: name,
		Dim:  2,
		Func: func(x []float64) float64 {
			checkX(name, x, 2)
			var f float64
			yk := 1.0
			for k := range c {
				yk *= x[1]
				r := c[k] - x[0] + x[0]*yk
				f += r * r
			}
			return f
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 2)
			var gx, gy float64
			yk1 := 1.0 // y^(k−1)
			for k := range c {
				kk := float64(k + 1)
				yk := yk1 * x[1]
				r := c[k] - x[0] + x[0]*yk
				gx += 2 * r * (yk - 1)
				gy += 2 * r * kk * x[0] * yk1
				yk1 = yk
			}
			grad[0], grad[1] = gx, gy
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 2)
			var hxx, hxy, hyy float64
			yk2 := 0.0 // y^(k−2), 0 for k = 1 where it is multiplied by k−1 = 0
			yk1 := 1.0 // y^(k−1)
			for k := range c {
				kk := float64(k + 1)
				yk := yk1 * x[1]
				r := c[k] - x[0] + x[0]*yk
				rx := yk - 1
				ry := kk * x[0] * yk1
				hxx += 2 * rx * rx
				hxy += 2 * (rx*ry + r*kk*yk1)
				hyy += 2 * (ry*ry + r*kk*(kk-1)*x[0]*yk2)
				yk2, yk1 = yk1, yk
			}
			hess.SetSym(0, 0, hxx)
			hess.SetSym(0, 1, hxy)
			hess.SetSym(1, 1, hyy)
		},
		Minima: []Minimum{{X: []float64{3, 0.5}, F: 0, Global: true}},
		Start:  []float64{1, 1},
		Box:    [4]float64{-4.5, 4.5, -4.5, 4.5},
	}
}
