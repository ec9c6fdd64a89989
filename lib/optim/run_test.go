package optim

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/problems"
)

// TestRun runs every optimizer through one driver on a table of problems.
func TestRun(t *testing.T) {
	cases := []struct {
		p     problems.Problem
		x0    []float64
		opt   Optimizer
		s     Settings
		tol   float64 // on ‖x − x*‖∞
		xstar []float64
	}{
		{quad([]float64{1, 4}), []float64{3, -2}, NewSGD(0.2), Settings{MaxIter: 500, GradTol: 1e-8}, 1e-8, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, NewMomentum(0.01, 0.9), Settings{MaxIter: 2000, GradTol: 1e-8}, 1e-8, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, NewNesterov(0.01, 0.9), Settings{MaxIter: 2000, GradTol: 1e-8}, 1e-8, []float64{0, 0}},
		{problems.Rosenbrock(), []float64{-1.2, 1}, NewAdam(0.02), Settings{MaxIter: 20000, GradTol: 1e-7}, 1e-5, []float64{1, 1}},
		{problems.Rosenbrock(), []float64{-1.2, 1}, NewMomentum(1e-3, 0.9), Settings{MaxIter: 50000, GradTol: 1e-7}, 1e-5, []float64{1, 1}},
		{quad([]float64{1, 100}), []float64{3, -2}, NewRMSProp(0.01), Settings{MaxIter: 3000, Schedule: InvSqrt{T0: 100}}, 1e-3, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, NewAdaGrad(0.5), Settings{MaxIter: 5000, GradTol: 1e-8}, 1e-6, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, &AdamW{LR: 0.05, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-3}, Settings{MaxIter: 3000, Schedule: WarmupCosine{Warmup: 50, Steps: 3000, StartFactor: 0.01}}, 1e-6, []float64{0, 0}},
	}
	for _, c := range cases {
		r := Run(c.p, c.x0, c.opt, c.s)
		name := c.p.Name + "/" + MethodName(c.opt)
		if r.Status.Failed() || r.Err != nil {
			t.Errorf("%s: %v %v", name, r.Status, r.Err)
			continue
		}
		for i := range c.xstar {
			if math.Abs(r.X[i]-c.xstar[i]) > c.tol {
				t.Errorf("%s: x = %v after %d steps (%v), want %v ± %g", name, r.X, r.Stats.Iterations, r.Status, c.xstar, c.tol)
				break
			}
		}
		if r.Trace.Len() < 2 || r.Trace.Len() > DefaultTraceLimit || r.Trace.Label != MethodName(c.opt) {
			t.Errorf("%s: trace %q of %d records", name, r.Trace.Label, r.Trace.Len())
		}
		last, _ := r.Trace.Last()
		if last.Iter != r.Stats.Iterations || !last.Full || len(r.Last) != len(c.x0) {
			t.Errorf("%s: last record %+v, result iter %d", name, last, r.Stats.Iterations)
		}
		if r.Status == GradientThreshold && (r.GradNorm > c.s.GradTol || r.F != last.F) {
			t.Errorf("%s: converged with ‖g‖ = %v > %v or F %v ≠ last %v", name, r.GradNorm, c.s.GradTol, r.F, last.F)
		}
		t.Logf("%-28s %-18v %6d steps f=%.3g ‖g‖=%.3g", name, r.Status, r.Stats.Iterations, r.F, r.GradNorm)
	}
}

// TestZeroMeansZero: no field's zero stands for another number.
func TestZeroMeansZero(t *testing.T) {
	p := quad([]float64{1, 10})
	x0 := []float64{1, 1}
	s := Settings{MaxIter: 50}
	sgd := Run(p, x0, NewSGD(0.05), s)
	for _, m := range []Optimizer{
		&Momentum{LR: 0.05},                 // ρ = 0 is plain gradient descent
		&Momentum{LR: 0.05, Dampening: 0.5}, // … and, as in torch, dampening needs momentum
		&Nesterov{LR: 0.05},
	} {
		r := Run(p, x0, m, s)
		for i := range r.X {
			if r.X[i] != sgd.X[i] {
				t.Errorf("%#v: x = %v, SGD %v", m, r.X, sgd.X)
			}
		}
	}
	// β₁ = 0: m = g, so Adam's first step is α·g/(|g| + ε√(1−β₂)) and every
	// step is sign-like, RMSProp with bias correction.
	a := &Adam{LR: 0.1, Beta2: 0.999, Eps: 1e-8}
	x := []float64{0, 0}
	a.Step(x, []float64{2, -3})
	if math.Abs(x[0]+0.1) > 1e-8 || math.Abs(x[1]-0.1) > 1e-8 {
		t.Errorf("Adam β₁ = 0 first step: %v, want ∓0.1", x)
	}
	// The settings' zero: no gradient test but an exactly zero gradient.
	r := Run(p, []float64{0, 0}, NewSGD(0.1), Settings{MaxIter: 10})
	if r.Status != GradientThreshold || r.Stats.Iterations != 0 {
		t.Errorf("start at the minimum: %v after %d steps, want GradientThreshold at once", r.Status, r.Stats.Iterations)
	}
	r = Run(p, x0, NewSGD(0.05), Settings{MaxIter: 10})
	if r.Status != IterationLimit || r.Stats.Iterations != 10 {
		t.Errorf("MaxIter 10: %v after %d", r.Status, r.Stats.Iterations)
	}
}

func TestRunScheduleDrivesRate(t *testing.T) {
	r := Run(quad([]float64{1}), []float64{1}, NewSGD(0.1), Settings{MaxIter: 10, Schedule: StepDecay{Steps: 3, Gamma: 0.5}, TraceLimit: 100})
	for _, rec := range r.Trace.Records[1:10] {
		// Record k holds the rate of the step that led to it, step k−1.
		if want := 0.1 * math.Pow(0.5, float64((rec.Iter-1)/3)); math.Abs(rec.StepSize-want) > 1e-15 {
			t.Errorf("iteration %d: step size %v, want %v", rec.Iter, rec.StepSize, want)
		}
	}
	if r.Trace.Records[0].StepSize != 0 {
		t.Errorf("the start has step size %v, want 0", r.Trace.Records[0].StepSize)
	}
}

func TestRunNonFinite(t *testing.T) {
	p := quad([]float64{1, 1, 1})
	grad := p.Grad
	calls := 0
	p.Grad = func(g, x []float64) {
		grad(g, x)
		calls++
		if calls == 4 { // the gradient at the point after step 3
			g[2] = math.NaN()
		}
	}
	r := Run(p, []float64{1, 2, 3}, NewAdam(0.1), Settings{MaxIter: 100})
	var ne *NumericalError
	if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.Step != 3 || ne.Index != 2 || ne.What != "gradient" {
		t.Fatalf("status %v, err %v; want NonFinite at step 3, index 2", r.Status, r.Err)
	}
	if num.FirstNonFinite(r.X) >= 0 || !num.Finite(r.F) || !num.Finite(r.GradNorm) || num.FirstNonFinite(r.Last) >= 0 {
		t.Errorf("result x %v f %v ‖g‖ %v last %v not finite", r.X, r.F, r.GradNorm, r.Last)
	}
	for _, rec := range r.Trace.Records {
		if !num.Finite(rec.F) || !num.Finite(rec.GradNorm) {
			t.Errorf("a non-finite value reached the trace: %+v", rec)
		}
	}
	for _, inf := range []float64{math.Inf(1), math.Inf(-1)} {
		p.Grad = func(g, x []float64) { grad(g, x); g[1] = inf }
		r = Run(p, []float64{1, 2, 3}, NewSGD(0.1), Settings{MaxIter: 5})
		if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.Step != 0 || ne.Index != 1 || ne.Value != inf {
			t.Errorf("gradient %v at x₀: status %v err %v", inf, r.Status, r.Err)
		}
	}
	// Overflow inside the optimizer: x stays at its last finite value.
	q := quad([]float64{1})
	q.Grad = func(g, x []float64) { g[0] = math.MaxFloat64 }
	r = Run(q, []float64{0}, NewSGD(1e10), Settings{MaxIter: 5, AllowDivergence: true})
	if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.What != "x" || r.X[0] != 0 || r.Last[0] != 0 {
		t.Errorf("overflowing step: status %v err %v x %v", r.Status, r.Err, r.X)
	}
	// An objective that is NaN at the start.
	q.Func = func([]float64) float64 { return math.NaN() }
	r = Run(q, []float64{0}, NewSGD(1), Settings{MaxIter: 5})
	if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.Step != 0 || ne.Index != -1 || r.X[0] != 0 {
		t.Errorf("NaN f(x₀): %v %v x %v", r.Status, r.Err, r.X)
	}
}

func TestRunDiverged(t *testing.T) {
	r := Run(quad([]float64{1, 10}), []float64{1, 1}, NewSGD(0.3), Settings{MaxIter: 10000})
	var ne *NumericalError
	if r.Status != Diverged || !errors.As(r.Err, &ne) || ne.Value <= DivergenceFactor*5.5 {
		t.Fatalf("lr 0.3 on curvature 10: status %v err %v, want Diverged", r.Status, r.Err)
	}
	if r.F != 5.5 || r.X[0] != 1 {
		t.Errorf("best point %v (f %v), want the start", r.X, r.F)
	}
	r = Run(quad([]float64{1, 10}), []float64{1, 1}, NewSGD(0.3), Settings{MaxIter: 50, AllowDivergence: true})
	if r.Status != IterationLimit || !(r.Last[1] > 1e10) {
		t.Errorf("AllowDivergence: %v, last %v", r.Status, r.Last)
	}
}

func TestRunTargetAndEvals(t *testing.T) {
	p := quad([]float64{1, 10})
	r := Run(p, []float64{1, 1}, NewSGD(0.05), Settings{MaxIter: 1000, FuncTarget: AtMost(1e-6)})
	if r.Status != FunctionThreshold || r.F > 1e-6 {
		t.Errorf("target 1e-6: %v f %v", r.Status, r.F)
	}
	// A target of 0 is a target (f ≤ 0), not "none".
	r = Run(problems.Saddle(), []float64{-1.5, 0.01}, NewSGD(0.1), Settings{MaxIter: 1000, FuncTarget: AtMost(0)})
	if r.Status != FunctionThreshold || r.F > 0 {
		t.Errorf("saddle, target 0: %v f %v", r.Status, r.F)
	}
	r = Run(p, []float64{1, 1}, NewSGD(0.05), Settings{MaxEvals: 7})
	if r.Status != EvaluationLimit || r.Stats.GradEvals != 7 || r.Stats.Iterations != 6 {
		t.Errorf("MaxEvals 7: %v after %d steps, %d gradients", r.Status, r.Stats.Iterations, r.Stats.GradEvals)
	}
}

func TestRunObserver(t *testing.T) {
	p := quad([]float64{1, 10})
	var seen []int
	r := Run(p, []float64{1, 1}, NewSGD(0.05), Settings{MaxIter: 100, TraceLimit: 8, Observe: func(rec Record) bool {
		seen = append(seen, rec.Iter)
		return rec.F < 1e-3
	}})
	if r.Status != Stopped || seen[len(seen)-1] != r.Stats.Iterations || r.F >= 1e-3 {
		t.Errorf("stop at f < 1e-3: %v after %d steps, f %v", r.Status, r.Stats.Iterations, r.F)
	}
	for i, k := range seen {
		if k != i {
			t.Fatalf("the observer saw iterations %v; want every one (the trace is decimated, the observer is not)", seen)
		}
	}
	// Stop at step 0: the start is the result.
	r = Run(p, []float64{1, 1}, NewAdam(0.1), Settings{MaxIter: 100, Observe: func(Record) bool { return true }})
	if r.Status != Stopped || r.Stats.Iterations != 0 || r.X[0] != 1 || r.F != 5.5 {
		t.Errorf("stop at step 0: %v after %d, x %v f %v", r.Status, r.Stats.Iterations, r.X, r.F)
	}
	// A panicking observer ends the run with a status naming it; the best point is kept.
	r = Run(p, []float64{1, 1}, NewSGD(0.05), Settings{MaxIter: 100, Observe: func(rec Record) bool {
		if rec.Iter == 5 {
			panic("boom")
		}
		return false
	}})
	if r.Status != ObserverPanic || r.Err == nil || !strings.Contains(r.Err.Error(), "observer panicked at step 5: boom") || r.Stats.Iterations != 5 || !(r.F < 5.5) {
		t.Errorf("panicking observer: %v %v after %d, f %v", r.Status, r.Err, r.Stats.Iterations, r.F)
	}
	// Observers combine.
	count := 0
	r = Run(p, []float64{1, 1}, NewSGD(0.05), Settings{MaxIter: 100, Observe: Observers(nil,
		func(Record) bool { count++; return false },
		func(rec Record) bool { return rec.Iter == 3 })})
	if r.Status != Stopped || count != 4 {
		t.Errorf("combined observers: %v, first called %d times", r.Status, count)
	}
}

// fakeSearcher takes gradient steps of a fixed length and fails on demand,
// to test the driver's contract with Searchers.
type fakeSearcher struct {
	failAt int
	err    error
	broken bool // return a NaN point without an error
	inits  int
	steps  int
}

func (f *fakeSearcher) Reset() { f.steps = 0 }

func (f *fakeSearcher) Init(_ *Evaluator, loc *Location) error {
	f.inits++
	return nil
}

func (f *fakeSearcher) Iterate(e *Evaluator, loc *Location) (float64, error) {
	f.steps++
	if f.steps == f.failAt {
		if f.broken {
			loc.X[0] = math.NaN()
			return 0.1, nil
		}
		return 0, f.err
	}
	for i := range loc.X {
		loc.X[i] -= 0.1 * loc.Grad[i]
	}
	loc.F = e.Func(loc.X)
	e.Grad(loc.Grad, loc.X)
	return 0.1, nil
}

type statusErr struct{}

func (statusErr) Error() string  { return "singular" }
func (statusErr) Status() Status { return SingularSystem }

func TestRunSearcher(t *testing.T) {
	p := quad([]float64{1, 2})
	f := &fakeSearcher{}
	r := Run(p, []float64{1, 1}, f, Settings{MaxIter: 20})
	if r.Status != IterationLimit || f.inits != 1 || r.Stats.GradEvals != 21 || r.Stats.FuncEvals != 21 {
		t.Errorf("%v inits %d evals %+v", r.Status, f.inits, r.Stats)
	}
	if rec, _ := r.Trace.Last(); rec.StepSize != 0.1 || r.Trace.Label != "fakeSearcher" {
		t.Errorf("last record %+v label %q", rec, r.Trace.Label)
	}
	for _, c := range []struct {
		err  error
		want Status
	}{
		{statusErr{}, SingularSystem},
		{fmt.Errorf("wrapped: %w", statusErr{}), SingularSystem},
		{&NumericalError{What: "direction"}, NonFinite},
		{errors.New("odd"), MethodFailure},
	} {
		r = Run(p, []float64{1, 1}, &fakeSearcher{failAt: 3, err: c.err}, Settings{MaxIter: 20})
		if r.Status != c.want || r.Err != c.err || r.Stats.Iterations != 2 {
			t.Errorf("error %v: %v %v after %d", c.err, r.Status, r.Err, r.Stats.Iterations)
		}
	}
	r = Run(p, []float64{1, 1}, &fakeSearcher{failAt: 3, broken: true}, Settings{MaxIter: 20})
	if r.Status != MethodFailure || num.FirstNonFinite(r.X) >= 0 {
		t.Errorf("a searcher returning NaN without an error: %v, x %v", r.Status, r.X)
	}
}

func TestRunBadInput(t *testing.T) {
	p := quad([]float64{1, 1})
	x0 := []float64{1, 1}
	lin := linreg(10)
	data := problems.Objective("linreg", lin)
	w0 := make([]float64, lin.Dim())
	for _, c := range []struct {
		want string
		run  func()
	}{
		{"Settings.MaxIter = -1", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: -1}) }},
		{"Settings.MaxEvals = -3", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: 1, MaxEvals: -3}) }},
		{"Settings has no limit: set MaxIter, MaxEvals or (with Batch) Epochs", func() { Run(p, x0, NewSGD(1), Settings{}) }},
		{"Settings.GradTol = NaN", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: 1, GradTol: math.NaN()}) }},
		{"Settings.GradTol = -1", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: 1, GradTol: -1}) }},
		{"Settings.GradTol = +Inf", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: 1, GradTol: math.Inf(1)}) }},
		{"AtMost(NaN)", func() { AtMost(math.NaN()) }},
		{"AtMost(-Inf)", func() { AtMost(math.Inf(-1)) }},
		{"Settings.Epochs = +Inf", func() { Run(data, w0, NewSGD(1), Settings{Batch: 2, Epochs: math.Inf(1)}) }},
		{"Settings.Epochs = NaN", func() { Run(data, w0, NewSGD(1), Settings{Batch: 2, Epochs: math.NaN()}) }},
		{"Settings.Epochs = -1", func() { Run(data, w0, NewSGD(1), Settings{Batch: 2, Epochs: -1}) }},
		{"Settings.Epochs = 3 needs Batch > 0", func() { Run(data, w0, NewSGD(1), Settings{Epochs: 3}) }},
		{"Settings.EvalEvery = 2 needs Batch > 0", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: 1, EvalEvery: 2}) }},
		{"Settings.Order = InOrder needs Batch > 0", func() { Run(p, x0, NewSGD(1), Settings{MaxIter: 1, Order: InOrder}) }},
		{"Settings.SchedulePerEpoch is set without a Schedule", func() { Run(data, w0, NewSGD(1), Settings{Batch: 2, Epochs: 1, SchedulePerEpoch: true}) }},
		{"Settings.Batch = -1", func() { Run(data, w0, NewSGD(1), Settings{MaxIter: 1, Batch: -1}) }},
		{"Settings.Batch = 11 exceeds the 10 examples", func() { Run(data, w0, NewSGD(1), Settings{Batch: 11, Epochs: 1}) }},
		{"problem \"quad\" has no Data", func() { Run(p, x0, NewSGD(1), Settings{Batch: 1, Epochs: 1}) }},
		{"Settings.Batch = 2: *optim.fakeSearcher needs the full objective", func() { Run(data, w0, &fakeSearcher{}, Settings{Batch: 2, Epochs: 1}) }},
		{"Settings.Schedule is for step rules", func() { Run(p, x0, &fakeSearcher{}, Settings{MaxIter: 1, Schedule: Constant{}}) }},
		{"x0[1] = NaN: the start must be finite", func() { Run(p, []float64{0, math.NaN()}, NewSGD(1), Settings{MaxIter: 1}) }},
		{"x0[0] = +Inf", func() { Run(p, []float64{math.Inf(1), 0}, NewSGD(1), Settings{MaxIter: 1}) }},
		{"len(x0) = 3, problem \"Rosenbrock\" has Dim 2", func() { Run(problems.Rosenbrock(), []float64{1, 2, 3}, NewSGD(1), Settings{MaxIter: 1}) }},
		{"len(x0) = 2, but the Data of \"linreg\" has Dim() = 4", func() {
			Run(problems.Problem{Name: "linreg", Func: data.Func, Grad: data.Grad, Data: lin}, []float64{0, 0}, NewSGD(1), Settings{Batch: 1, Epochs: 1})
		}},
		{"is neither an Optimizer", func() { Run(p, x0, methodOnly{}, Settings{MaxIter: 1}) }},
	} {
		expectPanic(t, c.want, c.run)
	}
}

type methodOnly struct{}

func (methodOnly) Reset() {}

func TestRunStochasticBatching(t *testing.T) {
	lin := linreg(200)
	p := problems.Objective("linreg", lin)
	x0 := make([]float64, p.Dim)
	for _, c := range []struct {
		name  string
		b     int
		order Order
	}{
		{"full batch", 200, InOrder},
		{"instance SGD", 1, Reshuffle},
		{"mini-batch", 16, Reshuffle},
		{"mini-batch once", 16, ShuffleOnce},
		{"mini-batch replacement", 16, WithReplacement},
	} {
		s := Settings{Batch: c.b, Order: c.order, Seed: 3, Epochs: 20}
		r := Run(p, x0, NewSGD(0.05), s)
		if r.Status != IterationLimit {
			t.Errorf("%s: %v %v", c.name, r.Status, r.Err)
		}
		if r.Stats.GradEvals != 20*200 || r.Stats.Epochs != 20 {
			t.Errorf("%s: %d per-example gradients over %v epochs, want 4000 over 20", c.name, r.Stats.GradEvals, r.Stats.Epochs)
		}
		if len(r.Trace.Evals) != 21 || r.Trace.Evals[0].Iter != 0 || !r.Trace.Evals[3].Full || r.Trace.Records[3].Full {
			t.Errorf("%s: %d full-data evaluations, want 21 (x₀ and each epoch)", c.name, len(r.Trace.Evals))
		}
		f0, fEnd := r.Trace.Evals[0].F, r.Trace.Evals[20].F
		if !(fEnd < 0.05*f0) || r.F > fEnd || math.Abs(p.Func(r.X)-r.F) > 1e-15*r.F {
			t.Errorf("%s: loss %v → %v (best %v), want a 20× decrease", c.name, f0, fEnd, r.F)
		}
		if g := make([]float64, p.Dim); true {
			p.Grad(g, r.X)
			if gn := math.Hypot(math.Hypot(g[0], g[1]), math.Hypot(g[2], g[3])); math.Abs(gn-r.GradNorm) > 1e-12*gn {
				t.Errorf("%s: GradNorm %v, ‖∇f(X)‖ %v", c.name, r.GradNorm, gn)
			}
		}
		wantSteps := 20 * ((200 + c.b - 1) / c.b)
		if c.order == WithReplacement {
			wantSteps = 4000 / c.b
		}
		if r.Stats.Iterations != wantSteps {
			t.Errorf("%s: %d steps, want %d", c.name, r.Stats.Iterations, wantSteps)
		}
		t.Logf("%-24s steps %5d  loss %.4g → %.4g", c.name, r.Stats.Iterations, f0, fEnd)
		// Same seed, same bits; another seed, another path.
		r2 := Run(p, x0, NewSGD(0.05), s)
		for i := range r.X {
			if r.X[i] != r2.X[i] {
				t.Fatalf("%s: rerun with the same seed differs: %v vs %v", c.name, r.X, r2.X)
			}
		}
		if c.order != InOrder && c.b < 200 {
			s.Seed = 4
			if r3 := Run(p, x0, NewSGD(0.05), s); r3.Last[0] == r.Last[0] {
				t.Errorf("%s: seeds 3 and 4 give the same run", c.name)
			}
		}
	}
}

func TestRunStochasticEvalEveryAndTarget(t *testing.T) {
	p := problems.Objective("linreg", linreg(100))
	x0 := make([]float64, p.Dim)
	r := Run(p, x0, NewAdam(0.05), Settings{Batch: 10, Seed: 1, EvalEvery: 5, MaxIter: 40, Epochs: 100})
	// Every 5 steps, plus epoch ends (every 10 steps: already counted).
	if len(r.Trace.Evals) != 9 || r.Trace.Evals[1].Iter != 5 || r.Stats.Iterations != 40 {
		t.Errorf("EvalEvery 5 over 40 steps: %d evaluations, second at %d", len(r.Trace.Evals), r.Trace.Evals[1].Iter)
	}
	r = Run(p, x0, NewAdam(0.05), Settings{Batch: 10, Seed: 1, FuncTarget: AtMost(0.5), Epochs: 1000})
	if r.Status != FunctionThreshold || r.F > 0.5 {
		t.Errorf("target 0.5: %v, f = %v", r.Status, r.F)
	}
	r = Run(p, x0, NewAdam(0.05), Settings{Batch: 100, Seed: 1, GradTol: 1e-3, Epochs: 5000})
	if r.Status != GradientThreshold || r.GradNorm > 1e-3 {
		t.Errorf("full batch with GradTol 1e-3: %v, ‖g‖ = %v", r.Status, r.GradNorm)
	}
	r = Run(p, x0, NewSGD(0.05), Settings{Batch: 10, Seed: 1, MaxEvals: 55, Epochs: 100})
	if r.Status != EvaluationLimit || r.Stats.GradEvals != 60 {
		t.Errorf("MaxEvals 55: %v after %d per-example gradients", r.Status, r.Stats.GradEvals)
	}
	r = Run(p, x0, NewSGD(0.05), Settings{Batch: 10, Seed: 1, Epochs: 2.5})
	if r.Stats.Iterations != 25 || r.Stats.Epochs != 2.5 || len(r.Trace.Evals) != 4 {
		t.Errorf("2.5 epochs: %d steps, %v epochs, %d evaluations", r.Stats.Iterations, r.Stats.Epochs, len(r.Trace.Evals))
	}
}

// nanModel wraps a Stochastic and poisons one example's gradient.
type nanModel struct {
	problems.Stochastic
	bad int
}

func (m nanModel) Loss(grad, x []float64, idx []int) float64 {
	f := m.Stochastic.Loss(grad, x, idx)
	if len(idx) == 1 && idx[0] == m.bad && grad != nil {
		grad[1] = math.Inf(-1)
	}
	return f
}

func TestRunStochasticNonFinite(t *testing.T) {
	m := nanModel{linreg(50), 17}
	p := problems.Objective("poisoned", m)
	x0 := make([]float64, p.Dim)
	r := Run(p, x0, NewMomentum(0.01, 0.9), Settings{Batch: 1, Order: InOrder, Epochs: 2})
	var ne *NumericalError
	if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.Step != 17 || ne.Index != 1 || !math.IsInf(ne.Value, -1) {
		t.Fatalf("status %v err %v; want NonFinite at step 17 index 1", r.Status, r.Err)
	}
	if num.FirstNonFinite(r.X) >= 0 || num.FirstNonFinite(r.Last) >= 0 || !num.Finite(r.F) {
		t.Errorf("x = %v last %v f %v not finite", r.X, r.Last, r.F)
	}
}

// TestRunStochasticObserver: the observer sees steps and evaluations, and
// early stopping really stops.
func TestRunStochasticObserver(t *testing.T) {
	p := problems.Objective("linreg", linreg(40))
	x0 := make([]float64, p.Dim)
	steps, evals := 0, 0
	r := Run(p, x0, NewSGD(0.05), Settings{Batch: 8, Seed: 2, Epochs: 3, Observe: func(rec Record) bool {
		if rec.Full {
			evals++
		} else {
			steps++
		}
		return false
	}})
	if steps != r.Stats.Iterations || evals != len(r.Trace.Evals) || evals != 4 {
		t.Errorf("observer saw %d steps and %d evaluations; run %d steps, %d evaluations", steps, evals, r.Stats.Iterations, len(r.Trace.Evals))
	}
	r = Run(p, x0, NewSGD(0.05), Settings{Batch: 8, Seed: 2, Epochs: 3, Observe: func(rec Record) bool { return rec.Iter == 7 && !rec.Full }})
	if r.Status != Stopped || r.Stats.Iterations != 7 || r.Trace.Evals[len(r.Trace.Evals)-1].Iter != 7 {
		t.Errorf("stop at step 7: %v after %d", r.Status, r.Stats.Iterations)
	}
}

// TestTraceKeepsIterates checks the x a decimated trace keeps (a copy per
// record, across many thinnings) against the iterates the observer saw, in
// a full-objective run and a stochastic one, and that each is its own
// capped slice.
func TestTraceKeepsIterates(t *testing.T) {
	data := problems.LinearData(200, 3, 0.5, 1)
	runs := map[string]func(obs func(Record) bool) Result{
		"full": func(obs func(Record) bool) Result {
			return Run(quad([]float64{1, 10, 100}), []float64{1, 1, 1}, NewSGD(0.005), Settings{MaxIter: 3000, TraceLimit: 16, Observe: obs})
		},
		"stochastic": func(obs func(Record) bool) Result {
			p := problems.Objective("ls", problems.NewLinearRegression(data, 0))
			return Run(p, make([]float64, p.Dim), NewSGD(0.01), Settings{Batch: 2, Epochs: 20, EvalEvery: 7, TraceLimit: 16, Seed: 1, Observe: obs})
		},
	}
	for name, run := range runs {
		seen := map[[2]int][]float64{} // (iteration, full) → x
		r := run(func(rec Record) bool {
			full := 0
			if rec.Full {
				full = 1
			}
			seen[[2]int{rec.Iter, full}] = append([]float64(nil), rec.X...)
			return false
		})
		if r.Trace.Stride() < 64 {
			t.Fatalf("%s: stride %d; the test wants many thinnings", name, r.Trace.Stride())
		}
		check := func(what string, recs []Record) {
			for _, rec := range recs {
				full := 0
				if rec.Full {
					full = 1
				}
				want, ok := seen[[2]int{rec.Iter, full}]
				if !ok {
					continue // the final record of a full run is not observed when it ends on a limit
				}
				if len(rec.X) != len(want) || cap(rec.X) != len(rec.X) {
					t.Fatalf("%s: %s at step %d: len %d cap %d, want %d", name, what, rec.Iter, len(rec.X), cap(rec.X), len(want))
				}
				for j := range want {
					if rec.X[j] != want[j] {
						t.Fatalf("%s: %s at step %d: x %v, want %v", name, what, rec.Iter, rec.X, want)
					}
				}
			}
		}
		check("record", r.Trace.Records)
		check("evaluation", r.Trace.Evals)
	}
}
