package optim

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
)

// Run minimizes p from x0 with method m and returns the best point, how the
// run ended, what it cost and the path it took. It is the one way to run
// every method: a step rule (an Optimizer such as SGD, Momentum or Adam)
// or a search method (a Searcher such as lib/secondorder's Newton or
// L-BFGS), on the full objective or, with s.Batch > 0, on mini-batches of
// the examples of p.Data. Every run stops by the same Settings, measures
// ‖∇f‖ in the same norm (Euclidean) and fills Result the same way.
//
// A full-objective run evaluates f(x₀) and ∇f(x₀), then repeats: record
// the iterate (Trace, observer), test the stopping rules, take a step. For
// a step rule a step is Step(x, ∇f(x)) followed by one f and one ∇f; a
// Searcher makes what evaluations it needs. Nothing is allocated per step
// apart from the trace's copies of x; the driver's own work is O(n) per
// step. For stochastic runs see Settings.Batch and Trace.Evals.
//
// x0 is not modified; a nil x0 means p.Start, so that a problem built by a
// call is built once: Run(problems.Rosenbrock(), nil, m, s). m is Reset
// first, so one value may run many times.
// Endings (Result.Status):
//   - GradientThreshold, FunctionThreshold, IterationLimit,
//     EvaluationLimit: as Settings say;
//   - Stopped: the observer asked to stop; ObserverPanic: it panicked;
//   - NonFinite: f, a gradient component or a component of x became NaN or
//     ±Inf; Err is a *NumericalError with the step and index, and no
//     non-finite value reaches Result or the method;
//   - Diverged: f exceeded DivergenceFactor·max(1, |f(x₀)|);
//   - a Searcher's failure: see StatusOf.
//
// Whatever the ending, Result.X, F and GradNorm are the best point met and
// are finite (GradNorm is NaN when Settings.EvalLossOnly measures no full
// gradient). Run panics, with a message starting "optim:", on programmer
// errors: settings out of range or contradictory (see Settings), an empty
// or non-finite x0 or one whose length differs from p.Dim (a nil x0 with a
// nil p.Start), a problem
// without Func and Grad, a Method that is neither Optimizer nor Searcher, a
// Schedule for a Searcher or for an Optimizer that is not a LearningRater,
// Batch > 0 for a Searcher or without p.Data, or a batch larger than the data.
func Run(p problems.Problem, x0 []float64, m Method, s Settings) Result {
	stochastic := s.Batch > 0
	s.check(stochastic)
	if x0 == nil {
		if p.Start == nil {
			panic(fmt.Sprintf("optim: Run: x0 is nil and problem %q has no Start to begin from", p.Name))
		}
		x0 = p.Start
	}
	checkStart(p, x0)
	var (
		opt    Optimizer
		search Searcher
	)
	switch v := m.(type) {
	case Optimizer:
		opt = v
	case Searcher:
		search = v
	default:
		panic(fmt.Sprintf("optim: Run: %T is neither an Optimizer (Step) nor a Searcher (Init, Iterate)", m))
	}
	if s.Label == "" {
		s.Label = MethodName(m)
	}
	m.Reset()
	var lrr LearningRater
	if s.Schedule != nil {
		if search != nil {
			panic(fmt.Sprintf("optim: Run: Settings.Schedule is for step rules; %T chooses its own step lengths", m))
		}
		var ok bool
		if lrr, ok = opt.(LearningRater); !ok {
			panic(fmt.Sprintf("optim: Run: a Schedule needs an optimizer with SetLearningRate, %T has none", opt))
		}
	}
	if stochastic {
		if search != nil {
			panic(fmt.Sprintf("optim: Run: Settings.Batch = %d: %T needs the full objective (set Batch to 0)", s.Batch, m))
		}
		if p.Data == nil {
			panic(fmt.Sprintf("optim: Run: Settings.Batch = %d but problem %q has no Data (examples) to sample", s.Batch, p.Name))
		}
		if n := p.Data.Len(); s.Batch > n {
			panic(fmt.Sprintf("optim: Run: Settings.Batch = %d exceeds the %d examples of %q", s.Batch, n, p.Name))
		}
		return runStochastic(p, x0, opt, lrr, s)
	}
	if search == nil {
		search = &stepRule{opt: opt}
	}
	return runFull(p, x0, search, lrr, s)
}

// MethodName is the name a run takes when Settings.Label is empty: the
// method's String() when it has one, else its type name ("Adam").
func MethodName(m Method) string {
	if st, ok := m.(fmt.Stringer); ok {
		return st.String()
	}
	name := fmt.Sprintf("%T", m)
	name = strings.TrimLeft(name, "*")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// checkStart panics unless x0 is a finite point of p's dimension and p can
// be evaluated.
func checkStart(p problems.Problem, x0 []float64) {
	n := len(x0)
	if n == 0 || (p.Dim > 0 && n != p.Dim) {
		panic(fmt.Sprintf("optim: Run: len(x0) = %d, problem %q has Dim %d", n, p.Name, p.Dim))
	}
	if p.Func == nil || p.Grad == nil {
		panic(fmt.Sprintf("optim: Run: problem %q needs Func and Grad", p.Name))
	}
	if i := num.FirstNonFinite(x0); i >= 0 {
		panic(fmt.Sprintf("optim: Run: x0[%d] = %v: the start must be finite", i, x0[i]))
	}
}

// stepRule makes an Optimizer a Searcher: a step is Step(x, ∇f(x)), then
// f and ∇f at the new point. When the new x, f or ∇f is not finite it puts
// the last point back and reports a *NumericalError.
type stepRule struct {
	opt   Optimizer
	lrr   LearningRater
	prev  []float64
	gnext []float64
}

func (r *stepRule) Reset() { r.opt.Reset() }

func (r *stepRule) Init(_ *Evaluator, loc *Location) error {
	r.lrr, _ = r.opt.(LearningRater)
	r.prev = make([]float64, len(loc.X))
	r.gnext = make([]float64, len(loc.X))
	return nil
}

func (r *stepRule) Iterate(e *Evaluator, loc *Location) (float64, error) {
	alpha := math.NaN()
	if r.lrr != nil {
		alpha = r.lrr.LearningRate()
	}
	copy(r.prev, loc.X)
	r.opt.Step(loc.X, loc.Grad)
	fail := func(err *NumericalError) (float64, error) {
		copy(loc.X, r.prev)
		return alpha, err
	}
	if i := num.FirstNonFinite(loc.X); i >= 0 { // finite inputs overflowed
		return fail(&NumericalError{Index: i, Value: loc.X[i], What: "x"})
	}
	f := e.Func(loc.X)
	if !num.Finite(f) {
		return fail(&NumericalError{Index: -1, Value: f, What: "objective"})
	}
	e.Grad(r.gnext, loc.X)
	if i := num.FirstNonFinite(r.gnext); i >= 0 {
		return fail(&NumericalError{Index: i, Value: r.gnext[i], What: "gradient"})
	}
	loc.F = f
	loc.Grad, r.gnext = r.gnext, loc.Grad
	return alpha, nil
}

// recorder holds what both run loops share: the trace, the observer, the
// best point and how to finish.
type recorder struct {
	s       Settings
	start   time.Time
	res     Result
	best    []float64
	bestF   float64
	bestG   float64
	hasBest bool
	bound   float64
}

// newRecorder returns the recorder of a run in dimension n that records at
// most records iterates, if records > 0: its trace's Records are then
// allocated once, for min(records, Limit), rather than grown.
func newRecorder(s Settings, n, records int) *recorder {
	rc := &recorder{
		s:     s,
		start: time.Now(),
		res:   Result{Trace: Trace{Label: s.Label, Limit: s.TraceLimit, XDim: s.TraceXDim}},
		best:  make([]float64, n),
		bound: math.Inf(1),
	}
	if records > 0 {
		rc.res.Trace.Records = make([]Record, 0, min(records, rc.res.Trace.limit()))
	}
	return rc
}

// setBound fixes the divergence bound from f(x₀).
func (rc *recorder) setBound(f0 float64) {
	if !rc.s.AllowDivergence {
		rc.bound = DivergenceFactor * max(1, math.Abs(f0))
	}
}

// consider keeps x as the best point if f is the lowest full value so far.
func (rc *recorder) consider(x []float64, f, gn float64) {
	if !rc.hasBest || f < rc.bestF {
		copy(rc.best, x)
		rc.bestF, rc.bestG, rc.hasBest = f, gn, true
	}
}

// observe calls the observer, turning a panic into ObserverPanic.
func (rc *recorder) observe(r Record) (st Status, err error) {
	if rc.s.Observe == nil {
		return NotTerminated, nil
	}
	defer func() {
		if v := recover(); v != nil {
			st, err = ObserverPanic, fmt.Errorf("optim: the observer panicked at step %d: %v", r.Iter, v)
		}
	}()
	if rc.s.Observe(r) {
		return Stopped, nil
	}
	return NotTerminated, nil
}

// record is the Record of iterate k at x, with the evaluation counts so far.
func (rc *recorder) record(k int, x []float64, f, gn, step float64, full bool) Record {
	return Record{Iter: k, X: x, F: f, GradNorm: gn, Full: full, StepSize: step,
		FuncEvals: rc.res.Stats.FuncEvals, GradEvals: rc.res.Stats.GradEvals, Elapsed: time.Since(rc.start)}
}

// limit returns the limit reached before step k, or NotTerminated:
// IterationLimit when epochsDone (a stochastic run's Epochs) or at
// MaxIter, else EvaluationLimit at MaxEvals.
func (rc *recorder) limit(k int, epochsDone bool) Status {
	switch {
	case epochsDone || (rc.s.MaxIter > 0 && k >= rc.s.MaxIter):
		return IterationLimit
	case rc.s.MaxEvals > 0 && rc.res.Stats.GradEvals >= rc.s.MaxEvals:
		return EvaluationLimit
	}
	return NotTerminated
}

// tests returns the status of the full-objective tests at f, ‖g‖.
func (rc *recorder) tests(f, gn float64) Status {
	switch {
	case gn <= rc.s.GradTol:
		return GradientThreshold
	case rc.s.FuncTarget.reached(f):
		return FunctionThreshold
	}
	return NotTerminated
}

// finish ends the run at last, whose full f and ‖∇f‖ are lastF and lastG;
// a failed run returns the best point instead.
func (rc *recorder) finish(st Status, err error, iters int, last []float64, lastF, lastG float64) Result {
	r := rc.res
	r.Status, r.Err = st, err
	r.Last = append([]float64(nil), last...)
	if st.Failed() || !num.Finite(lastF) {
		r.X, r.F, r.GradNorm = rc.best, rc.bestF, rc.bestG
	} else {
		r.X, r.F, r.GradNorm = r.Last, lastF, lastG
	}
	r.Stats.Iterations = iters
	r.Stats.Runtime = time.Since(rc.start)
	return r
}

// runFull is the loop of a full-objective run.
func runFull(p problems.Problem, x0 []float64, m Searcher, lrr LearningRater, s Settings) Result {
	n := len(x0)
	rc := newRecorder(s, n, 0) // a run may end long before MaxIter
	e := &Evaluator{p: p}
	loc := &Location{X: append([]float64(nil), x0...), Grad: make([]float64, n)}
	var base float64
	if lrr != nil {
		base = lrr.LearningRate()
	}
	sync := func() {
		rc.res.Stats.FuncEvals, rc.res.Stats.GradEvals, rc.res.Stats.HessEvals = e.Counts()
	}
	record := func(k int, gn, step float64, final bool) Record {
		sync()
		r := rc.record(k, loc.X, loc.F, gn, step, true)
		if final {
			rc.res.Trace.Final(r)
		} else {
			rc.res.Trace.Add(r)
		}
		return r
	}
	end := func(st Status, err error, k int, gn, step float64) Result {
		record(k, gn, step, true)
		return rc.finish(st, err, k, loc.X, loc.F, gn)
	}

	loc.F = e.Func(loc.X)
	e.Grad(loc.Grad, loc.X)
	if !num.Finite(loc.F) {
		rc.consider(loc.X, loc.F, math.NaN())
		sync()
		r := rc.finish(NonFinite, &NumericalError{Step: 0, Index: -1, Value: loc.F, What: "objective at x₀"}, 0, loc.X, loc.F, math.NaN())
		r.Trace.Final(Record{X: loc.X, F: loc.F, GradNorm: math.NaN(), Full: true, FuncEvals: 1, GradEvals: 1})
		return r
	}
	if i := num.FirstNonFinite(loc.Grad); i >= 0 {
		rc.consider(loc.X, loc.F, math.NaN())
		return end(NonFinite, &NumericalError{Step: 0, Index: i, Value: loc.Grad[i], What: "gradient at x₀"}, 0, math.NaN(), 0)
	}
	rc.setBound(loc.F)
	if err := m.Init(e, loc); err != nil {
		gn := floats.Norm(loc.Grad, 2)
		rc.consider(loc.X, loc.F, gn)
		return end(StatusOf(err), err, 0, gn, 0)
	}
	step := 0.0
	for k := 0; ; k++ {
		gn := floats.Norm(loc.Grad, 2)
		rc.consider(loc.X, loc.F, gn)
		r := record(k, gn, step, false)
		obs, obsErr := rc.observe(r)
		st := rc.tests(loc.F, gn)
		if st == NotTerminated {
			st = obs
		}
		if st == NotTerminated {
			st = rc.limit(k, false)
		}
		if st != NotTerminated {
			return end(st, obsErr, k, gn, step)
		}
		if s.Schedule != nil {
			lrr.SetLearningRate(s.Schedule.Rate(base, k))
		}
		var err error
		step, err = m.Iterate(e, loc)
		if err != nil {
			if ne, ok := err.(*NumericalError); ok && ne.Step == 0 {
				ne.Step = k + 1
			}
			return end(StatusOf(err), err, k, floats.Norm(loc.Grad, 2), step)
		}
		if bad := num.FirstNonFinite(loc.X) >= 0 || !num.Finite(loc.F) || num.FirstNonFinite(loc.Grad) >= 0; bad {
			// The Searcher broke its contract (a failure must come as an
			// error, with loc at the last accepted point): keep the best.
			return rc.finish(MethodFailure, fmt.Errorf("optim: %T.Iterate returned a non-finite point at step %d without an error", m, k+1), k+1, rc.best, rc.bestF, rc.bestG)
		}
		if loc.F > rc.bound {
			gn := floats.Norm(loc.Grad, 2)
			return end(Diverged, &NumericalError{Step: k + 1, Index: -1, Value: loc.F, What: "objective (diverged)"}, k+1, gn, step)
		}
	}
}
