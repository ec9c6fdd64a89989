package optim

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// allOptimizers returns one of each optimizer with a rate suited to the
// test problems, and the options that change code paths.
func allOptimizers() map[string]func() Optimizer {
	return map[string]func() Optimizer{
		"SGD":            func() Optimizer { return &SGD{LR: 0.01} },
		"SGD/wd/max":     func() Optimizer { return &SGD{LR: 0.01, WeightDecay: 0.1, Maximize: true} },
		"Momentum":       func() Optimizer { return &Momentum{LR: 0.01, Momentum: 0.9, Dampening: 0.1} },
		"Momentum/vel":   func() Optimizer { return &Momentum{LR: 0.01, Momentum: 0.9, Velocity: true, WeightDecay: 0.01} },
		"Nesterov":       func() Optimizer { return NewNesterov(0.01, 0.9) },
		"Nesterov/vel":   func() Optimizer { return &Nesterov{LR: 0.01, Momentum: 0.9, Velocity: true} },
		"AdaGrad":        func() Optimizer { return &AdaGrad{LR: 0.1, LRDecay: 0.01, Eps: 1e-10} },
		"AdaGrad/inside": func() Optimizer { return &AdaGrad{LR: 0.1, Eps: 1e-10, EpsInsideSqrt: true} },
		"RMSProp":        func() Optimizer { return NewRMSProp(0.01) },
		"RMSProp/all": func() Optimizer {
			return &RMSProp{LR: 0.01, Beta: 0.99, Eps: 1e-8, Centered: true, Momentum: 0.5, WeightDecay: 0.01}
		},
		"RMSProp/inside": func() Optimizer { return &RMSProp{LR: 0.01, Beta: 0.99, Eps: 1e-8, EpsInsideSqrt: true} },
		"Adam":           func() Optimizer { return NewAdam(0.01) },
		"Adam/beta1=0":   func() Optimizer { return &Adam{LR: 0.01, Beta1: 0, Beta2: 0.999, Eps: 1e-8} },
		"Adam/ams/nobias": func() Optimizer {
			return &Adam{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, AMSGrad: true, NoBiasCorrection: true, WeightDecay: 0.01}
		},
		"AdamW":     func() Optimizer { return NewAdamW(0.01) },
		"AdamW/ams": func() Optimizer { a := NewAdamW(0.01); a.AMSGrad, a.Maximize = true, true; return a },
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
	changing := func(k int) float64 { return StepDecay{Steps: 5, Gamma: 0.3}.Rate(0.05, k) }
	pairs := []struct {
		name       string
		torch, alt func() Optimizer
	}{
		{"Momentum velocity", func() Optimizer { return NewMomentum(0.05, 0.9) }, func() Optimizer { return &Momentum{LR: 0.05, Momentum: 0.9, Velocity: true} }},
		{"Nesterov velocity", func() Optimizer { return NewNesterov(0.05, 0.9) }, func() Optimizer { return &Nesterov{LR: 0.05, Momentum: 0.9, Velocity: true} }},
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
		{"RMSProp ε", func() Optimizer { return NewRMSProp(0.01) }, func() Optimizer { return &RMSProp{LR: 0.01, Beta: 0.99, Eps: 1e-8, EpsInsideSqrt: true} }},
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
	NewAdam(0.1).Step(with, g)
	nobias := NewAdam(0.1)
	nobias.NoBiasCorrection = true
	nobias.Step(without, g)
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

// TestPowN: powN is bⁿ correctly rounded, checked against the exact power
// (math/big), on every architecture. math.Pow is not the reference: it is
// off by ulps, by different ones on arm64, where Go fuses its products.
func TestPowN(t *testing.T) {
	off := 0
	for _, b := range []float64{0.9, 0.999, 0.5, 1.5, 0.99, 0.9999} {
		exact := new(big.Float).SetPrec(4096).SetFloat64(1)
		bb := new(big.Float).SetPrec(4096).SetFloat64(b)
		for n := 0; n < 200; n++ {
			want, _ := exact.Float64() // rounds to nearest, ties to even
			got := powN(b, n)
			switch {
			case got == want:
			case got == math.Nextafter(want, 0) || got == math.Nextafter(want, math.Inf(1)):
				off++ // a near-tie: allowed, but rare
			default:
				t.Fatalf("powN(%v, %d) = %v, exact %v", b, n, got, want)
			}
			exact.Mul(exact, bb)
		}
	}
	if off > 2 {
		t.Errorf("powN was 1 ulp off the exact power in %d of 1200 cases", off)
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
	lrs := func(k int) float64 { return Cosine{Steps: total}.Rate(0.05, k) }
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
	a := NewAdam(1e-3)
	a.Step(make([]float64, 3), []float64{1, 2, 3})
	st := a.SaveState()
	m := NewMomentum(1e-3, 0.9)
	if err := m.RestoreState(st); err == nil || !strings.Contains(err.Error(), "Adam") || !strings.Contains(err.Error(), "Momentum") {
		t.Errorf("Adam state into Momentum: %v", err)
	}
	b := NewAdam(1e-3)
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
	c := NewAdam(1e-3)
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
		{"SGD.LR = 0: the learning rate α must be positive", &SGD{}},
		{"Adam.LR = 0: the learning rate α must be positive and finite (set it; NewAdam(α)", &Adam{Beta1: 0.9, Eps: 1e-8}},
		{"Momentum.LR = -1", &Momentum{LR: -1}},
		{"Adam.LR = -0.001", &Adam{LR: -0.001}},
		{"Adam.LR = +Inf", &Adam{LR: math.Inf(1)}},
		{"Adam.Beta1 = 1 not in [0,1)", &Adam{LR: 1, Beta1: 1, Eps: 1}},
		{"Adam.Beta1 = -0.1", &Adam{LR: 1, Beta1: -0.1, Eps: 1}},
		{"Adam.Beta2 = 1.5", &Adam{LR: 1, Beta2: 1.5, Eps: 1}},
		{"Adam.Beta2 = NaN", &Adam{LR: 1, Beta2: math.NaN(), Eps: 1}},
		{"AdamW.Beta2 = 1", &AdamW{LR: 1, Beta2: 1, Eps: 1}},
		{"Adam.Eps = -1e-08", &Adam{LR: 1, Eps: -1e-8}},
		{"Adam.Eps = 0: ε must be finite and > 0 (torch's default is 1e-08; NewAdam sets it)", &Adam{LR: 1}},
		{"AdaGrad.Eps = -1", &AdaGrad{LR: 1, Eps: -1}},
		{"AdaGrad.Eps = 0", &AdaGrad{LR: 1}},
		{"RMSProp.Eps = -1", &RMSProp{LR: 1, Eps: -1}},
		{"RMSProp.Eps = 0", &RMSProp{LR: 1, Beta: 0.9}},
		{"RMSProp.Beta = 1", &RMSProp{LR: 1, Beta: 1, Eps: 1}},
		{"Momentum.Momentum = -0.5", &Momentum{LR: 1, Momentum: -0.5}},
		{"Nesterov.Momentum = -0.5", &Nesterov{LR: 1, Momentum: -0.5}},
		{"RMSProp.Momentum = -0.5", &RMSProp{LR: 1, Eps: 1, Momentum: -0.5}},
		{"Momentum.Dampening = 1", &Momentum{LR: 1, Dampening: 1}},
		{"SGD.WeightDecay = -1", &SGD{LR: 1, WeightDecay: -1}},
		{"AdamW.WeightDecay = -1", &AdamW{LR: 1, Eps: 1, WeightDecay: -1}},
		{"AdaGrad.LRDecay = -1", &AdaGrad{LR: 1, Eps: 1, LRDecay: -1}},
	}
	for _, c := range cases {
		expectPanic(t, c.want, func() { c.opt.Step(x, g) })
	}
	expectPanic(t, "Cosine.Steps = 0", func() { Cosine{}.Rate(1, 0) })
	expectPanic(t, "Exponential.Gamma = 0", func() { Exponential{}.Rate(1, 0) })
	expectPanic(t, "StepDecay.Gamma = 0: γ must be finite and > 0 (torch's usual value is 0.1)", func() { StepDecay{Steps: 2}.Rate(1, 0) })
	expectPanic(t, "MultiStep.Gamma = 0", func() { MultiStep{Milestones: []int{1}}.Rate(1, 0) })
	expectPanic(t, "Linear{StartFactor: 0.5, EndFactor: 1, Steps: 0}", func() { Linear{StartFactor: 0.5, EndFactor: 1}.Rate(1, 0) })
	expectPanic(t, "Polynomial{Steps: 0", func() { Polynomial{Power: 1}.Rate(1, 0) })
	expectPanic(t, "InvSqrt.T0 = 0", func() { InvSqrt{}.Rate(1, 0) })
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
		{InvSqrt{T0: 1}, 3, 0.5},
		{InvSqrt{T0: 4}, 12, 0.5},
		{Polynomial{Steps: 10, Power: 2}, 5, 0.25},
		{Polynomial{Steps: 10, Power: 2}, 20, 0},
		{Cosine{Steps: 10}, 10, 0},
		{Cosine{Steps: 10, MinRate: 0.1}, 5, 0.55},
		{WarmupCosine{Warmup: 10, Steps: 20, StartFactor: 0.1}, 0, 0.1},
		{WarmupCosine{Warmup: 10, Steps: 20, StartFactor: 0.1}, 10, 1},
		{WarmupCosine{Warmup: 10, Steps: 20, StartFactor: 0.1, MinRate: 0.01}, 25, 0.01},
		{MultiStep{Milestones: []int{2, 4}, Gamma: 0.5}, 4, 0.25},
		{Linear{StartFactor: 0.5, EndFactor: 1, Steps: 4}, 2, 0.75},
		{Linear{StartFactor: 0, EndFactor: 1, Steps: 4}, 1, 0.25},
		{Linear{StartFactor: 0, EndFactor: 1, Steps: 4}, 9, 1},
		{WarmupCosine{Warmup: 4, Steps: 8}, 0, 0},
		{Polynomial{Steps: 10, Power: 0}, 5, 1},
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
	pts, slope := GradientNoise(p, x, []int{1, 4, 16, 64, 256}, 400, 9)
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

func linreg(n int) *problems.LinearRegression {
	return problems.NewLinearRegression(problems.LinearData(n, 3, 0.1, 7), 0)
}
