// Package gonumset adapts the unconstrained test problems of
// gonum.org/v1/gonum/optimize/functions to problems.Problem and lists the
// standard set the course compares its optimizers on (against gonum's
// optimize and scipy's L-BFGS-B, in tests and cmd/benchreport).
//
// It is a package of its own because gonum's optimize/functions imports
// package testing, and with it flag: a notebook cell that imports lib/optim
// or lib/problems does not link it. The lessons use lib/problems' surfaces.
package gonumset

import (
	"fmt"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/functions"
)

// Function is the method set of the test problems in
// gonum.org/v1/gonum/optimize/functions (functions.Beale{},
// functions.Watson{}, …). Some of them also have
// Hess(*mat.SymDense, []float64) and Minima() []functions.Minimum, which
// From picks up when present.
type Function interface {
	Func(x []float64) float64
	Grad(grad, x []float64)
}

// From adapts a gonum test function to a problems.Problem of dimension
// len(start), with Start a copy of start. Hess is f's Hess method when it has
// one and nil otherwise; Minima are those of f's Minima method whose
// dimension is len(start). The closures check lengths (panicking with a
// "gonumset: " message) and then call f; they allocate nothing more than f
// does. From panics if start is empty.
func From(name string, f Function, start []float64) problems.Problem {
	n := len(start)
	if n == 0 {
		panic("gonumset: From: empty start")
	}
	p := problems.Problem{
		Name:  name,
		Dim:   n,
		Start: append([]float64(nil), start...),
		Func: func(x []float64) float64 {
			checkX(name, x, n)
			return f.Func(x)
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, n)
			f.Grad(grad, x)
		},
	}
	if h, ok := f.(interface {
		Hess(*mat.SymDense, []float64)
	}); ok {
		p.Hess = func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, n)
			h.Hess(hess, x)
		}
	}
	if m, ok := f.(interface{ Minima() []functions.Minimum }); ok {
		for _, v := range m.Minima() {
			if len(v.X) == n {
				p.Minima = append(p.Minima, problems.Minimum{X: append([]float64(nil), v.X...), F: v.F, Global: v.Global})
			}
		}
	}
	return p
}

// Problems returns the standard unconstrained test set, built fresh, for
// comparing optimizers in one table: gonum's optimize/functions problems at
// their literature starting points (Moré, Garbow and Hillstrom, "Testing
// unconstrained optimization software", ACM TOMS 7, 1981, and scipy's docs),
// with the minima gonum documents for that dimension:
//
//	Rosenbrock 2-D                 (−1.2, 1)                    f* = 0 at (1, 1)
//	ExtendedRosenbrock n=5         (1.3, 0.7, 0.8, 1.9, 1.2)    f* = 0 at 1 (and a local minimum)
//	ExtendedRosenbrock n=100, 1000 (−1.2, 1, −1.2, 1, …)        f* = 0 at 1
//	Beale                          (1, 1)                       f* = 0 at (3, 0.5)
//	Wood                           (−3, −1, −3, −1)             f* = 0 at 1
//	BrownBadlyScaled               (1, 1)                       f* = 0 at (10⁶, 2·10⁻⁶)
//	PowellBadlyScaled              (0, 1)                       f* = 0
//	HelicalValley                  (−1, 0, 0)                   f* = 0 at (1, 0, 0)
//	Gaussian                       (0.4, 1, 0)                  f* ≈ 1.128·10⁻⁸
//	Box3D                          (0, 10, 20)                  f* = 0 at (1, 10, 1)
//	BrownAndDennis                 (25, 5, −5, −1)              f* ≈ 85822.2
//	Watson n=6                     0                            f* ≈ 2.288·10⁻³
//	Watson n=9                     0                            f* ≈ 1.400·10⁻⁶
//	BiggsEXP6                      (1, 2, 1, 1, 1, 1)           f* = 0 (and local minima)
//	PenaltyI n=4, 10               (1, 2, …, n)                 f* ≈ 2.250·10⁻⁵, 7.088·10⁻⁵
//	VariablyDimensioned n=10       (1 − i/n)ᵢ₌₁ⁿ                f* = 0 at 1
//	Trigonometric n=10             (1/n, …, 1/n)                f* = 0 (and a local minimum ≈ 2.8·10⁻⁵)
//
// Hess is gonum's where gonum has a correct one (Wood, BrownBadlyScaled,
// PowellBadlyScaled, BrownAndDennis, Watson), the tridiagonal one of
// problems.RosenbrockND for the Rosenbrock entries, that of problems.Beale()
// for Beale (gonum's is wrong off the diagonal x = y), and written here for
// PenaltyI and VariablyDimensioned; it is nil for HelicalValley, Gaussian, Box3D,
// BiggsEXP6 and Trigonometric, for which a Newton table needs finite
// differences. Note that gonum lists the minimum of a problem where its
// documentation knows it: the locations are accurate to about 1e-7 and some
// (BiggsEXP6's third entry, at x₂ = 1000) are only limits, so test gradients
// there with a tolerance, not against zero.
// Building the set costs O(Σ n) time and memory; evaluation costs what
// gonum's methods cost (O(n) for most, O(n²) for the Hessians).
func Problems() []problems.Problem {
	alternate := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 1
			if i%2 == 0 {
				x[i] = -1.2
			}
		}
		return x
	}
	ones := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 1
		}
		return x
	}
	rosen := func(name string, start []float64) problems.Problem {
		p := From(name, functions.ExtendedRosenbrock{}, start)
		p.Hess = problems.RosenbrockND(len(start)).Hess
		if len(p.Minima) == 0 {
			p.Minima = []problems.Minimum{{X: ones(len(start)), F: 0, Global: true}}
		}
		return p
	}
	penaltyStart := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(i + 1)
		}
		return x
	}
	vdStart := make([]float64, 10)
	for i := range vdStart {
		vdStart[i] = 1 - float64(i+1)/10
	}
	trigStart := make([]float64, 10)
	for i := range trigStart {
		trigStart[i] = 0.1
	}

	// gonum v0.17.0's Beale.Hess has x[1] where its residuals need x[0]
	// (f1 := 1.5 - x[1]*t1, …), so it is off by a few percent wherever
	// x ≠ y; the analytic Hessian of Beale() replaces it.
	beale := From("Beale", functions.Beale{}, []float64{1, 1})
	beale.Hess = problems.Beale().Hess
	pen4 := From("PenaltyI n=4", functions.PenaltyI{}, penaltyStart(4))
	pen4.Hess = penaltyIHess(pen4.Name, 4)
	pen10 := From("PenaltyI n=10", functions.PenaltyI{}, penaltyStart(10))
	pen10.Hess = penaltyIHess(pen10.Name, 10)
	vd := From("VariablyDimensioned n=10", functions.VariablyDimensioned{}, vdStart)
	vd.Hess = variablyDimensionedHess(vd.Name, 10)

	return []problems.Problem{
		rosen("Rosenbrock 2-D", []float64{-1.2, 1}),
		rosen("ExtendedRosenbrock n=5", []float64{1.3, 0.7, 0.8, 1.9, 1.2}),
		rosen("ExtendedRosenbrock n=100", alternate(100)),
		rosen("ExtendedRosenbrock n=1000", alternate(1000)),
		beale,
		From("Wood", functions.Wood{}, []float64{-3, -1, -3, -1}),
		From("BrownBadlyScaled", functions.BrownBadlyScaled{}, []float64{1, 1}),
		From("PowellBadlyScaled", functions.PowellBadlyScaled{}, []float64{0, 1}),
		From("HelicalValley", functions.HelicalValley{}, []float64{-1, 0, 0}),
		From("Gaussian", functions.Gaussian{}, []float64{0.4, 1, 0}),
		From("Box3D", functions.Box3D{}, []float64{0, 10, 20}),
		From("BrownAndDennis", functions.BrownAndDennis{}, []float64{25, 5, -5, -1}),
		From("Watson n=6", functions.Watson{}, make([]float64, 6)),
		From("Watson n=9", functions.Watson{}, make([]float64, 9)),
		From("BiggsEXP6", functions.BiggsEXP6{}, []float64{1, 2, 1, 1, 1, 1}),
		pen4,
		pen10,
		vd,
		From("Trigonometric n=10", functions.Trigonometric{}, trigStart),
	}
}

// penaltyIHess is the Hessian of gonum's PenaltyI,
// f = 10⁻⁵ Σ (xᵢ − 1)² + (Σ xᵢ² − ¼)²:  ∇²f = (2·10⁻⁵ + 4(Σ xᵢ² − ¼)) I + 8 x xᵀ.
func penaltyIHess(name string, n int) func(*mat.SymDense, []float64) {
	return func(hess *mat.SymDense, x []float64) {
		checkHess(name, hess, x, n)
		s := -0.25
		for _, v := range x {
			s += v * v
		}
		d := 2e-5 + 4*s
		for i, xi := range x {
			for j := i; j < len(x); j++ {
				h := 8 * xi * x[j]
				if i == j {
					h += d
				}
				hess.SetSym(i, j, h)
			}
		}
	}
}

// variablyDimensionedHess is the Hessian of gonum's VariablyDimensioned,
// f = Σ (xᵢ − 1)² + S² + S⁴ with S = Σ i (xᵢ − 1):  ∇²f = 2I + (2 + 12S²) w wᵀ, wᵢ = i.
func variablyDimensionedHess(name string, n int) func(*mat.SymDense, []float64) {
	return func(hess *mat.SymDense, x []float64) {
		checkHess(name, hess, x, n)
		var s float64
		for i, v := range x {
			s += float64(i+1) * (v - 1)
		}
		c := 2 + 12*s*s
		for i := range x {
			for j := i; j < len(x); j++ {
				h := c * float64(i+1) * float64(j+1)
				if i == j {
					h += 2
				}
				hess.SetSym(i, j, h)
			}
		}
	}
}

// checkX panics unless len(x) == n.
func checkX(name string, x []float64, n int) {
	if len(x) != n {
		panic(fmt.Sprintf("gonumset: %s: len(x) = %d, want %d", name, len(x), n))
	}
}

// checkGrad panics unless len(grad) == len(x) == n.
func checkGrad(name string, grad, x []float64, n int) {
	checkX(name, x, n)
	if len(grad) != len(x) {
		panic(fmt.Sprintf("gonumset: %s: len(grad) = %d, want len(x) = %d", name, len(grad), len(x)))
	}
}

// checkHess panics unless hess is n×n and len(x) == n.
func checkHess(name string, hess *mat.SymDense, x []float64, n int) {
	checkX(name, x, n)
	if hess == nil {
		panic(fmt.Sprintf("gonumset: %s: nil Hessian destination", name))
	}
	if d := hess.SymmetricDim(); d != n {
		panic(fmt.Sprintf("gonumset: %s: Hessian is %d×%d, want %d×%d", name, d, d, n, n))
	}
}
