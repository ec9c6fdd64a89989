package secondorder

import (
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/optim"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// expProblem is a strictly convex, non-quadratic objective with minimum
// (1, 1): f = e^(x−1) − x + e^(y−1) − y + ½(x−y)². Its third derivative is
// not zero at the minimum, so Newton's eₖ₊₁/eₖ² tends to a non-zero constant.
func expProblem() problems.Problem {
	return problems.Problem{
		Name: "exp", Dim: 2,
		Func: func(x []float64) float64 {
			return math.Exp(x[0]-1) - x[0] + math.Exp(x[1]-1) - x[1] + 0.5*(x[0]-x[1])*(x[0]-x[1])
		},
		Grad: func(g, x []float64) {
			g[0] = math.Exp(x[0]-1) - 1 + (x[0] - x[1])
			g[1] = math.Exp(x[1]-1) - 1 - (x[0] - x[1])
		},
		Hess: func(h *mat.SymDense, x []float64) {
			h.SetSym(0, 0, math.Exp(x[0]-1)+1)
			h.SetSym(1, 1, math.Exp(x[1]-1)+1)
			h.SetSym(0, 1, -1)
		},
	}
}

// doubleWell is f = x⁴/4 − x²/2 + y²/2: minima (±1, 0), a saddle at the
// origin, and an indefinite Hessian diag(3x² − 1, 1) for |x| < 1/√3.
func doubleWell() problems.Problem {
	return problems.Problem{
		Name: "double well", Dim: 2,
		Func: func(x []float64) float64 { return x[0]*x[0]*x[0]*x[0]/4 - x[0]*x[0]/2 + x[1]*x[1]/2 },
		Grad: func(g, x []float64) {
			g[0] = x[0]*x[0]*x[0] - x[0]
			g[1] = x[1]
		},
		Hess: func(h *mat.SymDense, x []float64) {
			h.SetSym(0, 0, 3*x[0]*x[0]-1)
			h.SetSym(0, 1, 0)
			h.SetSym(1, 1, 1)
		},
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic", what)
			return
		}
		if s, ok := r.(string); !ok || !(strings.HasPrefix(s, "secondorder:") || strings.HasPrefix(s, "optim:")) {
			t.Errorf("%s: panic %v does not start with \"secondorder:\" or \"optim:\"", what, r)
		}
	}()
	f()
}

func sameSlice(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// tight is the stopping rule of the tests: ‖∇f‖₂ ≤ 1e-8 within 10000 iterations.
var tight = optim.Settings{MaxIter: 10000, GradTol: 1e-8}

// run is optim.Run with the arguments in the order the tests read best.
func run(m optim.Method, p problems.Problem, x0 []float64, s optim.Settings) optim.Result {
	return optim.Run(p, x0, m, s)
}

// gradInf is ‖∇f(x)‖∞.
func gradInf(p problems.Problem, x []float64) float64 {
	g := make([]float64, len(x))
	p.Grad(g, x)
	return floats.Norm(g, math.Inf(1))
}
