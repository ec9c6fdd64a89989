package draw

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/viz"
)

// benchTraces is four runs of n records, the size of a typical loss chart.
func benchTraces(n int) []*optim.Trace {
	ts := make([]*optim.Trace, 4)
	for k := range ts {
		ts[k] = &optim.Trace{Label: string(rune('A' + k))}
		for i := 0; i < n; i++ {
			ts[k].Add(optim.Record{Iter: i, F: math.Exp(-float64(i*(k+1))/float64(n)) * (1 + 0.1*math.Sin(float64(i)))})
		}
	}
	return ts
}

// BenchmarkHTMLLossCurves measures what a notebook cell pays to show four
// 1000-record loss curves (static SVG + echarts options + HTML).
func BenchmarkHTMLLossCurves(b *testing.B) {
	c := viz.LossCurves("bench", viz.ByIter, results(benchTraces(1000)...)...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTMLTrajectories measures a trajectory chart: contours on a
// 60×60 grid plus two paths.
func BenchmarkHTMLTrajectories(b *testing.B) {
	ts := results(path("a", 1e-3, 1000, 0), path("b", 1e-4, 1000, 0.9))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(viz.Trajectories("bench", rosen, ts...)); err != nil {
			b.Fatal(err)
		}
	}
}
