package nn

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// Naive N(0, 1) weights drive 64-wide tanh layers into their flat tails,
// Xavier keeps them in the linear middle, and the fraction of inactive ReLU
// units is the same for every weight scale.
func TestMLPSaturationInitLessons(t *testing.T) {
	d := problems.Moons(200, 0.2, 1)
	hidden := []int{64, 64, 64, 64, 64}
	sat := func(act Activation, in Init) []float64 {
		m := NewMLP(d, hidden, act, 0)
		x := make([]float64, m.Dim())
		m.Init(x, in, 1)
		return m.Saturation(x, nil, 0.05)
	}
	naive, xavier := sat(Tanh, Naive), sat(Tanh, Xavier)
	if len(naive) != 5 {
		t.Fatalf("%d fractions, want one per hidden layer (5)", len(naive))
	}
	for l := 1; l < 5; l++ { // layer 1 sees only the two inputs
		if naive[l] < 0.6 || xavier[l] > 0.1 {
			t.Errorf("tanh layer %d: saturated naive %.3f (want > 0.6), xavier %.3f (want < 0.1)", l+1, naive[l], xavier[l])
		}
	}
	rn, rx, rh := sat(ReLU, Naive), sat(ReLU, Xavier), sat(ReLU, He)
	for l := range rn {
		if rn[l] != rx[l] || rn[l] != rh[l] || math.Abs(rn[l]-0.5) > 0.2 {
			t.Errorf("relu layer %d: inactive %v, %v, %v for naive, xavier, he; want equal and about ½", l+1, rn[l], rx[l], rh[l])
		}
	}
}

// The count agrees with a direct computation on a one-unit layer.
func TestMLPSaturationCounts(t *testing.T) {
	d := problems.Dataset{Name: "four", X: [][]float64{{-3}, {-0.1}, {0.1}, {3}}, Label: []int{0, 0, 1, 1}, Classes: 2}
	for _, c := range []struct {
		act  Activation
		tol  float64
		want float64
	}{
		{Tanh, 0.05, 0.5},   // 1 − tanh²(3) ≈ 0.0099 < 0.05 at ±3; ≈ 0.99 at ±0.1
		{Tanh, 0.005, 0},    // 0.0099 is not below 0.005
		{Sigmoid, 0.2, 0.5}, // 4σ(3)(1 − σ(3)) ≈ 0.18 at ±3
		{ReLU, 1e-12, 0.5},  // inactive for z = −3, −0.1
		{ReLU, 1, 0.5},      // active units pass φ′ = 1, not < 1
	} {
		m := NewMLP(d, []int{1}, c.act, 0)
		x := make([]float64, m.Dim()) // W¹ = 1, b¹ = 0: z = input
		x[0] = 1
		if got := m.Saturation(x, nil, c.tol)[0]; got != c.want {
			t.Errorf("%v tol %v: %v saturated, want %v", c.act, c.tol, got, c.want)
		}
	}
	m := NewMLP(d, []int{1}, Tanh, 0)
	x := make([]float64, m.Dim())
	x[0] = 1
	if got := m.Saturation(x, []int{0, 3, 3}, 0.05)[0]; got != 1 {
		t.Errorf("idx {0, 3, 3}: %v saturated, want 1", got)
	}
	mustPanic(t, "tol = 0", func() { m.Saturation(x, nil, 0) })
	mustPanic(t, "tol = NaN", func() { m.Saturation(x, nil, math.NaN()) })
	mustPanic(t, "tol = 2", func() { m.Saturation(x, nil, 2) })
	mustPanic(t, "len(params) = 2", func() { m.Saturation(x[:2], nil, 0.1) })
	mustPanic(t, "empty idx", func() { m.Saturation(x, []int{}, 0.1) })
	mustPanic(t, "MLP.Saturation: index 4", func() { m.Saturation(x, []int{4}, 0.1) })
}
