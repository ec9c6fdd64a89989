package optim

import (
	"math"
	"slices"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// countingModel counts the calls of Loss without a gradient.
type countingModel struct {
	problems.Stochastic
	lossOnly *int
}

func (m countingModel) Loss(grad, x []float64, idx []int) float64 {
	if grad == nil {
		*m.lossOnly++
	}
	return m.Stochastic.Loss(grad, x, idx)
}

// TestRunStochasticEvalLossOnly checks that Settings.EvalLossOnly changes
// only what it says: the full-data evaluations are made without a gradient
// (Loss with nil), their GradNorm and Result.GradNorm are NaN, and every
// other number of the run (steps, batch records, full losses, the point
// reached) is the same, bit for bit.
func TestRunStochasticEvalLossOnly(t *testing.T) {
	for _, order := range []Order{Reshuffle, InOrder, WithReplacement} {
		var nilCalls int
		p := problems.Objective("linreg", countingModel{linreg(100), &nilCalls})
		x0 := make([]float64, p.Dim)
		s := Settings{Batch: 7, Order: order, Seed: 2, Epochs: 3, EvalEvery: 4,
			Observe: func(Record) bool { return false }}
		full := Run(p, x0, NewAdam(0.05), s)
		if nilCalls != 0 {
			t.Fatalf("%v: %d loss-only calls without EvalLossOnly", order, nilCalls)
		}
		s.EvalLossOnly = true
		lossOnly := Run(p, x0, NewAdam(0.05), s)
		if nilCalls != len(lossOnly.Trace.Evals) || nilCalls < 2 {
			t.Errorf("%v: %d loss-only calls for %d evaluations", order, nilCalls, len(lossOnly.Trace.Evals))
		}
		if full.Status != lossOnly.Status || full.F != lossOnly.F || !slices.Equal(full.X, lossOnly.X) ||
			full.Stats.Iterations != lossOnly.Stats.Iterations || !math.IsNaN(lossOnly.GradNorm) {
			t.Errorf("%v: ended %v f=%v ‖g‖=%v, with EvalLossOnly %v f=%v ‖g‖=%v", order,
				full.Status, full.F, full.GradNorm, lossOnly.Status, lossOnly.F, lossOnly.GradNorm)
		}
		same := func(a, b Record) bool {
			return a.Iter == b.Iter && a.Epoch == b.Epoch && a.F == b.F && a.Full == b.Full &&
				a.StepSize == b.StepSize && a.FuncEvals == b.FuncEvals && a.GradEvals == b.GradEvals && slices.Equal(a.X, b.X)
		}
		if len(full.Trace.Records) != len(lossOnly.Trace.Records) {
			t.Fatalf("%v: %d records, %d with EvalLossOnly", order, len(full.Trace.Records), len(lossOnly.Trace.Records))
		}
		for i, r := range full.Trace.Records {
			if o := lossOnly.Trace.Records[i]; !same(r, o) || r.GradNorm != o.GradNorm {
				t.Errorf("%v: record %d: %+v, with EvalLossOnly %+v", order, i, r, o)
			}
		}
		if len(full.Trace.Evals) != len(lossOnly.Trace.Evals) {
			t.Fatalf("%v: %d evaluations, %d with EvalLossOnly", order, len(full.Trace.Evals), len(lossOnly.Trace.Evals))
		}
		for i, r := range full.Trace.Evals {
			if o := lossOnly.Trace.Evals[i]; !same(r, o) || !math.IsNaN(o.GradNorm) || math.IsNaN(r.GradNorm) {
				t.Errorf("%v: evaluation %d: %+v, with EvalLossOnly %+v", order, i, r, o)
			}
		}
	}
	p := problems.Objective("linreg", linreg(10))
	x0 := make([]float64, p.Dim)
	expectPanic(t, "Settings.EvalLossOnly needs Batch > 0", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: 1, EvalLossOnly: true}) })
	expectPanic(t, "Settings.GradTol = 0.001 with EvalLossOnly", func() {
		Run(p, x0, NewSGD(1), Settings{Batch: 2, Epochs: 1, GradTol: 1e-3, EvalLossOnly: true})
	})
}
