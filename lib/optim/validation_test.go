package optim

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/problems"
)

// losses is a fake validation objective that returns the next value of a
// list at each evaluation, so the patience rule can be tested exactly.
func losses(vals ...float64) problems.Problem {
	i := 0
	return problems.Problem{Name: "scripted", Dim: 1, Func: func([]float64) float64 {
		v := vals[min(i, len(vals)-1)]
		i++
		return v
	}}
}

func TestEarlyStoppingPatience(t *testing.T) {
	vals := []float64{5, 4, 3, 3.5, 2.9995, 3.1, 3.2, 3.3, 1}
	for _, c := range []struct {
		patience  int
		minDelta  float64
		stopAt    int // index of the evaluation that returns true, -1: never
		bestAt    int
		bestValue float64
	}{
		{3, 0, 7, 4, 2.9995},
		{3, 1e-3, 5, 4, 2.9995}, // 2.9995 is best but not better by more than 1e-3: it does not reset the count
		{10, 0, -1, 8, 1},
		{0, 0, 3, 2, 3}, // 0 and 1: stop at the first evaluation that does not improve
		{1, 0, 3, 2, 3},
	} {
		e := EarlyStopping{Validation: Validation{Problem: losses(vals...)}, Patience: c.patience, MinDelta: c.minDelta}
		stop := -1
		for i := range vals {
			if e.Observe(Record{Iter: i, X: []float64{0}, Full: true}) {
				stop = i
				break
			}
		}
		_, best, at := e.Best()
		if stop != c.stopAt || at.Iter != c.bestAt || best != c.bestValue {
			t.Errorf("patience %d minDelta %g: stop at %d best %d (%g), want %d, %d (%g)", c.patience, c.minDelta, stop, at.Iter, best, c.stopAt, c.bestAt, c.bestValue)
		}
		if stop >= 0 && (!e.Observe(Record{X: []float64{0}, Full: true}) || len(e.Trace().Records) != stop+1) {
			t.Errorf("patience %d: after stopping Observe must keep returning true and not evaluate (%d records)", c.patience, len(e.Trace().Records))
		}
	}
	e := EarlyStopping{Validation: Validation{Problem: losses(math.NaN(), 2, 1)}, Patience: 5}
	if x, l, _ := e.Best(); x != nil || !math.IsNaN(l) {
		t.Errorf("before any evaluation: Best() = %v, %v; want nil, NaN", x, l)
	}
	for i := range 3 {
		e.Observe(Record{Iter: i, X: []float64{float64(i)}, Full: true})
	}
	if x, l, at := e.Best(); at.Iter != 2 || l != 1 || x[0] != 2 {
		t.Errorf("a NaN first evaluation must not stay best: Best() = %v, %v at %d", x, l, at.Iter)
	}
	// Batch records (Full false) are not evaluated.
	if e.Observe(Record{X: []float64{0}}) || len(e.Trace().Records) != 3 {
		t.Errorf("a batch record was evaluated")
	}
	e.Reset()
	if len(e.Trace().Records) != 0 || e.Stopped() {
		t.Errorf("Reset must forget every evaluation")
	}
}

func TestEarlyStoppingBadInput(t *testing.T) {
	rec := Record{X: []float64{0}, Full: true}
	for _, e := range []*EarlyStopping{
		{Validation: Validation{Problem: losses(1)}, Patience: -1},
		{Validation: Validation{Problem: losses(1)}, MinDelta: -1},
		{Validation: Validation{Problem: losses(1)}, MinDelta: math.NaN()},
	} {
		expectPanic(t, "EarlyStopping{Patience", func() { e.Observe(rec) })
	}
	expectPanic(t, "Validation.Problem has no Func", func() { (&Validation{}).Observe(rec) })
	expectPanic(t, "the run's x has length 1, Problem \"p\" has Dim 3", func() {
		(&Validation{Problem: problems.Problem{Name: "p", Dim: 3, Func: func([]float64) float64 { return 0 }}}).Observe(rec)
	})
}

// TestEarlyStoppingStopsTheRun overfits a small network: the validation loss
// first falls, then rises while the training loss keeps falling; early
// stopping with patience 20 ends the run after the validation minimum and
// long before the epoch limit, and keeps the best point.
func TestEarlyStoppingStopsTheRun(t *testing.T) {
	train, val := problems.Moons(100, 0.3, 1).Split(0.5, 2)
	net := nn.NewMLP(train, []int{32, 32}, nn.Tanh, 0)
	p := problems.Objective("moons", net)
	held := problems.Objective("held out", nn.NewMLP(val, []int{32, 32}, nn.Tanh, 0))
	w0 := make([]float64, net.Dim())
	net.Init(w0, nn.Xavier, 1)
	s := Settings{Batch: 10, Epochs: 300, Seed: 4}

	watch := &Validation{Problem: held}
	s.Observe = watch.Observe
	full := Run(p, w0, NewAdam(0.01), s)
	vt := watch.Trace()
	if full.Status != IterationLimit || len(vt.Records) != 301 || vt.Label != "validation" {
		t.Fatalf("watched run: %v, %d validation records (label %q); want 301", full.Status, len(vt.Records), vt.Label)
	}
	_, bestF, bestAt := watch.Best()
	last := vt.Records[300]
	if !(bestAt.Epoch > 0 && bestAt.Epoch < 150 && last.F > 1.5*bestF) {
		t.Errorf("validation loss: best %.3f at epoch %v, last %.3f; want an early minimum and a rise", bestF, bestAt.Epoch, last.F)
	}
	if trainAtBest := full.Trace.Evals[int(bestAt.Epoch)].F; !(full.Trace.Evals[300].F < trainAtBest/2) {
		t.Errorf("training loss %.4f at the validation minimum, %.4f at the end; want it to keep falling", trainAtBest, full.Trace.Evals[300].F)
	}

	// Early stopping: the same run (same seed) up to the stop, which comes
	// 20 epochs after the best validation loss seen so far.
	es := &EarlyStopping{Validation: Validation{Problem: held}, Patience: 20}
	s.Observe = es.Observe
	stopped := Run(p, w0, NewAdam(0.01), s)
	bestX, esF, esAt := es.Best()
	if stopped.Status != Stopped || !es.Stopped() {
		t.Fatalf("early stopping: status %v", stopped.Status)
	}
	stopEpoch := int(stopped.Stats.Epochs)
	wantAt := 0
	for i := 0; i <= stopEpoch; i++ {
		if vt.Records[i].F < vt.Records[wantAt].F {
			wantAt = i
		}
	}
	if int(esAt.Epoch) != wantAt || esF != vt.Records[wantAt].F || stopEpoch != wantAt+20 {
		t.Errorf("patience 20: best at epoch %v (want %d), stopped at epoch %d (want %d)", esAt.Epoch, wantAt, stopEpoch, wantAt+20)
	}
	t.Logf("validation minimum at epoch %v (%.3f); patience 20 stops at epoch %d with its best at epoch %d (%.3f)", bestAt.Epoch, bestF, stopEpoch, wantAt, esF)
	if got := held.Func(bestX); got != esF {
		t.Errorf("Best() x gives validation loss %v, want %v", got, esF)
	}
	if stopped.Stats.GradEvals >= full.Stats.GradEvals/2 {
		t.Errorf("early stopping spent %d gradients, the full run %d: it must really stop", stopped.Stats.GradEvals, full.Stats.GradEvals)
	}
}
