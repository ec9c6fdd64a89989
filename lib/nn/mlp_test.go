package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/internal/modeltest"
	"github.com/descentlab/descent/lib/problems"
)

// checkStochasticGrad compares a model's mini-batch gradient with central
// differences of its loss, using the relative error of the course's seed 003:
// |a − n| / max(|a|, |n|, 1e-8), required ≤ tol.
func checkStochasticGrad(t *testing.T, name string, m problems.Stochastic, x []float64, idx []int, tol float64) {
	t.Helper()
	checkStochasticGradFloor(t, name, m, x, idx, tol, 0, 1e-6)
}

// checkStochasticGradFloor is modeltest.BatchGradient on m's loss.
func checkStochasticGradFloor(t *testing.T, name string, m problems.Stochastic, x []float64, idx []int, tol, floor, h float64) {
	t.Helper()
	modeltest.BatchGradient(t, name, m.Loss, x, idx, tol, floor, h)
}

func batches(n int, rng *rand.Rand) [][]int {
	return [][]int{problems.All(n), {rng.IntN(n)}, rng.Perm(n)[:min(n, 7)], {3, 3, 1}} // repeats are allowed
}

func TestMLPGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	moons := problems.Moons(40, 0.1, 1)
	spir := problems.Spirals(3, 10, 0.2, 2)
	type tc struct {
		name string
		m    problems.Stochastic
		init func(x []float64)
	}
	var cases []tc
	for _, act := range []Activation{Tanh, ReLU, Sigmoid} {
		for _, hidden := range [][]int{{5}, {4, 3}} {
			for _, l2 := range []float64{0, 0.1} {
				for _, d := range []problems.Dataset{moons, spir} {
					m := NewMLP(d, hidden, act, l2)
					seed := rng.Uint64()
					cases = append(cases, tc{d.Name + " " + act.String(), m, func(x []float64) {
						m.Init(x, Xavier, seed)
						for i := range x { // nonzero biases, away from ReLU kinks
							x[i] += 0.1 * rng.NormFloat64()
						}
					}})
				}
			}
		}
	}
	for _, c := range cases {
		x := make([]float64, c.m.Dim())
		for trial := 0; trial < 2; trial++ {
			c.init(x)
			for _, idx := range batches(c.m.Len(), rng) {
				checkStochasticGrad(t, c.name, c.m, x, idx, 1e-5)
			}
		}
	}
}

func TestMLPLossAllocatesNothing(t *testing.T) {
	mlp := NewMLP(problems.Spirals(3, 50, 0.2, 1), []int{16, 16}, ReLU, 1e-3)
	for _, m := range []problems.Stochastic{mlp} {
		x := make([]float64, m.Dim())
		for i := range x {
			x[i] = 0.1 * float64(i%7-3)
		}
		g := make([]float64, m.Dim())
		idx := problems.All(m.Len())[:32]
		if a := testing.AllocsPerRun(20, func() { m.Loss(g, x, idx); m.Loss(nil, x, idx[:1]) }); a != 0 {
			t.Errorf("%T: %v allocations per Loss", m, a)
		}
	}
	x := make([]float64, mlp.Dim())
	in := []float64{0.1, 0.2}
	p := make([]float64, 3)
	if a := testing.AllocsPerRun(20, func() { mlp.Predict(x, in); mlp.Probs(p, x, in) }); a != 0 {
		t.Errorf("Predict/Probs: %v allocations", a)
	}
}

func TestMLPBadInput(t *testing.T) {
	ms := map[string]problems.Stochastic{
		"MLP": NewMLP(problems.Moons(10, 0.1, 1), []int{3}, Tanh, 0),
	}
	bn := NewBatchNormMLP(problems.Moons(10, 0.1, 1), []int{3}, Tanh, 0)
	bn.SetTraining(true)
	for name, m := range map[string]problems.Stochastic{
		"batch norm":  bn,
		"quant-aware": NewQuantAware(NewMLP(problems.Moons(10, 0.1, 1), []int{3}, Tanh, 0), Quantizer{Bits: 4}),
	} {
		checkNilIdx(t, name, m, make([]float64, m.Dim()))
	}
	for name, m := range ms {
		x := make([]float64, m.Dim())
		g := make([]float64, m.Dim())
		checkNilIdx(t, name, m, x)
		mustPanic(t, name+".Loss: empty idx", func() { m.Loss(g, x, []int{}) })
		mustPanic(t, name+".Loss: len(x)", func() { m.Loss(g, x[1:], []int{0}) })
		mustPanic(t, name+".Loss: len(grad)", func() { m.Loss(g[1:], x, []int{0}) })
		mustPanic(t, name+".Loss: index 10 out of range", func() { m.Loss(g, x, []int{0, 10}) })
		mustPanic(t, name+".Loss: index -1 out of range", func() { m.Loss(nil, x, []int{-1}) })
	}
	mustPanic(t, "no hidden layer", func() { NewMLP(problems.Moons(10, 0.1, 1), nil, Tanh, 0) })
	mustPanic(t, "hidden width 0", func() { NewMLP(problems.Moons(10, 0.1, 1), []int{4, 0}, Tanh, 0) })
	mustPanic(t, "unknown activation", func() { NewMLP(problems.Moons(10, 0.1, 1), []int{4}, Activation(9), 0) })
	mustPanic(t, "labelled dataset", func() { NewMLP(problems.LinearData(10, 2, 0.1, 1), []int{4}, Tanh, 0) })
	m := NewMLP(problems.Moons(10, 0.1, 1), []int{4}, Tanh, 0)
	mustPanic(t, "unknown scheme", func() { m.Init(make([]float64, m.Dim()), Init(7), 1) })
	mustPanic(t, "len(params)", func() { m.Init(make([]float64, 3), He, 1) })
	mustPanic(t, "layer 3", func() { m.WeightRange(3) })
}

func TestMLPShape(t *testing.T) {
	m := NewMLP(problems.Spirals(3, 10, 0.1, 1), []int{5, 4}, ReLU, 0)
	if m.Dim() != 5*2+5+4*5+4+3*4+3 || m.Layers() != 3 {
		t.Errorf("Dim %d, Layers %d", m.Dim(), m.Layers())
	}
	lo, hi := m.WeightRange(2)
	if lo != 15 || hi != 35 {
		t.Errorf("WeightRange(2) = %d, %d", lo, hi)
	}
	// Init: biases zero, weight scale as the scheme says, same seed same bits.
	x, y := make([]float64, m.Dim()), make([]float64, m.Dim())
	m.Init(x, He, 3)
	m.Init(y, He, 3)
	for i := range x {
		if x[i] != y[i] {
			t.Fatal("same seed, different init")
		}
	}
	if x[hi] != 0 || x[hi+3] != 0 {
		t.Error("biases not zero")
	}
	// Over a wide layer the sample std is near the scheme's.
	wide := NewMLP(problems.Moons(10, 0.1, 1), []int{400, 300}, ReLU, 0)
	p := make([]float64, wide.Dim())
	for _, tc := range []struct {
		init Init
		want float64
	}{{He, math.Sqrt(2.0 / 400)}, {Xavier, math.Sqrt(2.0 / 700)}, {Naive, 1}} {
		wide.Init(p, tc.init, 1)
		lo, hi := wide.WeightRange(2)
		var s float64
		for _, v := range p[lo:hi] {
			s += v * v
		}
		if got := math.Sqrt(s / float64(hi-lo)); math.Abs(got/tc.want-1) > 0.02 {
			t.Errorf("%v: weight std %v, want %v", tc.init, got, tc.want)
		}
	}
}

// Full-batch gradient descent separates the moons with an MLP but not with
// a linear classifier: the claim the course makes with a decision boundary.
func TestMLPLearnsMoons(t *testing.T) {
	d := problems.Moons(200, 0.1, 1)
	m := NewMLP(d, []int{16}, Tanh, 0)
	x := make([]float64, m.Dim())
	m.Init(x, Xavier, 1)
	g := make([]float64, m.Dim())
	idx := problems.All(d.Len())
	first := m.Loss(nil, x, idx)
	for k := 0; k < 2000; k++ {
		m.Loss(g, x, idx)
		for i := range x {
			x[i] -= 0.5 * g[i]
		}
	}
	if last := m.Loss(nil, x, idx); !(last < first/10) {
		t.Errorf("loss %v → %v", first, last)
	}
	if acc := m.Accuracy(x, nil); acc < 0.97 {
		t.Errorf("MLP accuracy %v", acc)
	}
	lr := problems.NewLogisticRegression(d, 0)
	w := make([]float64, lr.Dim())
	gw := make([]float64, lr.Dim())
	for k := 0; k < 2000; k++ {
		lr.Loss(gw, w, idx)
		for i := range w {
			w[i] -= 0.5 * gw[i]
		}
	}
	if acc := lr.Accuracy(w, nil); acc > 0.92 {
		t.Errorf("logistic accuracy %v: moons should not be linearly separable", acc)
	}
}

// The lessons of initialization, on a 5-hidden-layer network of width 64:
// naive N(0, 1) weights saturate tanh and blow ReLU activations up layer by
// layer, He keeps ReLU activations at one scale and Xavier lets them shrink,
// and sigmoid's derivative (≤ ¼) makes the first layer's gradient vanish.
func TestLayerStatsInitLessons(t *testing.T) {
	d := problems.Spirals(3, 50, 0.2, 1)
	hidden := []int{64, 64, 64, 64, 64}
	stats := func(act Activation, in Init) []LayerStat {
		m := NewMLP(d, hidden, act, 0)
		x := make([]float64, m.Dim())
		m.Init(x, in, 2)
		return m.LayerStats(x, nil)
	}
	if s := stats(Tanh, Naive); s[3].ActStd < 0.9 {
		t.Errorf("naive tanh: layer 4 activation std %v, want saturation near 1", s[3].ActStd)
	}
	if s := stats(Tanh, Xavier); s[3].ActStd > 0.5 {
		t.Errorf("xavier tanh: layer 4 activation std %v, want unsaturated", s[3].ActStd)
	}
	naive, he, xav := stats(ReLU, Naive), stats(ReLU, He), stats(ReLU, Xavier)
	for l := 1; l < 5; l++ {
		if r := naive[l].ActStd / naive[l-1].ActStd; r < 3 {
			t.Errorf("naive relu: activation std grows ×%v from layer %d to %d, want exploding (≈ √32)", r, l, l+1)
		}
		if r := he[l].ActStd / he[l-1].ActStd; r < 0.6 || r > 1.2 {
			t.Errorf("he relu: activation std changes ×%v from layer %d to %d, want about 1", r, l, l+1)
		}
	}
	if r := xav[4].ActStd / xav[0].ActStd; r > 0.3 {
		t.Errorf("xavier relu: activation std ratio layer 5/1 = %v, want shrinking", r)
	}
	if s := stats(Sigmoid, Xavier); s[0].GradNorm/s[5].GradNorm > 1e-2 {
		t.Errorf("xavier sigmoid: ‖∇W¹‖/‖∇W⁶‖ = %v, want vanishing", s[0].GradNorm/s[5].GradNorm)
	}

	m := NewMLP(d, hidden, Tanh, 0)
	x := make([]float64, m.Dim())
	m.Init(x, Xavier, 2)
	checkGradNorm(t, m, x, m.LayerStats(x, nil), 3)
}

// checkGradNorm checks that LayerStats' GradNorm of layer l is the norm of
// the full-batch Loss gradient of Wˡ (without L2).
func checkGradNorm(t *testing.T, m *MLP, x []float64, stats []LayerStat, l int) {
	t.Helper()
	g := make([]float64, m.Dim())
	m.Loss(g, x, problems.All(m.Len()))
	lo, hi := m.WeightRange(l)
	var s float64
	for _, v := range g[lo:hi] {
		s += v * v
	}
	if math.Abs(math.Sqrt(s)-stats[l-1].GradNorm) > 1e-12*math.Sqrt(s) {
		t.Errorf("layer %d: GradNorm %v, Loss gradient norm %v", l, stats[l-1].GradNorm, math.Sqrt(s))
	}
}

// checkNilIdx checks that Loss with a nil idx is Loss over all examples, to
// the bit, with and without a gradient.
func checkNilIdx(t *testing.T, name string, m problems.Stochastic, x []float64) {
	t.Helper()
	for i := range x {
		x[i] = 0.1 * float64(i%5-2)
	}
	all := problems.All(m.Len())
	g, gAll := make([]float64, m.Dim()), make([]float64, m.Dim())
	f, fAll := m.Loss(g, x, nil), m.Loss(gAll, x, all)
	if f != fAll || m.Loss(nil, x, nil) != fAll {
		t.Errorf("%s: Loss over nil idx %v, over all examples %v", name, f, fAll)
	}
	for j := range g {
		if g[j] != gAll[j] {
			t.Errorf("%s: gradient over nil idx [%d] = %v, over all examples %v", name, j, g[j], gAll[j])
			break
		}
	}
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	modeltest.MustPanic(t, "nn: ", want, f)
}
