package problems

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Rosenbrock returns Rosenbrock's banana function in 2-D,
//
//	f(x, y) = (1 − x)² + 100 (y − x²)²,
//
// with its only minimum at (1, 1), f = 0, at the bottom of a long, curved,
// nearly flat valley. The Hessian there has eigenvalues ≈ 0.4 and ≈ 1002
// (κ ≈ 2500), so gradient descent crawls along the valley floor while
// momentum, Adam and the quasi-Newton methods make progress; it is the
// standard picture of ill-conditioning that changes direction along the path.
// Start is the classic (−1.2, 1); Box is [−2, 2, −1, 3].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
func Rosenbrock() Problem {
	p := RosenbrockND(2)
	p.Name = "Rosenbrock"
	p.Box = [4]float64{-2, 2, -1, 3}
	return p
}

// RosenbrockND returns the extended (chained) Rosenbrock function in n ≥ 2
// dimensions, the one in gonum's optimize/functions.ExtendedRosenbrock and
// scipy.optimize.rosen,
//
//	f(x) = Σᵢ₌₁ⁿ⁻¹ (1 − xᵢ)² + 100 (xᵢ₊₁ − xᵢ²)²,
//
// with global minimum x* = (1, …, 1), f = 0; for 4 ≤ n ≤ 7 there is also a
// local minimum near (−1, 1, …, 1) (not listed). Its Hessian is tridiagonal.
// Start is (−1.2, 1, −1.2, 1, …). Func and Grad cost O(n); Hess costs O(n²)
// because it overwrites all of the n×n destination. Nothing allocates and the
// closures are safe for concurrent use. RosenbrockND panics if n < 2.
func RosenbrockND(n int) Problem {
	if n < 2 {
		panic(fmt.Sprintf("problems: RosenbrockND: n = %d, want n ≥ 2", n))
	}
	name := fmt.Sprintf("Rosenbrock n=%d", n)
	one := make([]float64, n)
	start := make([]float64, n)
	for i := range one {
		one[i] = 1
		start[i] = 1
		if i%2 == 0 {
			start[i] = -1.2
		}
	}
	return Problem{
		Name: name,
		Dim:  n,
		Func: func(x []float64) float64 {
			checkX(name, x, n)
			var f float64
			for i := 0; i < n-1; i++ {
				a := 1 - x[i]
				b := x[i+1] - x[i]*x[i]
				f += a*a + 100*b*b
			}
			return f
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, n)
			for i := range grad {
				grad[i] = 0
			}
			for i := 0; i < n-1; i++ {
				b := x[i+1] - x[i]*x[i]
				grad[i] += -2*(1-x[i]) - 400*x[i]*b
				grad[i+1] += 200 * b
			}
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, n)
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					hess.SetSym(i, j, 0)
				}
			}
			for i := 0; i < n-1; i++ {
				hii := 2 - 400*(x[i+1]-x[i]*x[i]) + 800*x[i]*x[i]
				hess.SetSym(i, i, hess.At(i, i)+hii)
				hess.SetSym(i+1, i+1, hess.At(i+1, i+1)+200)
				hess.SetSym(i, i+1, -400*x[i])
			}
		},
		Minima: []Minimum{{X: one, F: 0, Global: true}},
		Start:  start,
	}
}
