package optim_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// eigenRadius is the largest modulus of an eigenvalue of m, from gonum's
// general eigen-solver: the explicit computation HeavyBallRadius must match.
func eigenRadius(t *testing.T, m mat.Matrix) float64 {
	t.Helper()
	var e mat.Eigen
	if !e.Factorize(m, mat.EigenNone) {
		t.Fatalf("eigen-decomposition of %v failed", mat.Formatted(m))
	}
	r := 0.0
	for _, z := range e.Values(nil) {
		r = math.Max(r, cmplx.Abs(z))
	}
	return r
}

func TestHeavyBallRadiusMatchesEigenvalues(t *testing.T) {
	for _, alpha := range []float64{0, 0.001, 0.01, 0.02, 0.033, 0.05, 0.1} {
		for _, rho := range []float64{0, 0.1, 0.5, 0.669, 0.9, 0.99, 1, 1.2} {
			for _, lambda := range []float64{-1, 0, 1, 10, 100} {
				got := optim.HeavyBallRadius(alpha, rho, lambda)
				want := eigenRadius(t, optim.HeavyBallMatrix(alpha, rho, lambda))
				// Near a double root the eigen-solver loses half the digits.
				if math.Abs(got-want) > 1e-7*math.Max(1, want) {
					t.Errorf("α=%g ρ=%g λ=%g: HeavyBallRadius %.12g, eigenvalues of the matrix give %.12g", alpha, rho, lambda, got, want)
				}
			}
		}
	}
}

func TestHeavyBallRadiusIsTheLargestOverEigenvalues(t *testing.T) {
	a, b := optim.HeavyBallRadius(0.03, 0.5, 1), optim.HeavyBallRadius(0.03, 0.5, 100)
	if got := optim.HeavyBallRadius(0.03, 0.5, 1, 100); got != math.Max(a, b) {
		t.Errorf("radius over {1, 100} = %g, want max(%g, %g)", got, a, b)
	}
	// Over an interval of eigenvalues the largest radius is at an end.
	for _, alpha := range []float64{0.005, 0.02, 0.033, 0.045} {
		for _, rho := range []float64{0, 0.3, 0.669, 0.95} {
			ends := optim.HeavyBallRadius(alpha, rho, 1, 100)
			for lambda := 1.0; lambda <= 100; lambda += 0.25 {
				if r := optim.HeavyBallRadius(alpha, rho, lambda); r > ends+1e-15 {
					t.Errorf("α=%g ρ=%g: radius %g at λ=%g exceeds %g at the ends of [1, 100]", alpha, rho, r, lambda, ends)
				}
			}
		}
	}
}

// TestHeavyBallConvergenceRegion checks the region |z| < 1 ⇔ 0 ≤ ρ < 1 and
// 0 < αλ < 2(1 + ρ) on a grid, away from its boundary.
func TestHeavyBallConvergenceRegion(t *testing.T) {
	for rho := 0.0; rho < 1.3; rho += 0.05 {
		for x := -0.5; x < 5; x += 0.05 { // x = αλ
			inside := rho < 1 && x > 0 && x < 2*(1+rho)
			near := math.Abs(rho-1) < 1e-9 || math.Abs(x) < 1e-9 || math.Abs(x-2*(1+rho)) < 1e-9
			if near {
				continue
			}
			r := optim.HeavyBallRadius(x, rho, 1)
			if (r < 1) != inside {
				t.Errorf("ρ=%g αλ=%g: radius %g, but the region says inside=%v", rho, x, r, inside)
			}
		}
	}
}

func TestHeavyBallOptimal(t *testing.T) {
	for _, kappa := range []float64{1, 2, 10, 100, 1e4} {
		mu, L := 2.0, 2*kappa
		alpha, rho, rate := optim.HeavyBallOptimal(mu, L)
		sk := math.Sqrt(kappa)
		if want := (sk - 1) / (sk + 1); math.Abs(rate-want) > 1e-14 || math.Abs(rho-want*want) > 1e-14 {
			t.Errorf("κ=%g: rate %g ρ %g, want %g and its square", kappa, rate, rho, want)
		}
		if want := 4 / math.Pow(math.Sqrt(L)+math.Sqrt(mu), 2); math.Abs(alpha-want) > 1e-15 {
			t.Errorf("κ=%g: α = %g, want 4/(√L+√μ)² = %g", kappa, alpha, want)
		}
		if r := optim.HeavyBallRadius(alpha, rho, mu, L); math.Abs(r-rate) > 1e-7 {
			t.Errorf("κ=%g: radius at the optimum %g, want the rate %g", kappa, r, rate)
		}
		// Both ends are critically damped: (1 + ρ − αλ)² = 4ρ.
		for _, lambda := range []float64{mu, L} {
			a := 1 + rho - alpha*lambda
			if math.Abs(a*a-4*rho) > 1e-12 {
				t.Errorf("κ=%g λ=%g: discriminant %g, want 0 (critical damping)", kappa, lambda, a*a-4*rho)
			}
		}
		// No (α, ρ) nearby does better.
		for _, da := range []float64{-0.05, -0.01, 0, 0.01, 0.05} {
			for _, dr := range []float64{-0.05, -0.01, 0, 0.01, 0.05} {
				a, r := alpha*(1+da), math.Min(rho+dr, 0.999)
				if got := optim.HeavyBallRadius(a, r, mu, L); got < rate-1e-9 {
					t.Errorf("κ=%g: (α, ρ) = (%g, %g) gives radius %g below the optimal %g", kappa, a, r, got, rate)
				}
			}
		}
	}
}

// TestHeavyBallRadiusPredictsRuns checks the theory against the library's
// Momentum on the course's bowl: inside the region runs converge at the
// predicted rate, outside they diverge.
func TestHeavyBallRadiusPredictsRuns(t *testing.T) {
	p := problems.Quadratic2D(100, math.Pi/6)
	for _, alpha := range []float64{0.005, 0.015, 0.03, 0.045} {
		for _, rho := range []float64{0, 0.3, 0.6, 0.9} {
			want := optim.HeavyBallRadius(alpha, rho, 1, 100)
			if math.Abs(want-1) < 0.02 {
				continue
			}
			r := optim.Run(p, p.Start, optim.NewMomentum(alpha, rho),
				optim.Settings{MaxIter: 4000, FuncTarget: optim.AtMost(1e-200)})
			if want > 1 {
				if r.Status != optim.Diverged {
					t.Errorf("α=%g ρ=%g: radius %g > 1 but the run ended %v", alpha, rho, want, r.Status)
				}
				continue
			}
			recs := r.Trace.Records
			a, b := recs[len(recs)/2], recs[len(recs)-1]
			got := math.Pow(floats.Norm(b.X, 2)/floats.Norm(a.X, 2), 1/float64(b.Iter-a.Iter))
			if math.Abs(got-want) > 0.01*want {
				t.Errorf("α=%g ρ=%g: measured rate %.5f over steps %d–%d, predicted %.5f", alpha, rho, got, a.Iter, b.Iter, want)
			}
		}
	}
}

func TestHeavyBallBadInput(t *testing.T) {
	for name, f := range map[string]func(){
		"HeavyBallRadius: no eigenvalue":  func() { optim.HeavyBallRadius(0.1, 0.5) },
		"HeavyBallRadius: alpha is NaN":   func() { optim.HeavyBallRadius(math.NaN(), 0.5, 1) },
		"HeavyBallRadius: lambda is +Inf": func() { optim.HeavyBallRadius(0.1, 0.5, 1, math.Inf(1)) },
		"HeavyBallMatrix: rho is -Inf":    func() { optim.HeavyBallMatrix(0.1, math.Inf(-1), 1) },
		"HeavyBallOptimal: need 0 < mu":   func() { optim.HeavyBallOptimal(0, 1) },
		"HeavyBallOptimal: need 0 < mu ≤": func() { optim.HeavyBallOptimal(2, 1) },
		"HeavyBallOptimal: L < ∞":         func() { optim.HeavyBallOptimal(1, math.Inf(1)) },
		"HeavyBallOptimal: mu = NaN":      func() { optim.HeavyBallOptimal(math.NaN(), 1) },
	} {
		func() {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, "optim: HeavyBall") {
					t.Errorf("%s: panic %q, want one starting \"optim: HeavyBall\"", name, msg)
				}
			}()
			f()
		}()
	}
}

func ExampleHeavyBallOptimal() {
	// The course's bowl: Hessian eigenvalues 1 and 100.
	alpha, rho, rate := optim.HeavyBallOptimal(1, 100)
	fmt.Printf("α = %.4f, ρ = %.4f: momentum's rate %.4f\n", alpha, rho, rate)
	fmt.Printf("gradient descent's best rate: %.4f\n", optim.HeavyBallRadius(2.0/101, 0, 1, 100))
	// Output:
	// α = 0.0331, ρ = 0.6694: momentum's rate 0.8182
	// gradient descent's best rate: 0.9802
}
