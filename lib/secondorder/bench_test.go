package secondorder

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

func BenchmarkTwoLoop(b *testing.B) {
	for _, d := range []int{1e3, 1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("d=%d/m=10", d), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			h := NewHistory(d, 10)
			s, y := make([]float64, d), make([]float64, d)
			for range 10 {
				for i := range s {
					s[i] = rng.NormFloat64()
					y[i] = s[i] * (1 + rng.Float64())
				}
				h.Push(s, y)
			}
			g, out := make([]float64, d), make([]float64, d)
			for i := range g {
				g[i] = rng.NormFloat64()
			}
			b.ReportAllocs()
			b.SetBytes(int64(8 * d * (2*10*2 + 2)))
			for b.Loop() {
				h.TwoLoop(out, g)
			}
		})
	}
}

// The problems the benchmarks of the methods run on.
func BenchmarkLBFGSRosenbrock(b *testing.B) {
	for _, n := range []int{100, 1000} {
		p := problems.RosenbrockND(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				run(NewLBFGS(10), p, p.Start, tight)
			}
		})
	}
}
