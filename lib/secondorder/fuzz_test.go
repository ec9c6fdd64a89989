package secondorder

import (
	"math"
	"testing"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// FuzzNoSilentNaN: on a quadratic whose value is NaN (or +Inf) beyond a
// wall, every method either converges or ends with a failure status and an
// error, and the point it returns is finite with a finite f no worse than
// the start's (pure Newton excepted when it converges).
func FuzzNoSilentNaN(f *testing.F) {
	f.Add(0.0, 0.0, 2.5, 1.0, false)
	f.Add(-3.0, 4.0, 0.5, 100.0, true)
	f.Add(1.0, -1.0, 10.0, 0.01, false)
	f.Fuzz(func(t *testing.T, x0, y0, wall, kappa float64, inf bool) {
		if !num.Finite(x0) || !num.Finite(y0) || !num.Finite(wall) || !(kappa >= 1e-3 && kappa <= 1e6) ||
			math.Abs(x0) > 1e6 || math.Abs(y0) > 1e6 || x0 > wall {
			t.Skip()
		}
		bad := math.NaN()
		if inf {
			bad = math.Inf(1)
		}
		p := problems.Problem{
			Name: "walled bowl", Dim: 2,
			Func: func(x []float64) float64 {
				if x[0] > wall {
					return bad
				}
				return (x[0]-3)*(x[0]-3) + kappa*(x[1]+1)*(x[1]+1)
			},
			Grad: func(g, x []float64) {
				if x[0] > wall {
					g[0], g[1] = bad, bad
					return
				}
				g[0], g[1] = 2*(x[0]-3), 2*kappa*(x[1]+1)
			},
		}
		start := []float64{x0, y0}
		f0 := p.Func(start)
		for _, m := range []optim.Method{NewLBFGS(10), NewBFGS(), NewCG(), &Newton{LineSearch: Backtracking{C1: 1e-4, MaxTrials: 50}}, NewNewton()} {
			r := run(m, p, start, tight)
			if r.Status == optim.GradientThreshold {
				continue
			}
			if r.Err == nil && r.Status != optim.IterationLimit {
				t.Errorf("%s: status %v without an error", optim.MethodName(m), r.Status)
			}
			if num.FirstNonFinite(r.X) >= 0 || !num.Finite(r.F) || r.F > f0 {
				t.Errorf("%s: returned x = %v, f = %g (start f = %g)", optim.MethodName(m), r.X, r.F, f0)
			}
		}
	})
}
