package optim

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

func TestFirstAtMostStochastic(t *testing.T) {
	model := problems.NewLinearRegression(problems.LinearData(200, 3, 0.1, 7), 0)
	p := problems.Objective("linear regression", model)
	r := Run(p, make([]float64, p.Dim), NewSGD(0.05), Settings{Batch: 16, Epochs: 10, Seed: 1, EvalEvery: 3})
	f0 := r.Trace.Evals[0].F
	target := f0 / 10
	rec, ok := r.Trace.FirstAtMost(target)
	if !ok {
		t.Fatalf("the loss never fell from %g to %g", f0, target)
	}
	if !rec.Full || rec.F > target {
		t.Fatalf("FirstAtMost(%g) = %+v: want a full-data record at or under the target", target, rec)
	}
	for _, e := range r.Trace.Evals {
		if e.Iter >= rec.Iter {
			break
		}
		if e.F <= target {
			t.Fatalf("evaluation at step %d (f = %g) reaches %g before the one returned (step %d)", e.Iter, e.F, target, rec.Iter)
		}
	}
	if rec.GradEvals != 16*rec.Iter {
		t.Errorf("GradEvals = %d at step %d, want b·steps = %d", rec.GradEvals, rec.Iter, 16*rec.Iter)
	}
	// The same target as FuncTarget stops the run at that measurement.
	stopped := Run(p, make([]float64, p.Dim), NewSGD(0.05), Settings{Batch: 16, Epochs: 10, Seed: 1, EvalEvery: 3, FuncTarget: AtMost(target)})
	if stopped.Status != FunctionThreshold || stopped.Stats.Iterations != rec.Iter {
		t.Errorf("FuncTarget stopped at step %d (%v); FirstAtMost found step %d", stopped.Stats.Iterations, stopped.Status, rec.Iter)
	}
	if _, ok := r.Trace.FirstAtMost(-1); ok {
		t.Error("a negative target for a non-negative loss was reported reached")
	}
}

func TestFirstAtMostFullObjective(t *testing.T) {
	p := problems.Parabola(1, -4, 5) // error ×0.8 per step with α = 0.1: f − 1 = 9·0.64ᵗ
	r := Run(p, []float64{-1}, NewSGD(0.1), Settings{MaxIter: 50})
	rec, ok := r.Trace.FirstAtMost(1 + 1e-3)
	want := int(math.Ceil(math.Log(1e-3/9) / math.Log(0.64))) // first t with 9·0.64ᵗ ≤ 1e-3
	if !ok || rec.Iter != want {
		t.Errorf("FirstAtMost(1.001) = step %d (%v), want %d", rec.Iter, ok, want)
	}
	if rec, ok := r.Trace.FirstAtMost(math.Inf(1)); !ok || rec.Iter != 0 {
		t.Errorf("FirstAtMost(+Inf) = step %d (%v), want the start", rec.Iter, ok)
	}
	defer func() {
		if recover() == nil {
			t.Error("FirstAtMost(NaN) did not panic")
		}
	}()
	r.Trace.FirstAtMost(math.NaN())
}
