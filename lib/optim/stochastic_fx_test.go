package optim

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
)

// over makes a Problem of a mean over examples (what problems' constructor
// for a model's objective does), so that p.Func is the full-data loss.
func over(name string, m problems.Stochastic) problems.Problem {
	all := problems.All(m.Len())
	return problems.Problem{Name: name, Dim: m.Dim(), Data: m,
		Func: func(x []float64) float64 { return m.Loss(nil, x, all) },
		Grad: func(g, x []float64) { m.Loss(g, x, all) }}
}

// TestStochasticFOfXEveryEnding extends TestObserverStopKeepsFOfX to every
// way a stochastic run ends — an observer stopping it at a batch record, at
// a full-data record, at a step just evaluated in full, or at a step where
// one example's loss is +Inf (barrierData's seventh, once x ≥ 1); limits,
// tolerances, divergence, non-finite losses: Result.F is f(Result.X) and
// GradNorm ‖∇f(Result.X)‖₂, bit for bit, and both are finite.
func TestStochasticFOfXEveryEnding(t *testing.T) {
	barrier := over("barrier", barrierData{})
	lin := over("linear", problems.NewLinearRegression(problems.LinearData(64, 3, 0.3, 5), 0))
	stopAt := func(iter int, full bool) Observer {
		return func(r Record) bool { return r.Iter == iter && r.Full == full }
	}
	for _, c := range []struct {
		name string
		p    problems.Problem
		lr   float64
		s    Settings
		want Status
	}{
		// One SGD step from 0 on examples 0 and 1 reaches x = 1.5, where
		// example 7's loss is +Inf: the closing evaluation fails.
		{"stop at a batch, one loss +Inf", barrier, 0.3, Settings{Batch: 2, Order: InOrder, Epochs: 3, Observe: stopAt(1, false)}, NonFinite},
		// A full-batch step from 0 reaches x = 1.375; the full-data
		// evaluation that ends the epoch fails before the observer sees it.
		{"stop at a full record, one loss +Inf", barrier, 1, Settings{Batch: 8, Epochs: 3, Observe: stopAt(1, true)}, NonFinite},
		// Examples 0–3 take x to 1.25; the next batch holds example 7.
		{"batch loss +Inf", barrier, 0.5, Settings{Batch: 4, Order: InOrder, Epochs: 3}, NonFinite},
		// Small steps keep x < 1: every ending below is finite.
		{"stop at a batch record", barrier, 0.01, Settings{Batch: 2, Order: InOrder, Epochs: 3, Observe: stopAt(2, false)}, Stopped},
		{"stop at a full record", barrier, 0.01, Settings{Batch: 2, Order: InOrder, Epochs: 3, Observe: stopAt(4, true)}, Stopped},
		{"stop at the batch after a full record", barrier, 0.01, Settings{Batch: 2, Order: InOrder, Epochs: 3, Observe: stopAt(4, false)}, Stopped},
		{"stop at the start", barrier, 0.01, Settings{Batch: 2, Epochs: 3, Seed: 1, Observe: stopAt(0, true)}, Stopped},
		{"stop with EvalEvery", lin, 0.05, Settings{Batch: 8, Epochs: 3, Seed: 2, EvalEvery: 3, Observe: stopAt(7, false)}, Stopped},
		{"epochs", lin, 0.05, Settings{Batch: 5, Epochs: 2.5, Seed: 3}, IterationLimit},
		{"MaxIter mid-epoch", lin, 0.05, Settings{Batch: 5, MaxIter: 7, Seed: 3}, IterationLimit},
		{"MaxEvals", lin, 0.05, Settings{Batch: 5, MaxEvals: 52, Order: WithReplacement, Seed: 3}, EvaluationLimit},
		{"GradTol", lin, 0.2, Settings{Batch: 64, Epochs: 2000, GradTol: 1e-6}, GradientThreshold},
		{"FuncTarget", lin, 0.05, Settings{Batch: 4, Epochs: 50, Seed: 4, FuncTarget: AtMost(0.1)}, FunctionThreshold},
		{"diverged", lin, 20, Settings{Batch: 4, Epochs: 50, Seed: 4}, Diverged},
		{"observer panics", lin, 0.05, Settings{Batch: 8, Epochs: 3, Seed: 2, Observe: func(r Record) bool {
			if r.Iter == 5 {
				panic("stop")
			}
			return false
		}}, ObserverPanic},
	} {
		res := Run(c.p, make([]float64, c.p.Dim), NewSGD(c.lr), c.s)
		if res.Status != c.want {
			t.Errorf("%s: Status %v (%v), want %v", c.name, res.Status, res.Err, c.want)
		}
		g := make([]float64, c.p.Dim)
		c.p.Grad(g, res.X)
		if f, gn := c.p.Func(res.X), floats.Norm(g, 2); f != res.F || gn != res.GradNorm || math.IsInf(f, 0) || math.IsNaN(f) {
			t.Errorf("%s: Status %v, X = %v, F = %v, GradNorm = %v; but f(X) = %v, ‖∇f(X)‖ = %v", c.name, res.Status, res.X, res.F, res.GradNorm, f, gn)
		}
	}
}
