package problems

import "testing"

func BenchmarkSurfaceGrad(b *testing.B) {
	for _, p := range []Problem{Rosenbrock(), Beale(), RosenbrockND(1000), QuadraticND(100, 100, 1)} {
		x := append([]float64(nil), p.Start...)
		g := make([]float64, len(x))
		b.Run(p.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Grad(g, x)
			}
		})
	}
}

// BenchmarkLinearRegressionLoss is notebook 07's least squares (1000
// examples in 10 features): the full loss with its gradient, as a
// stochastic run measures it, and one batch of 10.
func BenchmarkLinearRegressionLoss(b *testing.B) {
	m := NewLinearRegression(LinearData(1000, 10, 1.0, 7), 0)
	x, g := make([]float64, m.Dim()), make([]float64, m.Dim())
	for j := range x {
		x[j] = 0.1 * float64(j)
	}
	for _, c := range []struct {
		name string
		idx  []int
	}{{"full", All(m.Len())}, {"batch10", []int{3, 141, 592, 653, 589, 793, 238, 462, 643, 383}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Loss(g, x, c.idx)
			}
		})
	}
}
