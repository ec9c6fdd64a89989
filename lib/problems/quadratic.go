package problems

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Quadratic returns f(x) = ½ (x−c)ᵀ A (x−c) for a symmetric positive-definite A,
//
//	∇f(x) = A (x−c),   ∇²f(x) = A,
//
// whose only minimum is x* = c with f(x*) = 0. Gradient descent with step α
// converges on it iff α < 2/λmax(A), at a rate set by the condition number
// κ = λmax/λmin; Newton's method reaches c in one step. It is the model every
// other smooth function looks like near a minimum.
//
// A and c are copied. Func, Grad and Hess cost O(n²) and allocate nothing;
// they read only immutable state, so they are safe for concurrent use.
// Quadratic panics if A is not n×n with n = len(c), or not positive definite.
// Start is nil and Box zero; callers set them.
func Quadratic(name string, a mat.Symmetric, c []float64) Problem {
	n := len(c)
	if n == 0 {
		panic("problems: Quadratic: empty center c")
	}
	if a.SymmetricDim() != n {
		panic(fmt.Sprintf("problems: Quadratic: A is %d×%d, want %d×%d", a.SymmetricDim(), a.SymmetricDim(), n, n))
	}
	var chol mat.Cholesky
	if !chol.Factorize(a) {
		panic("problems: Quadratic: A is not positive definite")
	}
	// Dense row-major copy so evaluation is two plain loops.
	A := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			A[i*n+j] = a.At(i, j)
		}
	}
	cc := append([]float64(nil), c...)
	return Problem{
		Name: name,
		Dim:  n,
		Func: func(x []float64) float64 {
			checkX(name, x, n)
			var f float64
			for i := 0; i < n; i++ {
				row := A[i*n : i*n+n]
				var s float64
				for j, aij := range row {
					s += aij * (x[j] - cc[j])
				}
				f += (x[i] - cc[i]) * s
			}
			return 0.5 * f
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, n)
			for i := 0; i < n; i++ {
				row := A[i*n : i*n+n]
				var s float64
				for j, aij := range row {
					s += aij * (x[j] - cc[j])
				}
				grad[i] = s
			}
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, n)
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					hess.SetSym(i, j, A[i*n+j])
				}
			}
		},
		Minima: []Minimum{{X: append([]float64(nil), c...), F: 0, Global: true}},
	}
}

// Quadratic2D returns the ill-conditioned bowl the course uses to show why
// gradient descent zig-zags and momentum helps:
//
//	f(x) = ½ xᵀ A x,   A = R(θ) diag(1, κ) R(θ)ᵀ,
//
// with R(θ) the rotation by angle θ (radians). The Hessian A has eigenvalues
// 1 and κ, so its condition number is κ; at θ = 0 it is ½(x₁² + κx₂²) and the
// axes are the eigenvectors, at θ = π/4 the valley lies diagonally and no
// coordinate-wise method (AdaGrad, RMSProp, Adam) can align with it.
// Gradient descent is stable for α < 2/κ, and its best constant step
// α = 2/(1+κ) contracts the error by (κ−1)/(κ+1) per step.
//
// The only minimum is the origin with f = 0. Start is (−4, 2) rotated by θ
// (so the same run looks the same for every θ); Box is [−5, 5, −5, 5].
// Quadratic2D panics unless κ ≥ 1 and θ is finite.
func Quadratic2D(kappa, angle float64) Problem {
	if !(kappa >= 1) || math.IsInf(kappa, 1) {
		panic(fmt.Sprintf("problems: Quadratic2D: kappa = %v, want a finite kappa ≥ 1", kappa))
	}
	if math.IsNaN(angle) || math.IsInf(angle, 0) {
		panic(fmt.Sprintf("problems: Quadratic2D: angle = %v, want a finite angle", angle))
	}
	s, c := math.Sincos(angle)
	// A = R diag(1, κ) Rᵀ, R = [c −s; s c].
	a := mat.NewSymDense(2, []float64{
		c*c + kappa*s*s, (1 - kappa) * c * s,
		(1 - kappa) * c * s, s*s + kappa*c*c,
	})
	p := Quadratic(fmt.Sprintf("Quadratic κ=%g θ=%g", kappa, angle), a, []float64{0, 0})
	p.Start = []float64{-4*c - 2*s, -4*s + 2*c}
	p.Box = [4]float64{-5, 5, -5, 5}
	return p
}

// QuadraticND returns f(x) = ½ xᵀ A x in n dimensions with A = Q Λ Qᵀ, where
// Λ holds eigenvalues spread log-uniformly over [1, κ],
//
//	λᵢ = κ^(i/(n−1)),   i = 0, …, n−1,
//
// and Q is a random orthogonal matrix drawn from seed (the Q factor of a
// matrix of standard normals, signs fixed so that Q is Haar-distributed).
// The condition number of A is κ. It is the n-dimensional test bed for
// first-order methods (iterations grow like κ for gradient descent and like
// √κ for momentum and conjugate gradients) and for second-order ones.
//
// The only minimum is the origin with f = 0; Start is the vector of ones.
// Building it costs O(n³) time and O(n²) memory; evaluation costs O(n²).
// QuadraticND panics unless n ≥ 1, κ ≥ 1 is finite, and κ = 1 when n = 1.
func QuadraticND(n int, kappa float64, seed uint64) Problem {
	if n < 1 {
		panic(fmt.Sprintf("problems: QuadraticND: n = %d, want n ≥ 1", n))
	}
	if !(kappa >= 1) || math.IsInf(kappa, 1) {
		panic(fmt.Sprintf("problems: QuadraticND: kappa = %v, want a finite kappa ≥ 1", kappa))
	}
	if n == 1 && kappa != 1 {
		panic(fmt.Sprintf("problems: QuadraticND: n = 1 has a single eigenvalue, so kappa must be 1, not %v", kappa))
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for j := 0; j < n; j++ {
		if r.At(j, j) < 0 {
			for i := 0; i < n; i++ {
				q.Set(i, j, -q.At(i, j))
			}
		}
	}
	lambda := make([]float64, n)
	for i := range lambda {
		if n == 1 {
			lambda[i] = 1
		} else {
			lambda[i] = math.Pow(kappa, float64(i)/float64(n-1))
		}
	}
	a := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += q.At(i, k) * lambda[k] * q.At(j, k)
			}
			a.SetSym(i, j, s)
		}
	}
	p := Quadratic(fmt.Sprintf("Quadratic n=%d κ=%g", n, kappa), a, make([]float64, n))
	p.Start = make([]float64, n)
	for i := range p.Start {
		p.Start[i] = 1
	}
	return p
}
