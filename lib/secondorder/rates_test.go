package secondorder

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// illQuartic is f = ½(x² + 25y²) + ¼(x⁴ + y⁴): convex, κ = 25 at the
// minimum (the origin), and not quadratic, so quasi-Newton methods do not
// finish in n steps.
func illQuartic() problems.Problem {
	return problems.Problem{
		Name: "ill quartic", Dim: 2,
		Func: func(x []float64) float64 {
			return 0.5*(x[0]*x[0]+25*x[1]*x[1]) + 0.25*(x[0]*x[0]*x[0]*x[0]+x[1]*x[1]*x[1]*x[1])
		},
		Grad: func(g, x []float64) {
			g[0] = x[0] + x[0]*x[0]*x[0]
			g[1] = 25*x[1] + x[1]*x[1]*x[1]
		},
		Hess: func(h *mat.SymDense, x []float64) {
			h.SetSym(0, 0, 1+3*x[0]*x[0])
			h.SetSym(0, 1, 0)
			h.SetSym(1, 1, 25+3*x[1]*x[1])
		},
	}
}

// The three rates, measured by ConvergenceRates on one problem: steepest
// descent (CG restarted every step) is linear, the error shrinking by a
// constant factor in (0, 1) (per two steps, as it zigzags); BFGS is superlinear, eₖ₊₁/eₖ → 0; Newton is
// quadratic, eₖ₊₁/eₖ² bounded.
func TestConvergenceRatesShowRates(t *testing.T) {
	p := illQuartic()
	x0 := []float64{1, 1}
	xstar := []float64{0, 0}
	tol := optim.Settings{MaxIter: 10000, GradTol: 1e-13}
	tail := func(m optim.Method, field func(RateRow) float64) []float64 {
		r := run(m, p, x0, tol)
		if r.Status != optim.GradientThreshold {
			t.Fatalf("%T: %v", m, r.Status)
		}
		var v []float64
		for _, row := range ConvergenceRates(r.Trace, xstar) {
			if q := field(row); !math.IsNaN(q) {
				v = append(v, q)
			}
		}
		return v
	}
	lin := func(r RateRow) float64 { return r.Linear }
	quad := func(r RateRow) float64 { return r.Quadratic }

	sd := tail(&CG{RestartEvery: 1}, lin)
	last := sd[len(sd)-6:]
	t.Logf("steepest descent, last eₖ₊₁/eₖ: %.3g", last)
	// Steepest descent zigzags, so single ratios alternate; over two
	// steps the contraction eₖ₊₂/eₖ is a constant in (0, 1): linear.
	two := last[0] * last[1]
	for k := 0; k+1 < len(last); k++ {
		if q := last[k] * last[k+1]; q <= 0 || q >= 1 || math.Abs(q-two) > 0.01*two {
			t.Errorf("steepest descent eₖ₊₂/eₖ = %g, want a constant %g in (0, 1)", q, two)
		}
	}

	bf := tail(NewBFGS(), lin)
	t.Logf("BFGS eₖ₊₁/eₖ: %.3g", bf)
	if m := bf[len(bf)-1]; m > 0.05 {
		t.Errorf("BFGS final ratio %g: want → 0 (superlinear)", m)
	}

	nt := tail(NewNewton(), quad)
	t.Logf("Newton eₖ₊₁/eₖ²: %.3g", nt)
	for _, q := range nt {
		if q > 10 {
			t.Errorf("Newton eₖ₊₁/eₖ² = %g: want bounded", q)
		}
	}
}
