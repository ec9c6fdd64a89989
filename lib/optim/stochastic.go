package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
)

// Order is how a stochastic run walks through the examples.
type Order int

const (
	// Reshuffle draws a new random permutation every epoch and cuts it into
	// batches (torch's DataLoader with shuffle=True): sampling without
	// replacement, different mini-batches each epoch.
	Reshuffle Order = iota
	// ShuffleOnce draws one permutation before the first epoch and reuses
	// it: the same batches every epoch.
	ShuffleOnce
	// InOrder takes the examples as stored, 0, 1, …, n−1, every epoch: on a
	// class-sorted dataset each batch sees one class ("100 dogs, then 100
	// cats"). No random source is used.
	InOrder
	// WithReplacement draws each batch's b indices independently and
	// uniformly from [0, n): an "epoch" is then n examples drawn, not a pass.
	WithReplacement
)

var orderNames = [...]string{"Reshuffle", "ShuffleOnce", "InOrder", "WithReplacement"}

func (o Order) String() string {
	if o >= 0 && int(o) < len(orderNames) {
		return orderNames[o]
	}
	return fmt.Sprintf("Order(%d)", int(o))
}

// runStochastic is the loop of a stochastic run (Settings.Batch > 0).
//
// Each step draws a batch, evaluates the batch loss and mean gradient
// (p.Data.Loss over b examples), records them (Full false) and calls Step.
// At the start, at the end of every epoch, every EvalEvery steps and at the
// end it evaluates the full-data loss and gradient (p.Data.Loss over all n
// examples) into Trace.Evals (Full true): the stopping tests GradTol and
// FuncTarget, the best point and the divergence test of the full objective
// are applied there, the divergence test also to every batch loss. When
// p.Data is a problems.Measurer (a network with batch norm or dropout in
// training mode), the full-data evaluation calls its Measure, so that
// measuring does not move the running statistics or the dropout masks.
//
// Each step costs one p.Data.Loss over b examples, one Step and O(n + b)
// work; nothing is allocated per step apart from the trace's copies of x.
// A NaN or ±Inf batch loss or gradient ends the run with NonFinite before
// the optimizer sees it.
func runStochastic(p problems.Problem, x0 []float64, opt Optimizer, lrr LearningRater, s Settings) Result {
	data := p.Data
	n, b, dim := data.Len(), s.Batch, len(x0)
	if d := data.Dim(); d != dim {
		panic(fmt.Sprintf("optim: Run: len(x0) = %d, but the Data of %q has Dim() = %d", dim, p.Name, d))
	}
	rc := newRecorder(s, dim)
	rng := rand.New(rand.NewPCG(s.Seed, 0x5eed5eed5eed5eed))
	var base float64
	if lrr != nil {
		base = lrr.LearningRate()
	}
	x := append([]float64(nil), x0...)
	g := make([]float64, dim)    // batch gradient
	full := make([]float64, dim) // full-data gradient
	prev := make([]float64, dim) // x before the step
	perm := problems.All(n)
	all := problems.All(n)
	batch := make([]int, b)
	if s.Order == Reshuffle || s.Order == ShuffleOnce {
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	}
	pos, seen := 0, 0 // position in perm; examples used
	var limit int
	if s.Epochs > 0 {
		limit = int(math.Ceil(s.Epochs * float64(n)))
	}
	stats := &rc.res.Stats
	epoch := func() float64 { return float64(seen) / float64(n) }
	lr := func() float64 {
		if l, ok := opt.(LearningRater); ok {
			return l.LearningRate()
		}
		return math.NaN()
	}
	// lastEval is the step of the last full-data evaluation, lastF and
	// lastG the full f and ‖∇f‖ there.
	lastEval, lastF, lastG := -1, math.NaN(), math.NaN()
	end := func(st Status, err error, k int) Result {
		stats.Epochs = epoch()
		if lastEval != k {
			lastF = math.NaN() // not evaluated at x: only a failure ends so
		}
		return rc.finish(st, err, k, x, lastF, lastG)
	}
	// evaluate measures the full objective at x and applies its tests.
	measure := data.Loss
	if m, ok := data.(problems.Measurer); ok {
		measure = m.Measure
	}
	evaluate := func(k int, step float64) (Status, error) {
		lastEval = k
		f := measure(full, x, all)
		stats.FuncEvals += n
		gn := floats.Norm(full, 2)
		lastF, lastG = f, gn // a non-finite f sends Result to the best point (recorder.finish)
		r := Record{Iter: k, Epoch: epoch(), X: x, F: f, GradNorm: gn, Full: true, StepSize: step,
			FuncEvals: stats.FuncEvals, GradEvals: stats.GradEvals, Elapsed: time.Since(rc.start)}
		if !rc.hasBest && (!num.Finite(f) || !num.Finite(gn)) { // at x₀: X = x₀, F = f(x₀)
			rc.consider(x, f, math.NaN())
		}
		if !num.Finite(f) {
			return NonFinite, &NumericalError{Step: k, Index: -1, Value: f, What: "full-data loss"}
		}
		if i := num.FirstNonFinite(full); i >= 0 {
			return NonFinite, &NumericalError{Step: k, Index: i, Value: full[i], What: "full-data gradient"}
		}
		rc.consider(x, f, gn)
		tr := &rc.res.Trace
		rec := r
		if len(x) <= tr.xdim() {
			rec.X = append([]float64(nil), x...)
		} else {
			rec.X = nil
		}
		tr.Evals = append(tr.Evals, rec)
		obs, obsErr := rc.observe(r)
		if k == 0 {
			rc.setBound(f)
		}
		switch {
		case f > rc.bound:
			return Diverged, &NumericalError{Step: k, Index: -1, Value: f, What: "full-data loss (diverged)"}
		case obsErr != nil:
			return obs, obsErr
		}
		if st := rc.tests(f, gn); st != NotTerminated {
			return st, nil
		}
		return obs, nil
	}

	if st, err := evaluate(0, 0); st != NotTerminated {
		return end(st, err, 0)
	}
	step := 0.0
	for k := 0; ; k++ {
		if (limit > 0 && seen >= limit) || (s.MaxIter > 0 && k >= s.MaxIter) || (s.MaxEvals > 0 && stats.GradEvals >= s.MaxEvals) {
			st := IterationLimit
			if s.MaxEvals > 0 && stats.GradEvals >= s.MaxEvals && !(limit > 0 && seen >= limit) && !(s.MaxIter > 0 && k >= s.MaxIter) {
				st = EvaluationLimit
			}
			if lastEval != k {
				if est, err := evaluate(k, step); est != NotTerminated && est != Stopped {
					return end(est, err, k)
				}
			}
			return end(st, nil, k)
		}
		// Draw the batch.
		var idx []int
		if s.Order == WithReplacement {
			for j := range batch {
				batch[j] = rng.IntN(n)
			}
			idx = batch
		} else {
			if pos == n {
				pos = 0
				if s.Order == Reshuffle {
					rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
				}
			}
			stop := min(pos+b, n)
			idx = perm[pos:stop]
			pos = stop
		}
		if s.Schedule != nil {
			t := k
			if s.SchedulePerEpoch {
				t = seen / n
			}
			lrr.SetLearningRate(s.Schedule.Rate(base, t))
		}
		fb := data.Loss(g, x, idx)
		stats.GradEvals += len(idx)
		if !num.Finite(fb) {
			return end(NonFinite, &NumericalError{Step: k, Index: -1, Value: fb, What: "batch loss"}, k)
		}
		if i := num.FirstNonFinite(g); i >= 0 {
			return end(NonFinite, &NumericalError{Step: k, Index: i, Value: g[i], What: "batch gradient"}, k)
		}
		r := Record{Iter: k, Epoch: epoch(), X: x, F: fb, GradNorm: floats.Norm(g, 2), StepSize: step,
			FuncEvals: stats.FuncEvals, GradEvals: stats.GradEvals, Elapsed: time.Since(rc.start)}
		rc.res.Trace.Add(r)
		if st, err := rc.observe(r); st != NotTerminated {
			// The closing evaluation gives Result its F = f(X); when it
			// fails (f(x) not finite, diverged), that failure is the status.
			if lastEval != k {
				if est, eerr := evaluate(k, step); est.Failed() {
					st, err = est, eerr
				}
			}
			return end(st, err, k)
		}
		if fb > rc.bound {
			return end(Diverged, &NumericalError{Step: k, Index: -1, Value: fb, What: "batch loss (diverged)"}, k)
		}
		step = lr()
		copy(prev, x)
		opt.Step(x, g)
		before := seen
		seen += len(idx)
		if i := num.FirstNonFinite(x); i >= 0 {
			// Finite inputs overflowed: keep the last finite x.
			err := &NumericalError{Step: k + 1, Index: i, Value: x[i], What: "x"}
			copy(x, prev)
			return end(NonFinite, err, k)
		}
		measure := (s.EvalEvery > 0 && (k+1)%s.EvalEvery == 0) || seen/n > before/n
		if measure {
			if st, err := evaluate(k+1, step); st != NotTerminated {
				return end(st, err, k+1)
			}
		}
	}
}
