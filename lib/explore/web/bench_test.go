package web_test

import (
	"math"
	"testing"

	"github.com/descentlab/descent/internal/explorecheck"
	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/compression"
	"github.com/descentlab/descent/lib/explore/web"
)

// BenchmarkMoves runs, per explorable, the moves explorecheck.Drive makes
// in a page (every control across explorecheck.Positions positions or
// through its choices, then back to its default), each a Run and its
// figure's JSON, and reports the time per move. compress takes the
// teacher at its initialization (compression.CompressStart), cost no data.
// The explorables' caches are warm after the first sweep, so this measures
// a move once what depends on a setting alone (a network's training, a
// constant-rate run) has been computed: the page's first visit to a
// setting costs more (cmd/sitecheck measures it in WebAssembly).
func BenchmarkMoves(b *testing.B) {
	for _, e := range web.Explorables() {
		var data explore.Data
		if e.Name == "compress" {
			data = explore.Data{"teacher": compression.CompressStart()}
		}
		var moves []explore.Values
		for _, c := range e.Controls {
			var pos []float64
			if c.Choices != nil {
				for i := range c.Choices {
					pos = append(pos, float64(i))
				}
			} else {
				lo, hi := c.Min, c.Max
				if c.Log {
					lo, hi = math.Log10(lo), math.Log10(hi)
				}
				for k := range explorecheck.Positions {
					x := lo + (hi-lo)*float64(k)/float64(explorecheck.Positions-1)
					if c.Log {
						x = math.Pow(10, x)
					}
					pos = append(pos, x)
				}
			}
			for _, x := range append(pos, c.Default) {
				moves = append(moves, explore.Values{c.Name: x})
			}
		}
		b.Run(e.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, v := range moves {
					fig, err := e.Run(v, data)
					explore.Response(fig, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(moves)), "ns/move")
		})
	}
}
