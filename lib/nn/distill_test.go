package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/diff/fd"
)

func TestSoftmaxT(t *testing.T) {
	z := []float64{2, -1, 0.5, 300}
	for _, T := range []float64{0.1, 1, 3, 1e6} {
		p := SoftmaxT(make([]float64, 4), z, T)
		var s float64
		for _, v := range p {
			s += v
			if !(v >= 0) {
				t.Fatalf("T = %v: probability %v", T, v)
			}
		}
		if math.Abs(s-1) > 1e-15 {
			t.Errorf("T = %v: sum %v", T, s)
		}
	}
	// T = 1 is the network's softmax; T → ∞ flattens towards uniform.
	if p := SoftmaxT(make([]float64, 4), z, 1e6); math.Abs(p[0]-0.25) > 1e-3 {
		t.Errorf("T = 1e6: %v, want about uniform", p)
	}
	m := NewMLP(problems.Spirals(4, 5, 0.1, 1), []int{3}, Tanh, 0)
	x := make([]float64, m.Dim())
	m.Init(x, Xavier, 1)
	in := []float64{0.3, -0.2}
	want := m.Probs(make([]float64, 4), x, in)
	got := SoftmaxT(make([]float64, 4), m.Logits(make([]float64, 4), x, in), 1)
	for c := range got {
		if math.Abs(got[c]-want[c]) > 1e-15 {
			t.Errorf("SoftmaxT(logits, 1) = %v, Probs %v", got, want)
		}
	}
	mustPanic(t, "want 1e-150 ≤ T ≤ 1e+150", func() { SoftmaxT(make([]float64, 4), z, 0) })
	mustPanic(t, "len(dst) = 3", func() { SoftmaxT(make([]float64, 3), z, 1) })
}

func TestDistillLossGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := 0; trial < 30; trial++ {
		k := 2 + rng.IntN(5)
		z, zt := make([]float64, k), make([]float64, k)
		for c := range z {
			z[c], zt[c] = 3*rng.NormFloat64(), 3*rng.NormFloat64()
		}
		y := rng.IntN(k)
		T := []float64{0.5, 1, 2, 5, 20}[trial%5]
		alpha := []float64{0, 0.3, 0.9, 1}[trial%4]
		dz := make([]float64, k)
		f := DistillLoss(dz, z, zt, y, T, alpha)
		if f0 := DistillLoss(nil, z, zt, y, T, alpha); f0 != f {
			t.Errorf("loss with gradient %v, without %v", f, f0)
		}
		num := fd.Gradient(nil, func(z []float64) float64 { return DistillLoss(nil, z, zt, y, T, alpha) }, z, &fd.Settings{Formula: fd.Central, Step: 1e-6})
		for c := range dz {
			if e := math.Abs(dz[c] - num[c]); e > 1e-7*math.Max(1, math.Abs(dz[c])) {
				t.Errorf("T=%v α=%v: ∂ℓ/∂z[%d] = %v, central difference %v", T, alpha, c, dz[c], num[c])
			}
		}
		// The soft term vanishes when the student matches the teacher.
		if s := DistillLoss(nil, zt, zt, y, T, 1); math.Abs(s) > 1e-12 {
			t.Errorf("student = teacher: soft loss %v", s)
		}
		// α = 0 is the hard-label cross-entropy.
		if h, ce := DistillLoss(nil, z, zt, y, T, 0), logSumExp(z)-z[y]; math.Abs(h-ce) > 1e-15*ce {
			t.Errorf("α = 0: %v, cross-entropy %v", h, ce)
		}
	}
}

// The T² factor keeps the soft-target gradient's size independent of T;
// without it the gradient shrinks as 1/T² once T is large compared with
// the logits (Hinton et al. 2015, section 2).
func TestDistillT2Scaling(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const k = 10
	z, zt := make([]float64, k), make([]float64, k)
	for c := range z {
		z[c], zt[c] = 2*rng.NormFloat64(), 2*rng.NormFloat64()
	}
	norm := func(T float64) float64 {
		dz := make([]float64, k)
		DistillLoss(dz, z, zt, 0, T, 1)
		var s float64
		for _, v := range dz {
			s += v * v
		}
		return math.Sqrt(s)
	}
	Ts := []float64{1, 2, 4, 8, 16, 32, 64, 128}
	g := make([]float64, len(Ts))
	for i, T := range Ts {
		g[i] = norm(T)
	}
	lo, hi := math.Inf(1), 0.0
	for _, v := range g {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi/lo > 3 {
		t.Errorf("with T²: soft gradient norms %v vary ×%.1f over T = 1…128, want roughly constant", g, hi/lo)
	}
	if r := g[len(g)-1] / g[len(g)-2]; math.Abs(r-1) > 0.01 {
		t.Errorf("with T²: norm ratio T = 128 to 64 is %v, want → 1", r)
	}
	// Without the factor: (1/T²)·T(q − p) shrinks ×4 per doubling of T.
	for i := 5; i < len(Ts); i++ {
		r := (g[i] / (Ts[i] * Ts[i])) / (g[i-1] / (Ts[i-1] * Ts[i-1]))
		if math.Abs(r-0.25) > 0.01 {
			t.Errorf("without T²: gradient ratio T = %v to %v is %v, want 1/4", Ts[i], Ts[i-1], r)
		}
	}
	// And its limit is the logit-matching gradient (z − zt − mean)/k.
	dz := make([]float64, k)
	DistillLoss(dz, z, zt, 0, 1e4, 1)
	var mean float64
	for c := range z {
		mean += (z[c] - zt[c]) / k
	}
	for c := range z {
		if want := (z[c] - zt[c] - mean) / k; math.Abs(dz[c]-want) > 1e-3*math.Abs(want)+1e-6 {
			t.Errorf("T = 1e4: ∂/∂z[%d] = %v, logit matching gives %v", c, dz[c], want)
		}
	}
}

func distillPair(bn bool) (student, teacher *MLP, tx []float64) {
	d := problems.Spirals(3, 15, 0.2, 1)
	teacher = NewMLP(d, []int{16, 16}, Tanh, 0)
	tx = make([]float64, teacher.Dim())
	teacher.Init(tx, Xavier, 4)
	perturb(tx, 0.3, rand.New(rand.NewPCG(6, 6)))
	if bn {
		return NewBatchNormMLP(d, []int{5}, ReLU, 0.01), teacher, tx
	}
	return NewMLP(d, []int{5}, Tanh, 0.01), teacher, tx
}

func TestDistillationGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, bn := range []bool{false, true} {
		student, teacher, tx := distillPair(bn)
		for _, T := range []float64{1, 4, 20} {
			for _, alpha := range []float64{0, 0.5, 1} {
				d := NewDistillation(student, teacher, tx, T, alpha)
				x := make([]float64, d.Dim())
				student.Init(x, He, rng.Uint64())
				perturb(x, 0.1, rng)
				for _, idx := range coupledBatches(d.Len(), rng) {
					// T² amplifies the rounding of the loss: a step growing with T.
					checkStochasticGradFloor(t, "distillation", d, x, idx, 1e-5, 1e-3, 1e-6*T)
				}
			}
		}
	}
	// α = 0 is the student's own loss.
	student, teacher, tx := distillPair(false)
	d := NewDistillation(student, teacher, tx, 3, 0)
	x := make([]float64, d.Dim())
	student.Init(x, Xavier, 1)
	if a, b := d.Loss(nil, x, problems.All(d.Len())), student.Loss(nil, x, problems.All(d.Len())); math.Abs(a-b) > 1e-15*b {
		t.Errorf("α = 0: distillation loss %v, student loss %v", a, b)
	}
	// The stored teacher logits are the teacher's.
	want := teacher.Logits(make([]float64, 3), tx, student.Data().X[7])
	for c, v := range d.TeacherLogits(7) {
		if v != want[c] {
			t.Errorf("TeacherLogits(7) = %v, want %v", d.TeacherLogits(7), want)
		}
	}
	if len(d.WeightMatrices()) != 2 {
		t.Error("WeightMatrices are the student's")
	}
	g := make([]float64, d.Dim())
	d.Alpha = 0.7
	idx := problems.All(d.Len())[:16]
	if a := testing.AllocsPerRun(10, func() { d.Loss(g, x, idx) }); a != 0 {
		t.Errorf("Distillation.Loss: %v allocations", a)
	}
}

func TestDistillationBadInput(t *testing.T) {
	student, teacher, tx := distillPair(false)
	other := NewMLP(problems.Spirals(4, 5, 0.1, 1), []int{4}, Tanh, 0) // 4 classes
	ox := make([]float64, other.Dim())
	mustPanic(t, "the teacher has 4 outputs, the student 3", func() { NewDistillation(student, other, ox, 2, 0.5) })
	wide := NewMLP(problems.Dataset{X: [][]float64{{1, 2, 3}, {0, 1, 0}}, Label: []int{0, 2}, Classes: 3}, []int{4}, Tanh, 0)
	mustPanic(t, "the teacher reads 3 features", func() { NewDistillation(student, wide, make([]float64, wide.Dim()), 2, 0.5) })
	for _, T := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		mustPanic(t, "want 1e-150 ≤ T ≤ 1e+150", func() { NewDistillation(student, teacher, tx, T, 0.5) })
		mustPanic(t, "want 1e-150 ≤ T ≤ 1e+150", func() { DistillLoss(nil, []float64{1, 2}, []float64{0, 1}, 0, T, 0.5) })
	}
	for _, a := range []float64{-0.1, 1.1, math.NaN()} {
		mustPanic(t, "want 0 ≤ α ≤ 1", func() { NewDistillation(student, teacher, tx, 2, a) })
	}
	mustPanic(t, "len(params)", func() { NewDistillation(student, teacher, tx[1:], 2, 0.5) })
	d := NewDistillation(student, teacher, tx, 2, 0.5)
	x := make([]float64, d.Dim())
	d.T = 0
	mustPanic(t, "Distillation.Loss: temperature T = 0", func() { d.Loss(nil, x, []int{0}) })
	d.T = 2
	mustPanic(t, "Distillation.Loss: empty idx", func() { d.Loss(nil, x, []int{}) })
	checkNilIdx(t, "Distillation", d, x)
	mustPanic(t, "Distillation.Loss: index 45 out of range", func() { d.Loss(nil, x, []int{45}) })
	mustPanic(t, "len(zt) = 3", func() { DistillLoss(nil, []float64{1, 2}, []float64{0, 1, 2}, 0, 1, 0.5) })
	mustPanic(t, "label 2 outside [0, 2)", func() { DistillLoss(nil, []float64{1, 2}, []float64{0, 1}, 2, 1, 0.5) })
}

func TestReliabilityAndECE(t *testing.T) {
	conf := []float64{0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9}
	right := []bool{true, true, true, true, true, true, true, true, true, false}
	if e := ECE(Reliability(conf, right, 10)); math.Abs(e) > 1e-12 {
		t.Errorf("90%% confident, 90%% right: ECE %v", e)
	}
	for i := 6; i < 10; i++ {
		right[i] = false
	}
	if e := ECE(Reliability(conf, right, 15)); math.Abs(e-0.3) > 1e-12 {
		t.Errorf("90%% confident, 60%% right: ECE %v, want 0.3", e)
	}
	// Bin edges: (0, 1/M], …, ((M−1)/M, 1].
	rb := Reliability([]float64{0, 0.5, 0.5000001, 1}, []bool{true, true, false, true}, 2)
	if rb[0].Count != 2 || rb[1].Count != 2 || rb[1].Hi != 1 || rb[0].Accuracy != 1 || rb[1].Accuracy != 0.5 {
		t.Errorf("bins %+v", rb)
	}
	if ECE(nil) != 0 {
		t.Error("ECE of nothing")
	}
	// An MLP's diagram accounts for every example and its accuracy.
	student, teacher, tx := distillPair(false)
	_ = student
	bins := teacher.Reliability(tx, nil, 15)
	var n int
	var right2 float64
	for _, b := range bins {
		n += b.Count
		right2 += b.Accuracy * float64(b.Count)
		if b.Count > 0 && (b.Confidence <= b.Lo || b.Confidence > b.Hi) {
			t.Errorf("bin %+v: mean confidence outside it", b)
		}
	}
	if n != teacher.Len() || math.Abs(right2/float64(n)-teacher.Accuracy(tx, nil)) > 1e-12 {
		t.Errorf("diagram counts %d examples with accuracy %v; Accuracy %v", n, right2/float64(n), teacher.Accuracy(tx, nil))
	}
	mustPanic(t, "3 confidences, 2 outcomes", func() { Reliability([]float64{1, 1, 1}, []bool{true, true}, 5) })
	mustPanic(t, "bins = 0", func() { Reliability(nil, nil, 0) })
	mustPanic(t, "confidence 0 is 1.5", func() { Reliability([]float64{1.5}, []bool{true}, 5) })
	mustPanic(t, "confidence 0 is NaN", func() { Reliability([]float64{math.NaN()}, []bool{true}, 5) })
	mustPanic(t, "index 99 out of range", func() { teacher.Reliability(tx, []int{99}, 5) })
}
