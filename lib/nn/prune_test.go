package nn

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMagnitudePruneTies checks MagnitudePrune against its definition — a
// stable sort by |w| of the positions in increasing order, the first
// round(sparsity·N) removed — on weights with many ties (±0 among them).
func TestMagnitudePruneTies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ws := []WeightMatrix{{Layer: 1, Off: 3, Rows: 4, Cols: 5}, {Layer: 2, Off: 25, Rows: 3, Cols: 4}}
	values := []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1, -1, 2}
	for trial := range 50 {
		params := make([]float64, 40)
		for i := range params {
			params[i] = values[rng.IntN(len(values))]
		}
		sparsity := rng.Float64() * 0.99
		for _, scope := range []PruneScope{Global, PerLayer} {
			want, wantKeep := slices.Clone(params), make([]bool, len(params))
			for i := range wantKeep {
				wantKeep[i] = true
			}
			remove := func(pos []int) {
				slices.SortStableFunc(pos, func(a, b int) int { return cmp.Compare(math.Abs(params[a]), math.Abs(params[b])) })
				for _, j := range pos[:int(math.Round(sparsity*float64(len(pos))))] {
					want[j], wantKeep[j] = 0, false
				}
			}
			var all []int
			for _, w := range ws {
				var pos []int
				for j := w.Off; j < w.Off+w.Len(); j++ {
					pos = append(pos, j)
				}
				all = append(all, pos...)
				if scope == PerLayer {
					remove(pos)
				}
			}
			if scope == Global {
				remove(all)
			}
			got := slices.Clone(params)
			keep := MagnitudePrune(got, ws, sparsity, scope)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) || keep[i] != wantKeep[i] {
					t.Fatalf("trial %d, scope %d, sparsity %v: weight %d is %v (kept %v), want %v", trial, scope, sparsity, i, got[i], keep[i], want[i])
				}
			}
		}
	}
}
