package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/diff/fd"
)

// perturb adds N(0, s²) noise to every parameter, so that biases, γ and β
// are not at their initial values and ReLU units sit away from their kinks.
func perturb(x []float64, s float64, rng *rand.Rand) {
	for i := range x {
		x[i] += s * rng.NormFloat64()
	}
}

// coupledBatches are batches of ≥ 2 examples (batch norm in training mode
// needs two), with a repeated index among them.
func coupledBatches(n int, rng *rand.Rand) [][]int {
	return [][]int{problems.All(n), rng.Perm(n)[:2], rng.Perm(n)[:min(n, 7)], {3, 3, 1}}
}

func TestBatchNormGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	spir := problems.Spirals(3, 10, 0.2, 2)
	moons := problems.Moons(30, 0.1, 1)
	for _, act := range []Activation{Tanh, ReLU, Sigmoid} {
		for _, hidden := range [][]int{{5}, {4, 3}, {3, 4, 3}} {
			for _, l2 := range []float64{0, 0.1} {
				for _, d := range []problems.Dataset{spir, moons} {
					m := NewBatchNormMLP(d, hidden, act, l2)
					x := make([]float64, m.Dim())
					m.Init(x, He, rng.Uint64())
					perturb(x, 0.2, rng)
					name := d.Name + " bn " + act.String()
					for _, idx := range coupledBatches(m.Len(), rng) {
						checkStochasticGradFloor(t, name+" train", m, x, idx, 1e-5, 1e-3, 1e-6)
					}
					// Evaluation mode with running statistics away from 0 and 1.
					m.FitRunningStats(x, rng.Perm(m.Len())[:6])
					m.SetTraining(false)
					for _, idx := range batches(m.Len(), rng) {
						checkStochasticGrad(t, name+" eval", m, x, idx, 1e-5)
					}
				}
			}
		}
	}
}

// Dropout makes the loss depend on the masks, which are fixed for a round:
// finite differences of Loss(nil) check the gradient of Loss(grad) at the
// same round.
func TestDropoutGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	d := problems.Spirals(3, 10, 0.2, 2)
	for _, bn := range []bool{false, true} {
		for _, act := range []Activation{Tanh, ReLU} {
			m := NewMLP(d, []int{6, 5}, act, 0.05)
			if bn {
				m = NewBatchNormMLP(d, []int{6, 5}, act, 0.05)
			}
			m.Dropout, m.DropoutSeed = 0.3, 11
			x := make([]float64, m.Dim())
			m.Init(x, He, 3)
			perturb(x, 0.2, rng)
			for _, idx := range coupledBatches(m.Len(), rng) {
				r := m.DropoutRound()
				f := func(x []float64) float64 { return m.Loss(nil, x, idx) }
				num := fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
				f0 := f(x)
				if m.DropoutRound() != r {
					t.Fatal("Loss(nil) advanced the dropout round")
				}
				g := make([]float64, m.Dim())
				if f1 := m.Loss(g, x, idx); f1 != f0 {
					t.Errorf("bn %v %v: loss with grad %v, without %v at the same round", bn, act, f1, f0)
				}
				if m.DropoutRound() != r+1 {
					t.Errorf("a training step moved the round from %d to %d, want %d", r, m.DropoutRound(), r+1)
				}
				for i := range g {
					e := math.Abs(g[i]-num[i]) / math.Max(math.Max(math.Abs(g[i]), math.Abs(num[i])), 1e-8)
					if e > 1e-5 && math.Abs(g[i]-num[i]) > 1e-9 {
						t.Errorf("bn %v %v idx %v: grad[%d] = %v, central difference %v", bn, act, idx, i, g[i], num[i])
					}
				}
				// The next round draws other masks.
				if f2 := m.Loss(nil, x, idx); f2 == f0 {
					t.Errorf("bn %v %v: round %d and %d give the same loss %v", bn, act, r, r+1, f2)
				}
			}
		}
	}
}

func TestDropoutMasks(t *testing.T) {
	d := problems.Spirals(3, 100, 0.2, 1)
	m := NewMLP(d, []int{50, 50}, ReLU, 0)
	x := make([]float64, m.Dim())
	m.Init(x, He, 1)
	all := problems.All(d.Len())
	plain := m.Loss(nil, x, all)
	m.Dropout, m.DropoutSeed = 0.4, 5
	// Same seed and round, same masks; the fraction dropped is p.
	a := m.Loss(nil, x, all)
	if b := m.Loss(nil, x, all); a != b {
		t.Errorf("same round, losses %v and %v", a, b)
	}
	mask := m.batch.mask[1][:len(all)*50]
	var dropped int
	for _, v := range mask {
		switch v {
		case 0:
			dropped++
		case 1 / 0.6:
		default:
			t.Fatalf("mask value %v, want 0 or 1/(1 − p)", v)
		}
	}
	if frac := float64(dropped) / float64(len(mask)); math.Abs(frac-0.4) > 0.02 {
		t.Errorf("dropped fraction %v, want about 0.4", frac)
	}
	o := NewMLP(d, []int{50, 50}, ReLU, 0)
	o.Dropout, o.DropoutSeed = 0.4, 5
	if b := o.Loss(nil, x, all); a != b {
		t.Errorf("same seed on another network: %v and %v", a, b)
	}
	o.DropoutSeed = 6
	if b := o.Loss(nil, x, all); a == b {
		t.Error("another seed gives the same masks")
	}
	// Evaluation mode ignores dropout; Accuracy always evaluates.
	acc := m.Accuracy(x, nil)
	m.SetTraining(false)
	if e := m.Loss(nil, x, all); e != plain {
		t.Errorf("evaluation-mode loss %v, the network without dropout %v", e, plain)
	}
	m.SetTraining(true)
	m.Dropout = 0
	if acc2 := m.Accuracy(x, nil); acc2 != acc {
		t.Errorf("Accuracy %v with dropout set, %v without", acc, acc2)
	}
	m.Dropout = 1
	mustPanic(t, "MLP.Dropout = 1", func() { m.Loss(nil, x, all) })
	m.Dropout = -0.1
	mustPanic(t, "want a probability", func() { m.Loss(nil, x, all) })
}

// A batch of one in training mode is refused with a clear message, never
// turned into NaN; evaluation mode takes single examples.
func TestBatchNormBatchOfOne(t *testing.T) {
	d := problems.Spirals(3, 10, 0.2, 1)
	m := NewBatchNormMLP(d, []int{4}, ReLU, 0)
	x := make([]float64, m.Dim())
	m.Init(x, He, 1)
	g := make([]float64, m.Dim())
	mustPanic(t, "batch norm in training mode needs a batch of at least 2 examples, got 1", func() { m.Loss(g, x, []int{3}) })
	mustPanic(t, "at least 2 examples", func() { m.LayerStats(x, []int{3}) })
	mustPanic(t, "want ≥ 2", func() { m.FitRunningStats(x, []int{3}) })
	// Two copies of one example: zero variance, finite loss.
	if f := m.Loss(g, x, []int{3, 3}); math.IsNaN(f) || math.IsInf(f, 0) || slices.ContainsFunc(g, math.IsNaN) {
		t.Errorf("repeated example: loss %v, gradient %v", f, g)
	}
	m.SetTraining(false)
	if f := m.Loss(g, x, []int{3}); math.IsNaN(f) || math.IsInf(f, 0) {
		t.Errorf("evaluation mode, one example: loss %v", f)
	}
}

// FitRunningStats makes evaluation mode reproduce training mode on the
// same examples as one batch.
func TestFitRunningStats(t *testing.T) {
	d := problems.Spirals(4, 30, 0.2, 3)
	m := NewBatchNormMLP(d, []int{8, 8}, Tanh, 0)
	x := make([]float64, m.Dim())
	m.Init(x, Xavier, 2)
	perturb(x, 0.3, rand.New(rand.NewPCG(1, 1)))
	for _, idx := range [][]int{nil, {0, 5, 17, 99, 100}} {
		m.SetTraining(true)
		batch := idx
		if batch == nil {
			batch = problems.All(d.Len())
		}
		train := m.Loss(nil, x, batch)
		m.FitRunningStats(x, idx)
		m.SetTraining(false)
		if eval := m.Loss(nil, x, batch); math.Abs(eval-train) > 1e-12*math.Abs(train) {
			t.Errorf("idx %v: evaluation loss %v, training loss %v", idx, eval, train)
		}
	}
	mean, vari := m.BatchNorm().RunningStats()
	if len(mean) != 2 || len(vari[1]) != 8 {
		t.Fatalf("RunningStats shape %d × %d", len(mean), len(vari[1]))
	}
	m.BatchNorm().Reset()
	m0, v0 := m.BatchNorm().RunningStats()
	if m0[1][3] != 0 || v0[0][2] != 1 {
		t.Error("Reset: want means 0, variances 1")
	}
	m.BatchNorm().SetRunningStats(mean, vari)
	if m1, _ := m.BatchNorm().RunningStats(); m1[1][3] != mean[1][3] {
		t.Error("SetRunningStats did not restore")
	}
	vari[0][0] = -1
	mustPanic(t, "variance -1", func() { m.BatchNorm().SetRunningStats(mean, vari) })
	mustPanic(t, "2 and 1 rows", func() { m.BatchNorm().SetRunningStats(mean, vari[:1]) })
	mustPanic(t, "no batch norm", func() { NewMLP(d, []int{3}, Tanh, 0).FitRunningStats(make([]float64, 25), nil) })
}

// One training step moves the running statistics of layer 1 by torch's rule.
func TestBatchNormRunningUpdate(t *testing.T) {
	d := problems.Spirals(3, 20, 0.2, 1)
	m := NewBatchNormMLP(d, []int{5}, ReLU, 0)
	x := make([]float64, m.Dim())
	m.Init(x, He, 4)
	idx := []int{1, 7, 22, 40, 59}
	m.BatchNorm().Momentum = 0.25
	m.Loss(nil, x, idx) // no gradient, no update
	if mean, _ := m.BatchNorm().RunningStats(); mean[0][0] != 0 {
		t.Fatal("a loss without gradient moved the running mean")
	}
	m.Loss(make([]float64, m.Dim()), x, idx)
	mean, vari := m.BatchNorm().RunningStats()
	lo, _ := m.WeightRange(1)
	for u := 0; u < 5; u++ {
		var z []float64
		for _, i := range idx {
			z = append(z, x[lo+2*u]*d.X[i][0]+x[lo+2*u+1]*d.X[i][1])
		}
		var mu, ss float64
		for _, v := range z {
			mu += v / 5
		}
		for _, v := range z {
			ss += (v - mu) * (v - mu)
		}
		if want := 0.25 * mu; math.Abs(mean[0][u]-want) > 1e-14 {
			t.Errorf("unit %d: running mean %v, want %v", u, mean[0][u], want)
		}
		if want := 0.75 + 0.25*ss/4; math.Abs(vari[0][u]-want) > 1e-14 {
			t.Errorf("unit %d: running variance %v, want %v (unbiased batch variance)", u, vari[0][u], want)
		}
	}
	m.BatchNorm().Momentum = 1.5
	mustPanic(t, "BatchNorm.Momentum = 1.5", func() { m.Loss(nil, x, idx) })
	m.BatchNorm().Momentum, m.BatchNorm().Eps = 0.1, 0
	mustPanic(t, "BatchNorm.Eps = 0", func() { m.Loss(nil, x, idx) })
}

// Batch norm makes the training loss invariant to the scale of the weights
// feeding a normalized layer (the gradient shrinks as 1/c when they grow
// ×c), and to the order of the batch.
func TestBatchNormInvariances(t *testing.T) {
	d := problems.Spirals(3, 20, 0.2, 1)
	m := NewBatchNormMLP(d, []int{6, 6}, Tanh, 0)
	m.BatchNorm().Eps = 1e-14 // the invariance is exact only when σ² ≫ ε
	x := make([]float64, m.Dim())
	m.Init(x, Xavier, 5)
	perturb(x, 0.1, rand.New(rand.NewPCG(2, 2)))
	idx := []int{0, 3, 9, 20, 33, 41, 58}
	g := make([]float64, m.Dim())
	f := m.Loss(g, x, idx)
	lo, hi := m.WeightRange(2)
	for _, c := range []float64{0.01, 3, 100} {
		y := slices.Clone(x)
		for j := lo; j < hi; j++ {
			y[j] *= c
		}
		gy := make([]float64, m.Dim())
		fy := m.Loss(gy, y, idx)
		if math.Abs(fy-f) > 1e-9*f {
			t.Errorf("W² × %v: loss %v, was %v", c, fy, f)
		}
		for j := lo; j < hi; j++ {
			if math.Abs(gy[j]*c-g[j]) > 1e-7*(math.Abs(g[j])+1e-6) {
				t.Errorf("W² × %v: gradient[%d] %v, want %v / c", c, j, gy[j], g[j])
				break
			}
		}
	}
	rev := slices.Clone(idx)
	slices.Reverse(rev)
	if fr := m.Loss(nil, x, rev); math.Abs(fr-f) > 1e-14*f {
		t.Errorf("reversed batch: loss %v, was %v", fr, f)
	}
}

// With batch norm a naive N(0, 1) initialization no longer explodes: every
// hidden layer's pre-activation is renormalized (notebook 07's measurement).
func TestBatchNormLayerStats(t *testing.T) {
	d := problems.Spirals(3, 50, 0.2, 1)
	hidden := []int{64, 64, 64, 64, 64}
	m := NewBatchNormMLP(d, hidden, ReLU, 0)
	x := make([]float64, m.Dim())
	m.Init(x, Naive, 2)
	before, _ := m.BatchNorm().RunningStats()
	s := m.LayerStats(x, nil)
	if after, _ := m.BatchNorm().RunningStats(); !slices.Equal(before[0], after[0]) {
		t.Error("LayerStats moved the running statistics")
	}
	for l := 1; l < 5; l++ {
		if r := s[l].ActStd / s[l-1].ActStd; r < 0.8 || r > 1.25 {
			t.Errorf("batch norm, naive init: activation std changes ×%v from layer %d to %d", r, l, l+1)
		}
	}
	plain := NewMLP(d, hidden, ReLU, 0)
	p := make([]float64, plain.Dim())
	plain.Init(p, Naive, 2)
	ps := plain.LayerStats(p, nil)
	if ps[4].ActStd < 100*s[4].ActStd {
		t.Errorf("naive ReLU layer 5: std %v without batch norm, %v with: want it exploding without", ps[4].ActStd, s[4].ActStd)
	}
	// LayerStats' gradient is the training-mode Loss gradient of the batch.
	checkGradNorm(t, m, x, s, 3)
	// With dropout too, at the round LayerStats used.
	m.Dropout = 0.2
	r := m.DropoutRound()
	s = m.LayerStats(x, nil)
	m.SetDropoutRound(r)
	checkGradNorm(t, m, x, s, 2)
}

func TestBatchNormShapeAndData(t *testing.T) {
	d := problems.Spirals(3, 10, 0.1, 1)
	m := NewBatchNormMLP(d, []int{5, 4}, ReLU, 0)
	// W¹ 5×2, γ¹ β¹; W² 4×5, γ² β²; W³ 3×4, b³.
	if want := 10 + 10 + 20 + 8 + 12 + 3; m.Dim() != want {
		t.Fatalf("Dim %d, want %d", m.Dim(), want)
	}
	g, b := m.BatchNormRange(2)
	if g != 20+20 || b != 44 {
		t.Errorf("BatchNormRange(2) = %d, %d", g, b)
	}
	x := make([]float64, m.Dim())
	m.Init(x, He, 1)
	if x[g] != 1 || x[b] != 0 || x[g+3] != 1 {
		t.Error("Init: want γ = 1, β = 0")
	}
	ws := m.WeightMatrices()
	if len(ws) != 3 || ws[1] != (WeightMatrix{Layer: 2, Off: 20, Rows: 4, Cols: 5}) {
		t.Errorf("WeightMatrices %+v", ws)
	}
	mustPanic(t, "not a batch-normalized hidden layer", func() { m.BatchNormRange(3) })
	mustPanic(t, "not a batch-normalized hidden layer", func() { NewMLP(d, []int{3}, ReLU, 0).BatchNormRange(1) })
	mustPanic(t, "NewBatchNormMLP: no hidden layer", func() { NewBatchNormMLP(d, nil, ReLU, 0) })

	// A validation copy shares the running statistics.
	train, val := d.Split(0.7, 1)
	tm := NewBatchNormMLP(train, []int{5, 4}, ReLU, 0)
	vm := tm.OnData(val)
	if vm.Dim() != tm.Dim() || vm.Len() != val.Len() || vm.BatchNorm() != tm.BatchNorm() {
		t.Fatal("OnData: want the same parameters and shared statistics")
	}
	tm.Init(x, He, 2)
	tm.FitRunningStats(x, nil)
	mt, _ := tm.BatchNorm().RunningStats()
	mv, _ := vm.BatchNorm().RunningStats()
	if !slices.Equal(mt[0], mv[0]) {
		t.Error("OnData copy does not see the fitted statistics")
	}
	mustPanic(t, "OnData: dataset has 2 features and 2 classes", func() { tm.OnData(problems.Moons(10, 0.1, 1)) })
}

func TestBatchNormAllocatesNothing(t *testing.T) {
	d := problems.Spirals(3, 50, 0.2, 1)
	m := NewBatchNormMLP(d, []int{16, 16}, ReLU, 1e-3)
	m.Dropout = 0.2
	x := make([]float64, m.Dim())
	m.Init(x, He, 1)
	g := make([]float64, m.Dim())
	idx := problems.All(d.Len())[:32]
	if a := testing.AllocsPerRun(20, func() { m.Loss(g, x, idx); m.Loss(nil, x, idx[:5]) }); a != 0 {
		t.Errorf("batch-norm Loss: %v allocations", a)
	}
	in, p := []float64{0.1, 0.2}, make([]float64, 3)
	if a := testing.AllocsPerRun(20, func() { m.Predict(x, in); m.Probs(p, x, in); m.Logits(p, x, in) }); a != 0 {
		t.Errorf("Predict/Probs/Logits: %v allocations", a)
	}
}

func TestBatchNormMessagesNamePackage(t *testing.T) {
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "nn: MLP.Loss: ") {
			t.Errorf("panic %v", r)
		}
	}()
	m := NewBatchNormMLP(problems.Moons(10, 0.1, 1), []int{3}, Tanh, 0)
	m.Loss(nil, make([]float64, m.Dim()), []int{0})
}
