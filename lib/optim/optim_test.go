package optim

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// allOptimizers returns one of each optimizer with a rate suited to the
// test problems, and the options that change code paths.
func allOptimizers() map[string]func() Optimizer {
	return map[string]func() Optimizer{
		"SGD":             func() Optimizer { return &SGD{LR: 0.01} },
		"SGD/wd/max":      func() Optimizer { return &SGD{LR: 0.01, WeightDecay: 0.1, Maximize: true} },
		"Momentum":        func() Optimizer { return &Momentum{LR: 0.01, Dampening: 0.1} },
		"Momentum/vel":    func() Optimizer { return &Momentum{LR: 0.01, Velocity: true, WeightDecay: 0.01} },
		"Nesterov":        func() Optimizer { return &Nesterov{LR: 0.01} },
		"Nesterov/vel":    func() Optimizer { return &Nesterov{LR: 0.01, Velocity: true} },
		"AdaGrad":         func() Optimizer { return &AdaGrad{LR: 0.1, LRDecay: 0.01} },
		"AdaGrad/inside":  func() Optimizer { return &AdaGrad{LR: 0.1, EpsInsideSqrt: true} },
		"RMSProp":         func() Optimizer { return &RMSProp{LR: 0.01} },
		"RMSProp/all":     func() Optimizer { return &RMSProp{LR: 0.01, Centered: true, Momentum: 0.5, WeightDecay: 0.01} },
		"RMSProp/inside":  func() Optimizer { return &RMSProp{LR: 0.01, EpsInsideSqrt: true} },
		"Adam":            func() Optimizer { return &Adam{LR: 0.01} },
		"Adam/ams/nobias": func() Optimizer { return &Adam{LR: 0.01, AMSGrad: true, NoBiasCorrection: true, WeightDecay: 0.01} },
		"AdamW":           func() Optimizer { return &AdamW{LR: 0.01} },
		"AdamW/ams":       func() Optimizer { return &AdamW{LR: 0.01, AMSGrad: true, Maximize: true} },
	}
}

// quad is ½ Σ aᵢ xᵢ², defined locally so that the optimizer tests do not
// depend on lib/problems' details.
func quad(a []float64) problems.Problem {
	return problems.Problem{
		Name: "quad", Dim: len(a),
		Func: func(x []float64) float64 {
			var f float64
			for i, xi := range x {
				f += a[i] * xi * xi / 2
			}
			return f
		},
		Grad: func(g, x []float64) {
			for i, xi := range x {
				g[i] = a[i] * xi
			}
		},
	}
}

func randVec(r *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * r.NormFloat64()
	}
	return v
}

// run takes k steps of opt from x with gradients from grads(k, x) and an
// optional rate per step.
func run(opt Optimizer, x []float64, steps int, grad func(k int, g, x []float64), lrs func(k int) float64) []float64 {
	x = append([]float64(nil), x...)
	g := make([]float64, len(x))
	for k := range steps {
		grad(k, g, x)
		if lrs != nil {
			opt.(LearningRater).SetLearningRate(lrs(k))
		}
		opt.Step(x, g)
	}
	return x
}

func maxRel(a, b []float64) float64 {
	var e float64
	for i := range a {
		if d := math.Abs(a[i] - b[i]); d > 0 {
			e = max(e, d/max(math.Abs(a[i]), math.Abs(b[i])))
		}
	}
	return e
}

// TestConventionsPart shows where the lecture notes' forms agree with
// torch's and where they part.
func TestConventionsPart(t *testing.T) {
	p := quad([]float64{1, 10, 0.1})
	x0 := []float64{1, -1, 2}
	exact := func(_ int, g, x []float64) { p.Grad(g, x) }
	changing := func(k int) float64 { return StepDecay{Size: 5, Gamma: 0.3}.Rate(0.05, k) }
	pairs := []struct {
		name       string
		torch, alt func() Optimizer
	}{
		{"Momentum velocity", func() Optimizer { return &Momentum{LR: 0.05} }, func() Optimizer { return &Momentum{LR: 0.05, Velocity: true} }},
		{"Nesterov velocity", func() Optimizer { return &Nesterov{LR: 0.05} }, func() Optimizer { return &Nesterov{LR: 0.05, Velocity: true} }},
	}
	for _, c := range pairs {
		same := maxRel(run(c.torch(), x0, 30, exact, nil), run(c.alt(), x0, 30, exact, nil))
		if same > 1e-12 {
			t.Errorf("%s: constant rate, forms differ by %.3g, want agreement to rounding", c.name, same)
		}
		apart := maxRel(run(c.torch(), x0, 30, exact, changing), run(c.alt(), x0, 30, exact, changing))
		if apart < 1e-3 {
			t.Errorf("%s: changing rate, forms differ by only %.3g, want them to part", c.name, apart)
		}
		t.Logf("%s: constant rate %.2g apart, step-decayed rate %.2g apart", c.name, same, apart)
	}
	// ε inside or outside the root: the same for large gradients, apart for tiny ones.
	epsPairs := []struct {
		name       string
		torch, alt func() Optimizer
	}{
		{"AdaGrad ε", func() Optimizer { return &AdaGrad{LR: 0.1, Eps: 1e-8} }, func() Optimizer { return &AdaGrad{LR: 0.1, Eps: 1e-8, EpsInsideSqrt: true} }},
		{"RMSProp ε", func() Optimizer { return &RMSProp{LR: 0.01, Eps: 1e-8} }, func() Optimizer { return &RMSProp{LR: 0.01, Eps: 1e-8, EpsInsideSqrt: true} }},
	}
	for _, c := range epsPairs {
		big := maxRel(run(c.torch(), x0, 30, exact, nil), run(c.alt(), x0, 30, exact, nil))
		r := rand.New(rand.NewPCG(1, 2))
		grads := make([][]float64, 30)
		for k := range grads {
			grads[k] = randVec(r, 3, 1e-9)
		}
		tiny := func(k int, g, _ []float64) { copy(g, grads[k]) }
		// Compare the displacement, which is what ε changes.
		a, b := run(c.torch(), x0, 30, tiny, nil), run(c.alt(), x0, 30, tiny, nil)
		for i := range a {
			a[i] -= x0[i]
			b[i] -= x0[i]
		}
		small := maxRel(a, b)
		if big > 1e-5 || small < 0.5 {
			t.Errorf("%s: large gradients %.3g apart (want ≤ 1e-5), tiny gradients %.3g apart (want ≥ 0.5)", c.name, big, small)
		}
		t.Logf("%s: gradients O(1) %.2g apart, gradients O(1e-9) %.2g apart", c.name, big, small)
	}
}

func TestAdamBiasCorrection(t *testing.T) {
	g := []float64{0.5, -2}
	with, without := []float64{0, 0}, []float64{0, 0}
	(&Adam{LR: 0.1}).Step(with, g)
	(&Adam{LR: 0.1, NoBiasCorrection: true}).Step(without, g)
	// With correction the first step is α·sign(g); without, α(1−β₁)/√(1−β₂) ≈ 0.316α.
	for i := range g {
		if math.Abs(math.Abs(with[i])-0.1) > 1e-6 {
			t.Errorf("corrected first step %v, want ±0.1", with[i])
		}
		want := 0.1 * 0.1 / math.Sqrt(0.001)
		if math.Abs(math.Abs(without[i])-want) > 1e-6 {
			t.Errorf("uncorrected first step %v, want ±%v", without[i], want)
		}
	}
}

func TestPowN(t *testing.T) {
	for _, b := range []float64{0.9, 0.999, 0.5, 1.5} {
		for n := 0; n < 200; n++ {
			got, want := powN(b, n), math.Pow(b, float64(n))
			if math.Abs(got-want) > 1e-14*want {
				t.Fatalf("powN(%v, %d) = %v, math.Pow %v", b, n, got, want)
			}
		}
	}
	if powN(0.5, 10) != 1.0/1024 {
		t.Error("powN(0.5, 10) not exact")
	}
}

func TestZeroAllocsPerStep(t *testing.T) {
	for name, mk := range allOptimizers() {
		opt := mk()
		x, g := make([]float64, 100), make([]float64, 100)
		for i := range g {
			g[i] = float64(i%7) - 3
		}
		opt.Step(x, g)
		if a := testing.AllocsPerRun(20, func() { opt.Step(x, g) }); a != 0 {
			t.Errorf("%s: %v allocations per Step", name, a)
		}
	}
}

// TestMinimize runs every optimizer through one driver on a table of problems.
func TestMinimize(t *testing.T) {
	cases := []struct {
		p     problems.Problem
		x0    []float64
		opt   Optimizer
		s     Settings
		tol   float64 // on ‖x − x*‖∞
		xstar []float64
	}{
		{quad([]float64{1, 4}), []float64{3, -2}, &SGD{LR: 0.2}, Settings{MaxIter: 500}, 1e-8, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, &Momentum{LR: 0.01, Momentum: 0.9}, Settings{MaxIter: 2000}, 1e-8, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, &Nesterov{LR: 0.01, Momentum: 0.9}, Settings{MaxIter: 2000}, 1e-8, []float64{0, 0}},
		{problems.Rosenbrock(), []float64{-1.2, 1}, &Adam{LR: 0.02}, Settings{MaxIter: 20000, GradTol: 1e-7}, 1e-5, []float64{1, 1}},
		{problems.Rosenbrock(), []float64{-1.2, 1}, &Momentum{LR: 1e-3, Momentum: 0.9}, Settings{MaxIter: 50000, GradTol: 1e-7}, 1e-5, []float64{1, 1}},
		{quad([]float64{1, 100}), []float64{3, -2}, &RMSProp{LR: 0.01}, Settings{MaxIter: 3000, Schedule: InvSqrt{T0: 100}, GradTol: -1}, 1e-3, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, &AdaGrad{LR: 0.5}, Settings{MaxIter: 5000}, 1e-6, []float64{0, 0}},
		{quad([]float64{1, 100}), []float64{3, -2}, &AdamW{LR: 0.05, WeightDecay: 1e-3}, Settings{MaxIter: 3000, Schedule: WarmupCosine{Warmup: 50, Total: 3000}, GradTol: -1}, 1e-6, []float64{0, 0}},
	}
	for _, c := range cases {
		r := Minimize(c.p, c.x0, c.opt, c.s)
		name := c.p.Name + "/" + strings.TrimPrefix(typeName(c.opt), "*optim.")
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
		if r.Trace.Len() < 2 || r.Trace.Len() > DefaultTraceLimit {
			t.Errorf("%s: trace of %d records", name, r.Trace.Len())
		}
		last, _ := r.Trace.Last()
		if last.Iter != r.Stats.Iterations || last.F != r.F && r.Status != IterationLimit {
			t.Errorf("%s: last record %+v, result iter %d f %v", name, last, r.Stats.Iterations, r.F)
		}
		t.Logf("%-28s %-18v %6d steps f=%.3g ‖g‖=%.3g", name, r.Status, r.Stats.Iterations, r.F, r.GradNorm)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *SGD:
		return "SGD"
	case *Momentum:
		return "Momentum"
	case *Nesterov:
		return "Nesterov"
	case *AdaGrad:
		return "AdaGrad"
	case *RMSProp:
		return "RMSProp"
	case *Adam:
		return "Adam"
	case *AdamW:
		return "AdamW"
	}
	return "?"
}

func TestMinimizeScheduleDrivesRate(t *testing.T) {
	opt := &SGD{LR: 0.1}
	r := Minimize(quad([]float64{1}), []float64{1}, opt, Settings{MaxIter: 10, GradTol: -1, Schedule: StepDecay{Size: 3, Gamma: 0.5}, TraceLimit: 100})
	for _, rec := range r.Trace.Records[:10] {
		if want := 0.1 * math.Pow(0.5, float64(rec.Iter/3)); math.Abs(rec.LearningRate-want) > 1e-15 {
			t.Errorf("iteration %d: rate %v, want %v", rec.Iter, rec.LearningRate, want)
		}
	}
}

func TestMinimizeNonFinite(t *testing.T) {
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
	r := Minimize(p, []float64{1, 2, 3}, &Adam{LR: 0.1}, Settings{})
	var ne *NumericalError
	if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.Step != 3 || ne.Index != 2 || ne.What != "gradient" {
		t.Fatalf("status %v, err %v; want NonFinite at step 3, index 2", r.Status, r.Err)
	}
	if firstNonFinite(r.X) >= 0 || !isFinite(r.F) {
		t.Errorf("result x %v f %v not finite", r.X, r.F)
	}
	for _, inf := range []float64{math.Inf(1), math.Inf(-1)} {
		p.Grad = func(g, x []float64) { grad(g, x); g[1] = inf }
		r = Minimize(p, []float64{1, 2, 3}, &SGD{}, Settings{})
		if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.Step != 0 || ne.Index != 1 || ne.Value != inf {
			t.Errorf("gradient %v at x₀: status %v err %v", inf, r.Status, r.Err)
		}
	}
	// Overflow inside the optimizer: x stays at its last finite value.
	q := quad([]float64{1})
	q.Grad = func(g, x []float64) { g[0] = math.MaxFloat64 }
	r = Minimize(q, []float64{0}, &SGD{LR: 1e10}, Settings{DivergeAbove: math.Inf(1)})
	if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.What != "x" || r.X[0] != 0 {
		t.Errorf("overflowing step: status %v err %v x %v", r.Status, r.Err, r.X)
	}
}

func TestMinimizeDiverged(t *testing.T) {
	r := Minimize(quad([]float64{1, 10}), []float64{1, 1}, &SGD{LR: 0.3}, Settings{MaxIter: 10000})
	var ne *NumericalError
	if r.Status != Diverged || !errors.As(r.Err, &ne) || ne.Value <= 1e10*5.5 {
		t.Fatalf("lr 0.3 on curvature 10: status %v err %v, want Diverged", r.Status, r.Err)
	}
	if r.F != 5.5 || r.X[0] != 1 {
		t.Errorf("best point %v (f %v), want the start", r.X, r.F)
	}
}

func linreg(n int) *problems.LinearRegression {
	return problems.NewLinearRegression(problems.LinearData(n, 3, 0.1, 7), 0)
}

func TestStochasticBatching(t *testing.T) {
	p := linreg(200)
	x0 := make([]float64, p.Dim())
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
		s := StochasticSettings{BatchSize: c.b, Order: c.order, Rand: rand.New(rand.NewPCG(3, 4)), Epochs: 20, GradTol: -1}
		r := MinimizeStochastic(p, x0, &SGD{LR: 0.05}, s)
		if r.Status != IterationLimit {
			t.Errorf("%s: %v %v", c.name, r.Status, r.Err)
		}
		if r.Stats.GradEvals != 20*200 || r.Stats.Epochs != 20 {
			t.Errorf("%s: %d per-example gradients over %v epochs, want 4000 over 20", c.name, r.Stats.GradEvals, r.Stats.Epochs)
		}
		if len(r.Trace.Evals) != 21 || r.Trace.Evals[0].Iter != 0 {
			t.Errorf("%s: %d full-data evaluations, want 21 (x₀ and each epoch)", c.name, len(r.Trace.Evals))
		}
		f0, fEnd := r.Trace.Evals[0].F, r.F
		if !(fEnd < 0.05*f0) {
			t.Errorf("%s: loss %v → %v, want a 20× decrease", c.name, f0, fEnd)
		}
		wantSteps := 20 * ((200 + c.b - 1) / c.b)
		if c.order == WithReplacement {
			wantSteps = 4000 / c.b
		}
		if r.Stats.Iterations != wantSteps {
			t.Errorf("%s: %d steps, want %d", c.name, r.Stats.Iterations, wantSteps)
		}
		t.Logf("%-24s steps %5d  loss %.4g → %.4g", c.name, r.Stats.Iterations, f0, fEnd)
		// Same seed, same bits.
		s.Rand = rand.New(rand.NewPCG(3, 4))
		r2 := MinimizeStochastic(p, x0, &SGD{LR: 0.05}, s)
		for i := range r.X {
			if r.X[i] != r2.X[i] {
				t.Fatalf("%s: rerun with the same seed differs: %v vs %v", c.name, r.X, r2.X)
			}
		}
	}
}

func TestStochasticEvalEveryAndTarget(t *testing.T) {
	p := linreg(100)
	r := MinimizeStochastic(p, make([]float64, p.Dim()), &Adam{LR: 0.05},
		StochasticSettings{BatchSize: 10, Rand: rand.New(rand.NewPCG(1, 1)), EvalEvery: 5, MaxIter: 40, Epochs: 100})
	if len(r.Trace.Evals) != 9 || r.Trace.Evals[1].Iter != 5 || r.Stats.Iterations != 40 {
		t.Errorf("EvalEvery 5 over 40 steps: %d evaluations, second at %d", len(r.Trace.Evals), r.Trace.Evals[1].Iter)
	}
	r = MinimizeStochastic(p, make([]float64, p.Dim()), &Adam{LR: 0.05},
		StochasticSettings{BatchSize: 10, Rand: rand.New(rand.NewPCG(1, 1)), FuncTarget: 0.5, Epochs: 1000})
	if r.Status != FunctionThreshold || r.F > 0.5 {
		t.Errorf("target 0.5: %v, f = %v", r.Status, r.F)
	}
}

// nanModel wraps a Stochastic and poisons one example's gradient.
type nanModel struct {
	problems.Stochastic
	bad int
}

func (m nanModel) Loss(grad, x []float64, idx []int) float64 {
	f := m.Stochastic.Loss(grad, x, idx)
	for _, i := range idx {
		if i == m.bad && grad != nil {
			grad[1] = math.Inf(-1)
		}
	}
	return f
}

func TestStochasticNonFinite(t *testing.T) {
	p := nanModel{linreg(50), 17}
	x0 := make([]float64, p.Dim())
	r := MinimizeStochastic(p, x0, &Momentum{LR: 0.01}, StochasticSettings{BatchSize: 1, Order: InOrder})
	var ne *NumericalError
	if r.Status != NonFinite || !errors.As(r.Err, &ne) || ne.Step != 17 || ne.Index != 1 || !math.IsInf(ne.Value, -1) {
		t.Fatalf("status %v err %v; want NonFinite at step 17 index 1", r.Status, r.Err)
	}
	if firstNonFinite(r.X) >= 0 {
		t.Errorf("x = %v not finite", r.X)
	}
}

// TestStateResume stops every optimizer at step k, saves (JSON and gob),
// restores into a fresh one and checks the rest of the run is bit-identical.
func TestStateResume(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n, total, stop = 7, 40, 17
	grads := make([][]float64, total)
	for k := range grads {
		grads[k] = randVec(r, n, 1)
	}
	x0 := randVec(r, n, 1)
	lrs := func(k int) float64 { return Cosine{TMax: total}.Rate(0.05, k) }
	for name, mk := range allOptimizers() {
		ref := append([]float64(nil), x0...)
		o := mk()
		for k := range total {
			o.(LearningRater).SetLearningRate(lrs(k))
			o.Step(ref, grads[k])
		}
		for _, enc := range []string{"json", "gob"} {
			x := append([]float64(nil), x0...)
			a := mk()
			for k := range stop {
				a.(LearningRater).SetLearningRate(lrs(k))
				a.Step(x, grads[k])
			}
			st := a.(Stateful).SaveState()
			var buf bytes.Buffer
			var back State
			if enc == "json" {
				if err := json.NewEncoder(&buf).Encode(st); err != nil {
					t.Fatal(err)
				}
				if err := json.NewDecoder(&buf).Decode(&back); err != nil {
					t.Fatal(err)
				}
			} else {
				if err := gob.NewEncoder(&buf).Encode(st); err != nil {
					t.Fatal(err)
				}
				if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
					t.Fatal(err)
				}
			}
			b := mk()
			if err := b.(Stateful).RestoreState(back); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for k := stop; k < total; k++ {
				b.(LearningRater).SetLearningRate(lrs(k))
				b.Step(x, grads[k])
			}
			for i := range x {
				if x[i] != ref[i] {
					t.Fatalf("%s via %s: resumed x = %v, uninterrupted %v", name, enc, x, ref)
				}
			}
		}
	}
}

func TestStateRestoreErrors(t *testing.T) {
	a := &Adam{}
	a.Step(make([]float64, 3), []float64{1, 2, 3})
	st := a.SaveState()
	m := &Momentum{}
	if err := m.RestoreState(st); err == nil || !strings.Contains(err.Error(), "Adam") || !strings.Contains(err.Error(), "Momentum") {
		t.Errorf("Adam state into Momentum: %v", err)
	}
	b := &Adam{}
	b.Step(make([]float64, 4), []float64{1, 2, 3, 4})
	if err := b.RestoreState(st); err == nil || !strings.Contains(err.Error(), "3") || !strings.Contains(err.Error(), "4") {
		t.Errorf("dimension 3 into 4: %v", err)
	}
	bad := a.SaveState()
	bad.Buffers["m"] = bad.Buffers["m"][:2]
	if err := (&Adam{}).RestoreState(bad); err == nil {
		t.Error("short buffer accepted")
	}
	bad = a.SaveState()
	delete(bad.Buffers, "v")
	if err := (&Adam{}).RestoreState(bad); err == nil {
		t.Error("missing buffer accepted")
	}
	bad = a.SaveState()
	bad.Buffers["w"] = []float64{1, 2, 3}
	if err := (&Adam{}).RestoreState(bad); err == nil {
		t.Error("unknown buffer accepted")
	}
	// A restored optimizer refuses x of another length.
	c := &Adam{}
	if err := c.RestoreState(st); err != nil {
		t.Fatal(err)
	}
	expectPanic(t, "len(x) = 5", func() { c.Step(make([]float64, 5), make([]float64, 5)) })
}

func expectPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if r == nil {
			t.Errorf("no panic, want one containing %q", want)
		} else if !strings.HasPrefix(msg, "optim: ") || !strings.Contains(msg, want) {
			t.Errorf("panic %v, want \"optim: …%s…\"", r, want)
		}
	}()
	f()
}

func TestBadInput(t *testing.T) {
	x, g := make([]float64, 3), make([]float64, 3)
	for name, mk := range allOptimizers() {
		expectPanic(t, "len(grad) = 2", func() { mk().Step(x, g[:2]) })
		if o := mk(); !strings.HasPrefix(name, "SGD") { // SGD has no state to size
			o.Step(x, g)
			expectPanic(t, "state is sized for 3", func() { o.Step(make([]float64, 4), make([]float64, 4)) })
		}
		expectPanic(t, "SetLearningRate(-1)", func() { mk().(LearningRater).SetLearningRate(-1) })
		expectPanic(t, "SetLearningRate(NaN)", func() { mk().(LearningRater).SetLearningRate(math.NaN()) })
	}
	cases := []struct {
		want string
		opt  Optimizer
	}{
		{"SGD.LR = -0.1", &SGD{LR: -0.1}},
		{"Momentum.LR = -1", &Momentum{LR: -1}},
		{"Adam.LR = -0.001", &Adam{LR: -0.001}},
		{"Adam.Beta1 = 1 not in [0,1)", &Adam{Beta1: 1}},
		{"Adam.Beta1 = -0.1", &Adam{Beta1: -0.1}},
		{"Adam.Beta2 = 1.5", &Adam{Beta2: 1.5}},
		{"AdamW.Beta2 = 1", &AdamW{Beta2: 1}},
		{"Adam.Eps = -1e-08", &Adam{Eps: -1e-8}},
		{"AdaGrad.Eps = -1", &AdaGrad{Eps: -1}},
		{"RMSProp.Eps = -1", &RMSProp{Eps: -1}},
		{"RMSProp.Alpha = 1", &RMSProp{Alpha: 1}},
		{"Momentum.Momentum = -0.5", &Momentum{Momentum: -0.5}},
		{"Nesterov.Momentum = -0.5", &Nesterov{Momentum: -0.5}},
		{"RMSProp.Momentum = -0.5", &RMSProp{Momentum: -0.5}},
		{"Momentum.Dampening = 1", &Momentum{Dampening: 1}},
		{"SGD.WeightDecay = -1", &SGD{WeightDecay: -1}},
		{"AdamW.WeightDecay = -1", &AdamW{WeightDecay: -1}},
		{"AdaGrad.LRDecay = -1", &AdaGrad{LRDecay: -1}},
	}
	for _, c := range cases {
		expectPanic(t, c.want, func() { c.opt.Step(x, g) })
	}
	p := linreg(10)
	x0 := make([]float64, p.Dim())
	r := rand.New(rand.NewPCG(1, 1))
	expectPanic(t, "BatchSize = 0", func() { MinimizeStochastic(p, x0, &SGD{}, StochasticSettings{Rand: r}) })
	expectPanic(t, "BatchSize = 11", func() { MinimizeStochastic(p, x0, &SGD{}, StochasticSettings{BatchSize: 11, Rand: r}) })
	expectPanic(t, "BatchSize = -1", func() { MinimizeStochastic(p, x0, &SGD{}, StochasticSettings{BatchSize: -1, Rand: r}) })
	expectPanic(t, "Rand is nil", func() { MinimizeStochastic(p, x0, &SGD{}, StochasticSettings{BatchSize: 2}) })
	expectPanic(t, "len(x0) = 2", func() { MinimizeStochastic(p, x0[:2], &SGD{}, StochasticSettings{BatchSize: 2, Rand: r}) })
	expectPanic(t, "len(x0) = 3", func() { Minimize(problems.Rosenbrock(), []float64{1, 2, 3}, &SGD{}, Settings{}) })
	expectPanic(t, "Cosine.TMax = 0", func() { Cosine{}.Rate(1, 0) })
	expectPanic(t, "Exponential.Gamma = 0", func() { Exponential{}.Rate(1, 0) })
	expectPanic(t, "step t = -1", func() { Constant{}.Rate(1, -1) })
	expectPanic(t, "2 schedules and 2 milestones", func() {
		Sequential{Schedules: []Schedule{Constant{}, Constant{}}, Milestones: []int{1, 2}}.Rate(1, 0)
	})
}

func TestSchedules(t *testing.T) {
	cases := []struct {
		s    Schedule
		t    int
		want float64
	}{
		{Constant{}, 100, 1},
		{InvSqrt{}, 3, 0.5},
		{InvSqrt{T0: 4}, 12, 0.5},
		{Polynomial{Iters: 10, Power: 2}, 5, 0.25},
		{Polynomial{Iters: 10, Power: 2}, 20, 0},
		{Cosine{TMax: 10}, 10, 0},
		{Cosine{TMax: 10, Min: 0.1}, 5, 0.55},
		{WarmupCosine{Warmup: 10, Total: 20, Start: 0.1}, 0, 0.1},
		{WarmupCosine{Warmup: 10, Total: 20, Start: 0.1}, 10, 1},
		{WarmupCosine{Warmup: 10, Total: 20, Start: 0.1, Min: 0.01}, 25, 0.01},
		{MultiStep{Milestones: []int{2, 4}, Gamma: 0.5}, 4, 0.25},
		{Linear{Start: 0.5, End: 1, Iters: 4}, 2, 0.75},
	}
	for _, c := range cases {
		if got := c.s.Rate(1, c.t); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%#v.Rate(1, %d) = %v, want %v", c.s, c.t, got, c.want)
		}
	}
}

func TestGradientNoise(t *testing.T) {
	p := linreg(2000)
	x := []float64{0.3, -0.2, 0.1, 0}
	pts, slope := GradientNoise(p, x, []int{1, 4, 16, 64, 256}, 400, rand.New(rand.NewPCG(9, 9)))
	if math.Abs(slope+0.5) > 0.05 {
		t.Errorf("log-log slope %.3f, want −0.5 ± 0.05 (σ/√b)", slope)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].Std >= pts[i-1].Std {
			t.Errorf("std does not fall with batch size: %v", pts)
		}
	}
	t.Logf("points %v slope %.3f", pts, slope)
}

func TestCheckGradient(t *testing.T) {
	p := problems.Rosenbrock()
	c := CheckGradient(p.Func, p.Grad, []float64{-1.2, 1}, 0)
	if c.Max > 1e-7 {
		t.Errorf("Rosenbrock: %v", c)
	}
	wrong := func(g, x []float64) { p.Grad(g, x); g[1] *= 1.01 }
	c = CheckGradient(p.Func, wrong, []float64{-1.2, 1}, 0)
	if c.Index != 1 || c.Max < 1e-3 || c.Max > 0.02 {
		t.Errorf("1%% error in component 1 not found: %v", c)
	}
}
