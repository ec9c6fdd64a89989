package optim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// mixing returns the gradient of ½ xᵀAx − bᵀx for a random dense
// symmetric A: every component depends on every coordinate, so pruned
// coordinates would feed the kept ones if they moved.
func mixing(n int, rng *rand.Rand) func(g, x []float64) {
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := rng.NormFloat64()
			if i == j {
				v = 3 + math.Abs(v)
			}
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	b := randVec(rng, n, 1)
	return func(g, x []float64) {
		for i := range g {
			s := -b[i]
			for j, xj := range x {
				s += a[i*n+j] * xj
			}
			g[i] = s
		}
	}
}

// Masked keeps pruned parameters at zero, clears their optimizer state, and
// on the kept ones takes exactly the steps of the bare optimizer on the
// kept parameters alone, for every optimizer of the package.
func TestMaskedEquivalence(t *testing.T) {
	const n = 12
	rng := rand.New(rand.NewPCG(1, 2))
	grad := mixing(n, rng)
	keep := make([]bool, n)
	var kept []int
	for i := range keep {
		keep[i] = rng.Float64() < 0.6
		if keep[i] {
			kept = append(kept, i)
		}
	}
	for name, mk := range allOptimizers() {
		x0 := randVec(rng, n, 1)
		full, sub := mk(), mk()
		// Unmasked history first, so that the state is non-zero everywhere.
		x := slices.Clone(x0)
		xs := make([]float64, len(kept))
		for i, j := range kept {
			xs[i] = x[j]
		}
		g, gs := make([]float64, n), make([]float64, len(kept))
		for k := 0; k < 5; k++ {
			grad(g, x)
			for i, j := range kept {
				gs[i] = g[j]
			}
			full.Step(x, g)
			sub.Step(xs, gs)
		}
		m := NewMasked(full, keep)
		for i, k := range keep { // pruning sets the removed weights to zero
			if !k {
				x[i] = 0
			}
		}
		if st, ok := full.(Stateful); ok {
			for b, buf := range st.SaveState().Buffers {
				for i, k := range keep {
					if !k && buf[i] != 0 {
						t.Fatalf("%s: SetMask left buffer %s[%d] = %v", name, b, i, buf[i])
					}
				}
			}
		}
		expand := make([]float64, n)
		for k := 0; k < 30; k++ {
			grad(g, x)
			m.Step(x, g)
			// The sub-problem sees the same gradient: the full one at x with
			// the pruned coordinates at zero.
			for i := range expand {
				expand[i] = 0
			}
			for i, j := range kept {
				expand[j] = xs[i]
			}
			grad(g, expand)
			for i, j := range kept {
				gs[i] = g[j]
			}
			sub.Step(xs, gs)
		}
		for i, k := range keep {
			if !k && x[i] != 0 {
				t.Errorf("%s: pruned x[%d] = %v", name, i, x[i])
			}
		}
		for i, j := range kept {
			if x[j] != xs[i] {
				t.Errorf("%s: kept x[%d] = %v, the bare optimizer on the kept parameters %v", name, j, x[j], xs[i])
				break
			}
		}
		if st, ok := full.(Stateful); ok {
			for b, buf := range st.SaveState().Buffers {
				for i, k := range keep {
					if !k && buf[i] != 0 {
						t.Errorf("%s: after 30 steps buffer %s[%d] = %v", name, b, i, buf[i])
					}
				}
			}
		}
	}
}

// A fresh optimizer whose first step sees pruned weights that are not yet
// zero (with weight decay) still keeps them and its state at zero.
func TestMaskedFreshState(t *testing.T) {
	keep := []bool{true, false, true, false}
	mom, adam, rms := NewMomentum(0.1, 0.9), NewAdam(0.1), NewRMSProp(0.1)
	mom.WeightDecay, adam.WeightDecay = 0.5, 0.5
	rms.Momentum, rms.Centered = 0.9, true
	for _, opt := range []Optimizer{mom, adam, NewAdamW(0.1), rms} {
		m := NewMasked(opt, keep)
		x := []float64{1, 2, 3, 4}
		for k := 0; k < 3; k++ {
			m.Step(x, []float64{0.5, 0.5, 0.5, 0.5})
		}
		if x[1] != 0 || x[3] != 0 || x[0] == 1 {
			t.Errorf("%T: x = %v", opt, x)
		}
		for b, buf := range m.SaveState().Buffers {
			if buf[1] != 0 || buf[3] != 0 {
				t.Errorf("%T: buffer %s = %v", opt, b, buf)
			}
		}
	}
}

func TestMaskedPassThrough(t *testing.T) {
	inner := NewAdam(0.01)
	m := NewMasked(inner, []bool{true, false, true})
	if m.Optimizer() != inner || !slices.Equal(m.Mask(), []bool{true, false, true}) {
		t.Fatal("accessors")
	}
	m.SetLearningRate(0.5)
	if m.LearningRate() != 0.5 || inner.LearningRate() != 0.5 {
		t.Errorf("learning rate %v, inner %v", m.LearningRate(), inner.LearningRate())
	}
	x, g := []float64{1, 1, 1}, []float64{1, 1, 1}
	m.Step(x, g)
	st := m.SaveState()
	if st.Optimizer != "Adam" || st.Steps != 1 {
		t.Errorf("state %+v", st)
	}
	// A restored state is cleared at the pruned positions.
	st.Buffers["m"][1] = 7
	if err := m.RestoreState(st); err != nil {
		t.Fatal(err)
	}
	if m.SaveState().Buffers["m"][1] != 0 {
		t.Error("RestoreState kept state at a pruned position")
	}
	m.Reset()
	if inner.SaveState().Steps != 0 {
		t.Error("Reset did not reset the wrapped optimizer")
	}
	// The mask is copied.
	keep := []bool{true, true}
	m2 := NewMasked(NewSGD(1), keep)
	keep[1] = false
	y := []float64{1, 1}
	m2.Step(y, []float64{0, 0})
	if y[1] != 1 {
		t.Error("NewMasked did not copy the mask")
	}
	if a := testing.AllocsPerRun(20, func() { m.Step(x, g) }); a != 0 {
		t.Errorf("Masked.Step: %v allocations", a)
	}
	var plain Optimizer = stepOnly{}
	mp := NewMasked(plain, []bool{true})
	if !math.IsNaN(mp.LearningRate()) {
		t.Error("LearningRate of an optimizer without one")
	}
	expectPanic(t, "has no learning rate", func() { mp.SetLearningRate(1) })
	expectPanic(t, "is not Stateful", func() { mp.SaveState() })
	if err := mp.RestoreState(State{}); err == nil {
		t.Error("RestoreState into a non-Stateful optimizer")
	}
}

type stepOnly struct{}

func (stepOnly) Step(x, g []float64) {}
func (stepOnly) Reset()              {}

func TestMaskedBadInput(t *testing.T) {
	expectPanic(t, "nil optimizer", func() { NewMasked(nil, []bool{true}) })
	expectPanic(t, "empty mask", func() { NewMasked(NewSGD(0.1), nil) })
	m := NewMasked(NewSGD(0.1), []bool{true, false})
	expectPanic(t, "already Masked", func() { NewMasked(m, []bool{true, false}) })
	expectPanic(t, "len(x) = 3, len(grad) = 3, mask has 2", func() { m.Step(make([]float64, 3), make([]float64, 3)) })
	expectPanic(t, "len(grad) = 1", func() { m.Step(make([]float64, 2), make([]float64, 1)) })
}
