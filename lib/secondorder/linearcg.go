package secondorder

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// LinearCGResult is what LinearCG returns.
type LinearCGResult struct {
	// Iterations is the number of matrix–vector products.
	Iterations int
	// Residuals holds ‖b − Axₖ‖₂ for k = 0 … Iterations.
	Residuals []float64
	// Converged reports ‖b − Ax‖ ≤ Tol·‖b‖.
	Converged bool
}

// LinearCGSettings: zero fields take the documented defaults.
type LinearCGSettings struct {
	// Tol is the relative residual ‖b − Ax‖/‖b‖ to reach (0: 1e-10).
	Tol float64
	// MaxIter bounds the iterations (0: 2n; in exact arithmetic CG ends in n).
	MaxIter int
}

// NotPositiveDefiniteError reports that CG met a direction of non-positive
// curvature pᵀAp ≤ 0: A is not positive definite.
type NotPositiveDefiniteError struct {
	Iteration int
	Curvature float64
}

func (e *NotPositiveDefiniteError) Error() string {
	return fmt.Sprintf("secondorder: LinearCG: pᵀAp = %g ≤ 0 at iteration %d: the matrix is not positive definite", e.Curvature, e.Iteration)
}

// LinearCG solves Ax = b for symmetric positive definite A by the conjugate
// gradient method (Hestenes & Stiefel 1952; N&W Algorithm 5.2), starting
// from the x passed in and overwriting it:
//
//	r₀ = b − Ax₀, p₀ = r₀;  αₖ = rₖᵀrₖ/pₖᵀApₖ;  xₖ₊₁ = xₖ + αₖpₖ;
//	rₖ₊₁ = rₖ − αₖApₖ;  βₖ = rₖ₊₁ᵀrₖ₊₁/rₖᵀrₖ;  pₖ₊₁ = rₖ₊₁ + βₖpₖ.
//
// mul(dst, v) must set dst = A·v; CG needs nothing else of A, which is why
// it scales: one product and 10n flops per iteration, 4n memory, and at most
// n iterations in exact arithmetic (about √κ·log(2/Tol)/2 in practice).
//
// It returns a *NotPositiveDefiniteError when pᵀAp ≤ 0 (x then holds the
// last iterate), an error for non-finite values, and panics on
// mismatched lengths or an empty system.
func LinearCG(mul func(dst, v []float64), b, x []float64, s LinearCGSettings) (LinearCGResult, error) {
	n := len(b)
	if n == 0 || len(x) != n {
		panic("secondorder: LinearCG: len(b) = " + itoa(n) + ", len(x) = " + itoa(len(x)) + "; want equal and ≥ 1")
	}
	tol := s.Tol
	if tol == 0 {
		tol = 1e-10
	}
	maxIter := s.MaxIter
	if maxIter == 0 {
		maxIter = 2 * n
	}
	r := make([]float64, n)
	p := make([]float64, n)
	ap := make([]float64, n)
	mul(ap, x)
	for i := range r {
		r[i] = b[i] - ap[i]
	}
	copy(p, r)
	rr := dot(r, r)
	bn := norm2(b)
	if bn == 0 {
		bn = 1
	}
	res := LinearCGResult{Residuals: []float64{math.Sqrt(rr)}}
	for k := 0; ; k++ {
		if math.Sqrt(rr) <= tol*bn {
			res.Converged = true
			return res, nil
		}
		if k >= maxIter {
			return res, nil
		}
		mul(ap, p)
		pap := dot(p, ap)
		if !finite(pap) {
			return res, fmt.Errorf("secondorder: LinearCG: pᵀAp = %v at iteration %d", pap, k)
		}
		if pap <= 0 {
			return res, &NotPositiveDefiniteError{Iteration: k, Curvature: pap}
		}
		alpha := rr / pap
		for i := range x {
			x[i] += alpha * p[i]
			r[i] -= alpha * ap[i]
		}
		rrNew := dot(r, r)
		beta := rrNew / rr
		rr = rrNew
		for i := range p {
			p[i] = r[i] + beta*p[i]
		}
		res.Iterations = k + 1
		res.Residuals = append(res.Residuals, math.Sqrt(rr))
	}
}

// SymMul returns mul(dst, v) = A·v for a gonum symmetric matrix, for
// LinearCG. Cost n² flops per call.
func SymMul(a mat.Symmetric) func(dst, v []float64) {
	n := a.SymmetricDim()
	return func(dst, v []float64) {
		if len(dst) != n || len(v) != n {
			panic("secondorder: SymMul: length mismatch")
		}
		mat.NewVecDense(n, dst).MulVec(a, mat.NewVecDense(n, v))
	}
}
