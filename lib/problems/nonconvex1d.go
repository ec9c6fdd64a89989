package problems

import "gonum.org/v1/gonum/mat"

// wellRoots are the stationary points of NonConvex1D: minima at the first,
// third and fifth, maxima at the second and fourth.
var wellRoots = [5]float64{-2, -1, 0.5, 1.5, 2.5}

// NonConvex1D returns a one-variable function with three minima of different
// depths, the sextic polynomial
//
//	f(x) = ∫₀ˣ (t + 2)(t + 1)(t − ½)(t − 3⁄2)(t − 5⁄2) dt,
//
// whose derivative f′(x) = (x + 2)(x + 1)(x − ½)(x − 3⁄2)(x − 5⁄2) vanishes at
//
//	x = −2    local minimum,  f ≈ −0.483
//	x = −1    local maximum,  f ≈  3.592
//	x = ½     local minimum,  f ≈ −0.972
//	x = 3⁄2   local maximum,  f ≈  0.499
//	x = 5⁄2   global minimum, f ≈ −2.572
//
// The course uses it for "initialization decides which minimum you get":
// gradient descent from x₀ < −1 ends at −2, from −1 < x₀ < 3⁄2 at ½, from
// x₀ > 3⁄2 at 5⁄2, and a large learning rate can jump the low barrier at 3⁄2.
// Start is 0 (which leads to the local minimum at ½); Box is
// [−2.4, 3, −3, 5] (x range, f range).
// Evaluation costs O(1) (Horner's rule), allocates nothing, and is safe for
// concurrent use.
func NonConvex1D() Problem {
	const name = "Non-convex 1-D"
	// d holds the coefficients of f′ = Π (x − rᵢ), lowest degree first.
	var d [6]float64
	d[0] = 1
	for k, r := range wellRoots {
		// multiply the degree-k polynomial d by (x − r)
		for j := k + 1; j >= 1; j-- {
			d[j] = d[j-1] - r*d[j]
		}
		d[0] = -r * d[0]
	}
	// f = ∫₀ˣ f′, so f[0] = 0 and f[j+1] = d[j]/(j+1); f″ has e[j] = (j+1) d[j+1].
	var fc [7]float64
	var e [5]float64
	for j := range d {
		fc[j+1] = d[j] / float64(j+1)
	}
	for j := range e {
		e[j] = float64(j+1) * d[j+1]
	}
	horner := func(c []float64, x float64) float64 {
		var s float64
		for j := len(c) - 1; j >= 0; j-- {
			s = s*x + c[j]
		}
		return s
	}
	minima := []Minimum{
		{X: []float64{wellRoots[0]}, F: horner(fc[:], wellRoots[0])},
		{X: []float64{wellRoots[2]}, F: horner(fc[:], wellRoots[2])},
		{X: []float64{wellRoots[4]}, F: horner(fc[:], wellRoots[4]), Global: true},
	}
	return Problem{
		Name: name,
		Dim:  1,
		Func: func(x []float64) float64 {
			checkX(name, x, 1)
			return horner(fc[:], x[0])
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 1)
			grad[0] = horner(d[:], x[0])
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 1)
			hess.SetSym(0, 0, horner(e[:], x[0]))
		},
		Minima: minima,
		Start:  []float64{0},
		Box:    [4]float64{-2.4, 3, -3, 5},
	}
}
