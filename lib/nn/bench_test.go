package nn

import (
	"fmt"
	"testing"

	"github.com/descentlab/descent/internal/modelargs"
	"github.com/descentlab/descent/lib/problems"
)

// BenchmarkMLPLoss measures a mini-batch loss and gradient of an MLP on
// 2-D spirals, by hidden widths and batch size. Reports ns per
// example-parameter (the work unit: one multiply-add forward, two backward).
func BenchmarkMLPLoss(b *testing.B) {
	data := problems.Spirals(3, 400, 0.2, 1)
	for _, hidden := range [][]int{{16}, {64, 64}, {256, 256}} {
		for _, batch := range []int{1, 32, 256} {
			m := NewMLP(data, hidden, ReLU, 1e-4)
			x := make([]float64, m.Dim())
			m.Init(x, He, 1)
			g := make([]float64, m.Dim())
			idx := modelargs.NewRand(2).Perm(data.Len())[:batch]
			b.Run(fmt.Sprintf("hidden=%v/P=%d/batch=%d", hidden, m.Dim(), batch), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					m.Loss(g, x, idx)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(batch*m.Dim()), "ns/example-param")
			})
		}
	}
}
