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
