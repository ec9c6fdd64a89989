package problems

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// checkStochasticGrad compares a model's mini-batch gradient with central
// differences of its loss, using the relative error of the course's seed 003:
// |a − n| / max(|a|, |n|, 1e-8), required ≤ tol.
func checkStochasticGrad(t *testing.T, name string, m Stochastic, x []float64, idx []int, tol float64) {
	t.Helper()
	g := make([]float64, m.Dim())
	f := m.Loss(g, x, idx)
	if f0 := m.Loss(nil, x, idx); f0 != f {
		t.Errorf("%s: loss with grad %v, without %v", name, f, f0)
	}
	num := fd.Gradient(nil, func(x []float64) float64 { return m.Loss(nil, x, idx) }, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	for i := range g {
		e := math.Abs(g[i]-num[i]) / math.Max(math.Max(math.Abs(g[i]), math.Abs(num[i])), 1e-8)
		if e > tol && math.Abs(g[i]-num[i]) > 1e-9 {
			t.Errorf("%s idx %v: grad[%d] = %v, central difference %v (rel err %.2g)", name, idx, i, g[i], num[i], e)
		}
	}
}

func batches(n int, rng *rand.Rand) [][]int {
	return [][]int{All(n), {rng.IntN(n)}, rng.Perm(n)[:min(n, 7)], {3, 3, 1}} // repeats are allowed
}

func TestModelGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	moons := Moons(40, 0.1, 1)
	spir := Spirals(3, 10, 0.2, 2)
	type tc struct {
		name string
		m    Stochastic
		init func(x []float64)
	}
	randn := func(s float64) func(x []float64) {
		return func(x []float64) {
			for i := range x {
				x[i] = s * rng.NormFloat64()
			}
		}
	}
	cases := []tc{
		{"linear", NewLinearRegression(LinearData(30, 4, 0.5, 1), 0), randn(1)},
		{"linear L2", NewLinearRegression(LinearData(30, 4, 0.5, 1), 0.3), randn(1)},
		{"logistic", NewLogisticRegression(LogisticData(30, 3, 1), 0), randn(1)},
		{"logistic L2", NewLogisticRegression(LogisticData(30, 3, 1), 0.2), randn(2)},
	}
	for _, act := range []Activation{Tanh, ReLU, Sigmoid} {
		for _, hidden := range [][]int{{5}, {4, 3}} {
			for _, l2 := range []float64{0, 0.1} {
				for _, d := range []Dataset{moons, spir} {
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
