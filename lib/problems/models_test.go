package problems

import (
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/internal/modeltest"
)

// checkStochasticGrad compares a model's mini-batch gradient with central
// differences of its loss, using the relative error of the course's seed 003:
// |a − n| / max(|a|, |n|, 1e-8), required ≤ tol.
func checkStochasticGrad(t *testing.T, name string, m Stochastic, x []float64, idx []int, tol float64) {
	t.Helper()
	checkStochasticGradFloor(t, name, m, x, idx, tol, 0, 1e-6)
}

// checkStochasticGradFloor is modeltest.BatchGradient on m's loss.
func checkStochasticGradFloor(t *testing.T, name string, m Stochastic, x []float64, idx []int, tol, floor, h float64) {
	t.Helper()
	modeltest.BatchGradient(t, name, m.Loss, x, idx, tol, floor, h)
}

func batches(n int, rng *rand.Rand) [][]int {
	return [][]int{All(n), {rng.IntN(n)}, rng.Perm(n)[:min(n, 7)], {3, 3, 1}} // repeats are allowed
}

func TestModelGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
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

func TestModelLossAllocatesNothing(t *testing.T) {
	ms := []Stochastic{
		NewLinearRegression(LinearData(100, 5, 0.1, 1), 0.1),
		NewLogisticRegression(LogisticData(100, 5, 1), 0.1),
	}
	for _, m := range ms {
		x := make([]float64, m.Dim())
		for i := range x {
			x[i] = 0.1 * float64(i%7-3)
		}
		g := make([]float64, m.Dim())
		idx := All(m.Len())[:32]
		if a := testing.AllocsPerRun(20, func() { m.Loss(g, x, idx); m.Loss(nil, x, idx[:1]) }); a != 0 {
			t.Errorf("%T: %v allocations per Loss", m, a)
		}
	}
}

func TestModelBadInput(t *testing.T) {
	ms := map[string]Stochastic{
		"LinearRegression":   NewLinearRegression(LinearData(10, 2, 0.1, 1), 0),
		"LogisticRegression": NewLogisticRegression(LogisticData(10, 2, 1), 0),
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
	mustPanic(t, "no targets", func() { NewLinearRegression(Moons(10, 0.1, 1), 0) })
	mustPanic(t, "l2", func() { NewLinearRegression(LinearData(10, 2, 0.1, 1), -1) })
	mustPanic(t, "no labels", func() { NewLogisticRegression(LinearData(10, 2, 0.1, 1), 0) })
	mustPanic(t, "want 0 or 1", func() { NewLogisticRegression(Spirals(3, 5, 0.1, 1), 0) })
}

// checkNilIdx checks that Loss with a nil idx is Loss over all examples, to
// the bit, with and without a gradient.
func checkNilIdx(t *testing.T, name string, m Stochastic, x []float64) {
	t.Helper()
	for i := range x {
		x[i] = 0.1 * float64(i%5-2)
	}
	all := All(m.Len())
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
