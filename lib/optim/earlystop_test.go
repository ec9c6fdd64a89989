package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

func TestEarlyStoppingPatience(t *testing.T) {
	losses := []float64{5, 4, 3, 3.5, 2.9995, 3.1, 3.2, 3.3, 1}
	for _, c := range []struct {
		patience  int
		minDelta  float64
		stopAt    int // index of the check that returns true, -1: never
		bestAt    int
		bestValue float64
	}{
		{3, 0, 7, 4, 2.9995},
		{3, 1e-3, 5, 2, 3}, // 2.9995 is not better by more than 1e-3
		{10, 0, -1, 8, 1},
		{0, 0, -1, 8, 1}, // default 10
		{1, 0, 3, 2, 3},
	} {
		e := EarlyStopping{Patience: c.patience, MinDelta: c.minDelta}
		stop := -1
		for i, l := range losses {
			if e.Observe(l) {
				stop = i
				break
			}
		}
		at, best := e.Best()
		if stop != c.stopAt || at != c.bestAt || best != c.bestValue {
			t.Errorf("patience %d minDelta %g: stop at %d best %d (%g), want %d, %d (%g)", c.patience, c.minDelta, stop, at, best, c.stopAt, c.bestAt, c.bestValue)
		}
		if stop >= 0 && (!e.Observe(0) || e.Checks() != stop+1) {
			t.Errorf("patience %d: after stopping Observe must keep returning true and not count (checks %d)", c.patience, e.Checks())
		}
	}
	var e EarlyStopping
	if at, l := e.Best(); at != -1 || !math.IsNaN(l) {
		t.Errorf("zero value: Best() = %d, %v; want -1, NaN", at, l)
	}
	e.Observe(math.NaN())
	e.Observe(2)
	e.Observe(1)
	if at, l := e.Best(); at != 2 || l != 1 {
		t.Errorf("a NaN first check must not stay best: Best() = %d, %v", at, l)
	}
	e.Reset()
	if e.Checks() != 0 || e.Observe(7) {
		t.Errorf("Reset must forget every check")
	}
}

func TestEarlyStoppingBadInput(t *testing.T) {
	for _, e := range []EarlyStopping{{Patience: -1}, {MinDelta: -1}, {MinDelta: math.NaN()}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v: no panic", e)
				}
			}()
			e.Observe(1)
		}()
	}
}

// TestValidationTrace overfits a small network and checks that the validation
// trace has the run's points, that its loss first falls and then rises while
// the training loss keeps falling, and that the patience rule stops after the
// validation minimum and before the end.
func TestValidationTrace(t *testing.T) {
	train, val := problems.Moons(100, 0.3, 1).Split(0.5, 2)
	net := problems.NewMLP(train, []int{32, 32}, problems.Tanh, 0)
	vnet := problems.NewMLP(val, []int{32, 32}, problems.Tanh, 0)
	w0 := make([]float64, net.Dim())
	net.Init(w0, problems.Xavier, 1)
	r := MinimizeStochastic(net, w0, &Adam{LR: 0.01}, StochasticSettings{BatchSize: 10, Epochs: 300,
		TraceXDim: net.Dim(), TraceLimit: 200, Rand: rand.New(rand.NewPCG(4, 4))})
	vt := ValidationTrace(&r.Trace, vnet, "validation")
	tt := ValidationTrace(&r.Trace, net, "training")
	if vt.Len() != r.Trace.Len() || vt.Label != "validation" {
		t.Fatalf("validation trace has %d records (run %d), label %q", vt.Len(), r.Trace.Len(), vt.Label)
	}
	bestAt := 0
	for i, rec := range vt.Records {
		if rec.Iter != r.Trace.Records[i].Iter || !math.IsNaN(rec.GradNorm) {
			t.Fatalf("record %d: iter %d vs %d, grad norm %v", i, rec.Iter, r.Trace.Records[i].Iter, rec.GradNorm)
		}
		if rec.F < vt.Records[bestAt].F {
			bestAt = i
		}
	}
	last := vt.Len() - 1
	if !(bestAt > 0 && bestAt < last/2 && vt.Records[last].F > 1.5*vt.Records[bestAt].F) {
		t.Errorf("validation loss: best %.3f at record %d of %d, last %.3f; want an early minimum and a rise", vt.Records[bestAt].F, bestAt, last, vt.Records[last].F)
	}
	if !(tt.Records[last].F < tt.Records[bestAt].F/2) {
		t.Errorf("training loss %.4f at the validation minimum, %.4f at the end; want it to keep falling", tt.Records[bestAt].F, tt.Records[last].F)
	}
	if got := net.Loss(nil, r.Trace.Records[last].X, problems.All(train.Len())); got != tt.Records[last].F {
		t.Errorf("training trace F %v, direct loss %v", tt.Records[last].F, got)
	}
	e := EarlyStopping{Patience: 20}
	stop := -1
	for i, rec := range vt.Records {
		if e.Observe(rec.F) {
			stop = i
			break
		}
	}
	if at, _ := e.Best(); at != bestAt || stop <= bestAt || stop >= last {
		t.Errorf("patience 20: best %d (want %d), stop at %d of %d", at, bestAt, stop, last)
	}
	// Records without x are skipped.
	r2 := MinimizeStochastic(net, w0, &SGD{LR: 0.1}, StochasticSettings{BatchSize: 10, Epochs: 1, TraceXDim: -1, Rand: rand.New(rand.NewPCG(1, 1))})
	if n := ValidationTrace(&r2.Trace, vnet, "v").Len(); n != 0 {
		t.Errorf("trace without x: %d validation records, want 0", n)
	}
}
