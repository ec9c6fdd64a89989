package secondorder

import (
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// FDHessian writes into dst the Hessian of the function whose gradient is
// grad, at x, as the central-difference Jacobian of grad (gonum's
// fd.Jacobian with fd.Central and its default step ≈ 6e-6), symmetrised
// (H + Hᵀ)/2. It returns the number of gradient evaluations, 2n. Errors
// are O(h²) ≈ 1e-10 relative for smooth problems — far better than second
// differences of f. dst must be n×n. Cost: 2n gradients and 2n² memory.
func FDHessian(dst *mat.SymDense, grad func(g, x []float64), x []float64) int {
	n := len(x)
	if r := dst.SymmetricDim(); r != n {
		panic("secondorder: FDHessian: dst is " + itoa(r) + "×" + itoa(r) + ", x has length " + itoa(n))
	}
	jac := mat.NewDense(n, n, nil)
	evals := 0
	fd.Jacobian(jac, func(y, x []float64) { evals++; grad(y, x) }, x, &fd.JacobianSettings{Formula: fd.Central})
	for i := range n {
		for j := i; j < n; j++ {
			dst.SetSym(i, j, 0.5*(jac.At(i, j)+jac.At(j, i)))
		}
	}
	return evals
}
