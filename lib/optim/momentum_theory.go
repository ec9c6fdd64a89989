package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/descentlab/descent/internal/num"
)

// Heavy-ball momentum on a quadratic, in closed form (Polyak 1964; Goh,
// "Why Momentum Really Works", Distill 2017).
//
// On f(x) = ½ xᵀAx, Momentum with learning rate α and momentum ρ moves
// every eigen-component of x, with eigenvalue λ of A, on its own:
// b ← ρb + λx, x ← x − αb gives x_{t+1} = (1 + ρ − αλ) x_t − ρ x_{t−1}
// (since αb_t = x_{t−1} − x_t), that is
//
//	⎡x_{t+1}⎤   ⎡1 + ρ − αλ   −ρ⎤ ⎡x_t    ⎤
//	⎣x_t    ⎦ = ⎣    1          0⎦ ⎣x_{t−1}⎦ .
//
// The eigenvalues z of this matrix solve z² − (1 + ρ − αλ)z + ρ = 0:
// their product is ρ and their sum 1 + ρ − αλ. Both lie inside the unit
// circle, so the component converges, if and only if |ρ| < 1 and
// 0 < αλ < 2(1 + ρ). They are complex, of modulus √ρ (the component
// oscillates), when (1 − √ρ)² < αλ < (1 + √ρ)², and equal (critical
// damping) on the edges of that band. In the long run the error shrinks by
// the spectral radius per step.

// HeavyBallMatrix returns the 2×2 iteration matrix of heavy-ball momentum
// (learning rate alpha, momentum rho) on an eigen-component of a quadratic
// with eigenvalue lambda: [[1 + ρ − αλ, −ρ], [1, 0]], acting on
// (x_t, x_{t−1}). It panics, with a message starting "optim:", if an
// argument is NaN or infinite. Cost O(1).
func HeavyBallMatrix(alpha, rho, lambda float64) *mat.Dense {
	heavyBallFinite("HeavyBallMatrix", "alpha", alpha)
	heavyBallFinite("HeavyBallMatrix", "rho", rho)
	heavyBallFinite("HeavyBallMatrix", "lambda", lambda)
	return mat.NewDense(2, 2, []float64{1 + rho - alpha*lambda, -rho, 1, 0})
}

// HeavyBallRadius returns the spectral radius of heavy-ball momentum's
// iteration on a quadratic whose Hessian has the given eigenvalues: the
// largest modulus of an eigenvalue of HeavyBallMatrix(alpha, rho, λ) over
// lambdas. The error ‖x_t − x*‖ of a run shrinks (or grows) by this factor
// per step in the long run; the run converges from every start if and only
// if it is < 1. With rho = 0 it is gradient descent's max |1 − αλ|.
//
// It is computed in closed form from z² − az + ρ = 0, a = 1 + ρ − αλ:
// √ρ when a² < 4ρ, else (|a| + √(a² − 4ρ))/2. For the eigenvalues of a
// quadratic in [μ, L] the radius over the whole interval is the larger of
// the radii at μ and at L (it falls, stays at √ρ, then rises as αλ grows).
// It panics, with a message starting "optim:", if no eigenvalue is given or
// an argument is NaN or infinite. Cost O(len(lambdas)).
func HeavyBallRadius(alpha, rho float64, lambdas ...float64) float64 {
	if len(lambdas) == 0 {
		panic("optim: HeavyBallRadius: no eigenvalue given")
	}
	heavyBallFinite("HeavyBallRadius", "alpha", alpha)
	heavyBallFinite("HeavyBallRadius", "rho", rho)
	r := 0.0
	for _, lambda := range lambdas {
		heavyBallFinite("HeavyBallRadius", "lambda", lambda)
		a := 1 + rho - alpha*lambda
		disc := a*a - 4*rho
		if disc < 0 {
			r = math.Max(r, math.Sqrt(rho))
		} else {
			r = math.Max(r, (math.Abs(a)+math.Sqrt(disc))/2)
		}
	}
	return r
}

// HeavyBallOptimal returns Polyak's (1964) learning rate and momentum for a
// quadratic whose Hessian's eigenvalues lie in [mu, L], and the rate they
// give:
//
//	α = 4/(√L + √μ)²,   ρ = ((√κ − 1)/(√κ + 1))²,   rate = (√κ − 1)/(√κ + 1),
//
// with κ = L/μ. They put both ends of the spectrum at critical damping,
// αμ = (1 − √ρ)² and αL = (1 + √ρ)², so that every eigen-component shrinks
// by √ρ per step in the long run and no other (α, ρ) has a smaller
// HeavyBallRadius over [mu, L]. Gradient descent's best rate, at
// α = 2/(L + μ), is (κ − 1)/(κ + 1). At the optimum the two eigenvalues of
// each end coincide, so the error there shrinks like t·rateᵗ rather than
// rateᵗ. It panics, with a message starting "optim:", unless
// 0 < mu ≤ L < ∞. Cost O(1).
func HeavyBallOptimal(mu, L float64) (alpha, rho, rate float64) {
	if !(mu > 0) || !(L >= mu) || math.IsInf(L, 1) {
		panic(fmt.Sprintf("optim: HeavyBallOptimal: need 0 < mu ≤ L < ∞, got mu = %g, L = %g", mu, L))
	}
	sm, sl := math.Sqrt(mu), math.Sqrt(L)
	rate = (sl - sm) / (sl + sm)
	return 4 / ((sl + sm) * (sl + sm)), rate * rate, rate
}

// heavyBallFinite panics, naming the function and the argument, if v is NaN or
// ±Inf.
func heavyBallFinite(fn, name string, v float64) {
	if !num.Finite(v) {
		panic(fmt.Sprintf("optim: %s: %s is %g, must be finite", fn, name, v))
	}
}
