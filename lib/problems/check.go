package problems

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// checkX panics unless len(x) == n. It is called on every evaluation of a
// fixed-dimension surface, so it must stay cheap: no formatting on success.
func checkX(name string, x []float64, n int) {
	if len(x) != n {
		panic(fmt.Sprintf("problems: %s: len(x) = %d, want %d", name, len(x), n))
	}
}

// checkGrad panics unless len(grad) == len(x) == n (n ≤ 0 means any n ≥ 1).
func checkGrad(name string, grad, x []float64, n int) {
	if n > 0 {
		checkX(name, x, n)
	} else if len(x) == 0 {
		panic(fmt.Sprintf("problems: %s: empty x", name))
	}
	if len(grad) != len(x) {
		panic(fmt.Sprintf("problems: %s: len(grad) = %d, want len(x) = %d", name, len(grad), len(x)))
	}
}

// checkHess panics unless hess is len(x)×len(x) and len(x) == n (n ≤ 0 means any n ≥ 1).
func checkHess(name string, hess *mat.SymDense, x []float64, n int) {
	if n > 0 {
		checkX(name, x, n)
	} else if len(x) == 0 {
		panic(fmt.Sprintf("problems: %s: empty x", name))
	}
	if hess == nil {
		panic(fmt.Sprintf("problems: %s: nil Hessian destination", name))
	}
	if d := hess.SymmetricDim(); d != len(x) {
		panic(fmt.Sprintf("problems: %s: Hessian is %d×%d, want %d×%d", name, d, d, len(x), len(x)))
	}
}
