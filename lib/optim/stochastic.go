package optim

import (
	"fmt"
	"math"
	"math/rand/v2"

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
// examples; the loss alone with Settings.EvalLossOnly) into Trace.Evals
// (Full true): the stopping tests GradTol and
// FuncTarget, the best point and the divergence test of the full objective
// are applied there, the divergence test also to every batch loss. When
// p.Data is a problems.Measurer (a network with batch norm or dropout in
// training mode), the full-data evaluation calls its Measure, so that
// measuring does not move the running statistics or the dropout masks.
//
// Each step costs one p.Data.Loss over b examples, one Step and O(n + b)
// work, plus ‖g‖ and the time when the step is recorded (kept by the trace
// or observed); nothing is allocated per step apart from the trace's copies
// of x.
// A NaN or ±Inf batch loss or gradient ends the run with NonFinite before
// the optimizer sees it.
func runStochastic(p problems.Problem, x0 []float64, opt Optimizer, lrr LearningRater, s Settings) Result {
	r := newStochasticRun(p, x0, opt, lrr, s)
	if st, err := r.evaluate(0); st != NotTerminated {
		return r.end(st, err, 0)
	}
	for k := 0; ; k++ {
		if st := r.limit(k); st != NotTerminated {
			// The closing evaluation gives Result its F = f(X); its own
			// ending (a failure, a tolerance met) takes precedence.
			if cst, err := r.closing(k); cst != NotTerminated && cst != Stopped {
				return r.end(cst, err, k)
			}
			return r.end(st, nil, k)
		}
		idx := r.draw()
		r.schedule(k)
		rec, st, err := r.batch(k, idx)
		if st != NotTerminated {
			return r.end(st, err, k)
		}
		if st, err := r.rc.observe(rec); st != NotTerminated {
			// As at a limit, but only a failure of the closing evaluation
			// (f(x) not finite, diverged) replaces the observer's ending.
			if cst, cerr := r.closing(k); cst.Failed() {
				st, err = cst, cerr
			}
			return r.end(st, err, k)
		}
		if st, err := r.step(k, rec.F, len(idx)); st != NotTerminated {
			return r.end(st, err, k)
		}
		if r.due() {
			if st, err := r.evaluate(k + 1); st != NotTerminated {
				return r.end(st, err, k+1)
			}
		}
	}
}

// stochasticRun is the state of one stochastic run: the iterate, the
// sampling of batches and the last full-data evaluation. Its methods are
// the steps of runStochastic's loop.
type stochasticRun struct {
	data    problems.Stochastic
	measure func(grad, x []float64, idx []int) float64 // the full-data loss
	opt     Optimizer
	lrr     LearningRater // for the Schedule (nil without one)
	rater   LearningRater // opt as a LearningRater, nil if it is none
	s       Settings
	rc      *recorder
	rng     *rand.Rand

	n       int     // examples
	maxSeen int     // examples to see (⌈Epochs·n⌉; 0: no epoch limit)
	base    float64 // the learning rate at the start, for the Schedule

	x, g, full, prev []float64 // iterate, batch gradient, full gradient, x before the step
	perm, all, buf   []int     // the epoch's order, 0…n−1, a with-replacement batch
	pos, seen        int       // position in perm; examples used
	epochEnd         int       // the first multiple of n above seen before the last step
	untilEval        int       // steps left before the next EvalEvery evaluation
	stepSize         float64   // the learning rate of the last step

	// lastEval is the step of the last full-data evaluation, lastF and
	// lastG the full f and ‖∇f‖ there.
	lastEval     int
	lastF, lastG float64
}

func newStochasticRun(p problems.Problem, x0 []float64, opt Optimizer, lrr LearningRater, s Settings) *stochasticRun {
	data := p.Data
	n, dim := data.Len(), len(x0)
	if d := data.Dim(); d != dim {
		panic(fmt.Sprintf("optim: Run: len(x0) = %d, but the Data of %q has Dim() = %d", dim, p.Name, d))
	}
	r := &stochasticRun{
		data: data, measure: data.Loss, opt: opt, lrr: lrr, s: s,
		rc:  newRecorder(s, dim, maxSteps(s, n)),
		rng: rand.New(rand.NewPCG(s.Seed, 0x5eed5eed5eed5eed)),
		n:   n,
		x:   append([]float64(nil), x0...), g: make([]float64, dim), full: make([]float64, dim), prev: make([]float64, dim),
		perm: problems.All(n), all: problems.All(n), buf: make([]int, s.Batch),
		lastEval: -1, lastF: math.NaN(), lastG: math.NaN(),
		epochEnd: n, untilEval: s.EvalEvery,
	}
	r.rater, _ = opt.(LearningRater)
	if m, ok := data.(problems.Measurer); ok {
		r.measure = m.Measure
	}
	if lrr != nil {
		r.base = lrr.LearningRate()
	}
	if s.Order == Reshuffle || s.Order == ShuffleOnce {
		r.shuffle()
	}
	if s.Epochs > 0 {
		r.maxSeen = int(math.Ceil(s.Epochs * float64(n)))
	}
	return r
}

// maxSteps bounds the steps of a stochastic run that Epochs limits over n
// examples (0: no bound known): ⌈Epochs·n/b⌉, plus one per epoch begun for
// its shorter last batch, at most MaxIter.
func maxSteps(s Settings, n int) int {
	if s.Epochs == 0 {
		return 0
	}
	steps := int(math.Ceil(s.Epochs*float64(n)/float64(s.Batch))) + int(math.Ceil(s.Epochs))
	if s.MaxIter > 0 {
		steps = min(steps, s.MaxIter)
	}
	return steps
}

func (r *stochasticRun) shuffle() {
	r.rng.Shuffle(r.n, func(i, j int) { r.perm[i], r.perm[j] = r.perm[j], r.perm[i] })
}

func (r *stochasticRun) epoch() float64 { return float64(r.seen) / float64(r.n) }

// limit returns the limit reached before step k, or NotTerminated:
// IterationLimit for Epochs or MaxIter, else EvaluationLimit for MaxEvals.
func (r *stochasticRun) limit(k int) Status {
	return r.rc.limit(k, r.maxSeen > 0 && r.seen >= r.maxSeen)
}

// draw returns the indices of the next batch: the next b of the epoch's
// order (the last batch of an epoch may be shorter; a new epoch reshuffles
// under Reshuffle), or b independent uniform draws under WithReplacement.
func (r *stochasticRun) draw() []int {
	if r.s.Order == WithReplacement {
		for j := range r.buf {
			r.buf[j] = r.rng.IntN(r.n)
		}
		return r.buf
	}
	if r.pos == r.n {
		r.pos = 0
		if r.s.Order == Reshuffle {
			r.shuffle()
		}
	}
	stop := min(r.pos+r.s.Batch, r.n)
	idx := r.perm[r.pos:stop]
	r.pos = stop
	return idx
}

// schedule sets the learning rate of step k (or of the current epoch).
func (r *stochasticRun) schedule(k int) {
	if r.s.Schedule == nil {
		return
	}
	t := k
	if r.s.SchedulePerEpoch {
		t = r.seen / r.n
	}
	r.lrr.SetLearningRate(r.s.Schedule.Rate(r.base, t))
}

// batch evaluates the batch loss and mean gradient at x into g and
// records them (Full false); a non-finite value ends the run. The Record
// (‖g‖, the time) is made only when the trace keeps iterate k or an
// observer watches; otherwise only its F is set.
func (r *stochasticRun) batch(k int, idx []int) (Record, Status, error) {
	fb := r.data.Loss(r.g, r.x, idx)
	r.rc.res.Stats.GradEvals += len(idx)
	if !num.Finite(fb) {
		return Record{}, NonFinite, &NumericalError{Step: k, Index: -1, Value: fb, What: "batch loss"}
	}
	if i := num.FirstNonFinite(r.g); i >= 0 {
		return Record{}, NonFinite, &NumericalError{Step: k, Index: i, Value: r.g[i], What: "batch gradient"}
	}
	rec := Record{F: fb}
	if r.rc.s.Observe != nil || r.rc.res.Trace.keeps(k) { // else no one reads the record
		rec = r.record(k, fb, floats.Norm(r.g, 2), false)
		r.rc.res.Trace.Add(rec)
	}
	return rec, NotTerminated, nil
}

// step takes step k: Step(x, g), unless the batch loss fb diverged. When
// finite inputs overflow it keeps the last finite x.
func (r *stochasticRun) step(k int, fb float64, b int) (Status, error) {
	if fb > r.rc.bound {
		return Diverged, &NumericalError{Step: k, Index: -1, Value: fb, What: "batch loss (diverged)"}
	}
	r.stepSize = math.NaN()
	if r.rater != nil {
		r.stepSize = r.rater.LearningRate()
	}
	copy(r.prev, r.x)
	r.opt.Step(r.x, r.g)
	r.seen += b
	if i := num.FirstNonFinite(r.x); i >= 0 {
		err := &NumericalError{Step: k + 1, Index: i, Value: r.x[i], What: "x"}
		copy(r.x, r.prev)
		return NonFinite, err
	}
	return NotTerminated, nil
}

// due reports whether the full objective is measured after the step just
// taken: every EvalEvery steps and when an epoch ends (seen reached a
// multiple of n; a step uses at most n examples). It counts rather than
// divides (an integer division is a call in WebAssembly); called once per
// step.
func (r *stochasticRun) due() bool {
	every := false
	if r.untilEval--; r.untilEval == 0 {
		every, r.untilEval = true, r.s.EvalEvery
	}
	if r.seen >= r.epochEnd {
		r.epochEnd = (r.seen/r.n + 1) * r.n
		return true
	}
	return every
}

// record is the Record of iterate k with loss f and gradient norm gn.
func (r *stochasticRun) record(k int, f, gn float64, full bool) Record {
	rec := r.rc.record(k, r.x, f, gn, r.stepSize, full)
	rec.Epoch = r.epoch()
	return rec
}

// evaluate measures the full objective at x (iterate k) into Trace.Evals,
// shows it to the observer and applies its tests: the ending, or
// NotTerminated.
func (r *stochasticRun) evaluate(k int) (Status, error) {
	rc, x := r.rc, r.x
	r.lastEval = k
	var f, gn float64
	if r.s.EvalLossOnly {
		f, gn = r.measure(nil, x, r.all), math.NaN()
	} else {
		f = r.measure(r.full, x, r.all)
		gn = floats.Norm(r.full, 2)
	}
	rc.res.Stats.FuncEvals += r.n
	r.lastF, r.lastG = f, gn // a non-finite f sends Result to the best point (recorder.finish)
	rec := r.record(k, f, gn, true)
	if !rc.hasBest && (!num.Finite(f) || !num.Finite(gn)) { // at x₀: X = x₀, F = f(x₀)
		rc.consider(x, f, math.NaN())
	}
	if !num.Finite(f) {
		return NonFinite, &NumericalError{Step: k, Index: -1, Value: f, What: "full-data loss"}
	}
	if i := num.FirstNonFinite(r.full); i >= 0 { // all zeros with EvalLossOnly
		return NonFinite, &NumericalError{Step: k, Index: i, Value: r.full[i], What: "full-data gradient"}
	}
	rc.consider(x, f, gn)
	rc.res.Trace.addEval(rec)
	obs, obsErr := rc.observe(rec)
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

// closing evaluates the full objective at the final iterate k, unless it
// was evaluated there already, so that Result.F is f(Result.X).
func (r *stochasticRun) closing(k int) (Status, error) {
	if r.lastEval == k {
		return NotTerminated, nil
	}
	return r.evaluate(k)
}

// end finishes the run at iterate k. Result holds x and the full loss
// there when the last full-data evaluation was at k and finite, else (only
// a failure ends a run without one) the best point.
func (r *stochasticRun) end(st Status, err error, k int) Result {
	r.rc.res.Stats.Epochs = r.epoch()
	f := r.lastF
	if r.lastEval != k {
		f = math.NaN()
	}
	return r.rc.finish(st, err, k, r.x, f, r.lastG)
}
