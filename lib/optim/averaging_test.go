package optim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
)

// TestAveragingFullRun checks the average against the mean of the iterates
// the (undecimated) trace recorded, with and without a burn-in.
func TestAveragingFullRun(t *testing.T) {
	p := problems.Rosenbrock()
	for _, start := range []int{0, 1, 40} {
		avg := &optim.Averaging{Start: start}
		r := optim.Run(p, p.Start, optim.NewSGD(1e-3), optim.Settings{MaxIter: 100, Observe: avg.Observe})
		want := make([]float64, 2)
		n := 0
		for _, rec := range r.Trace.Records {
			if rec.Iter >= start {
				floats.Add(want, rec.X)
				n++
			}
		}
		floats.Scale(1/float64(n), want)
		if avg.Count() != n || avg.Count() != 101-start || floats.Distance(avg.Mean(), want, math.Inf(1)) > 1e-12 {
			t.Errorf("Start %d: mean %v of %d iterates; want %v of %d", start, avg.Mean(), avg.Count(), want, n)
		}
	}
}

// TestAveragingStochastic checks that each iterate of a mini-batch run
// counts once although the run reports some twice, that a second run starts
// a new average, and that averaging constant-rate SGD on least squares gets
// far below the noise floor of its last iterate.
func TestAveragingStochastic(t *testing.T) {
	p := problems.Objective("least squares",
		problems.NewLinearRegression(problems.LinearData(500, 5, 1, 3), 0))
	x0 := make([]float64, p.Dim)
	fstar := optim.Run(p, x0, optim.NewSGD(0.2), optim.Settings{MaxIter: 5000, GradTol: 1e-12}).F
	avg := &optim.Averaging{Start: 100}
	s := optim.Settings{Batch: 10, Epochs: 20, EvalEvery: 7, Seed: 1, Order: optim.WithReplacement,
		Observe: avg.Observe}
	var r optim.Result
	for range 2 { // the second run must not add to the first one's average
		r = optim.Run(p, x0, optim.NewSGD(0.1), s)
	}
	if steps := r.Stats.Iterations; avg.Count() != steps+1-100 {
		t.Errorf("averaged %d iterates; want x₁₀₀ … x_%d: %d", avg.Count(), steps, steps+1-100)
	}
	floor, _ := r.Trace.MeanLoss(10, 20)
	if got := p.Func(avg.Mean()) - fstar; !(got < (floor-fstar)/20) {
		t.Errorf("averaged iterate %.3g above f*, the last iterates' floor %.3g: averaging should gain 20×",
			got, floor-fstar)
	}
}

func TestAveragingBadInput(t *testing.T) {
	var a optim.Averaging
	if a.Mean() != nil || a.Count() != 0 {
		t.Errorf("empty average: %v, %d", a.Mean(), a.Count())
	}
	for _, tc := range []struct {
		name string
		do   func()
	}{
		{"negative Start", func() { (&optim.Averaging{Start: -1}).Observe(optim.Record{X: []float64{1}}) }},
		{"length change", func() {
			b := &optim.Averaging{}
			b.Observe(optim.Record{Iter: 0, X: []float64{1, 2}})
			b.Observe(optim.Record{Iter: 1, X: []float64{1}})
		}},
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.HasPrefix(r, "optim: Averaging") {
					t.Errorf("%s: recover() = %q; want an optim: Averaging panic", tc.name, r)
				}
			}()
			tc.do()
		}()
	}
}
