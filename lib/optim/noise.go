package optim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/problems"
)

// NoisePoint is the spread of the mini-batch gradient for one batch size.
type NoisePoint struct {
	Batch int
	// Std is the root mean square distance between the batch gradient and
	// the full-data gradient, √(E‖g_B − ∇f‖²), over the draws.
	Std float64
}

// GradientNoise measures how the mini-batch gradient at x scatters around
// the full-data gradient for each batch size in batches, from draws batches
// of each size drawn with replacement (seeded by seed). For batches drawn
// independently the standard error falls like σ/√b; slope is the
// least-squares slope of log Std against log b, close to −1/2 when the law
// holds (halving the error costs four times the examples). It is NaN when
// no fit is possible (a gradient without noise).
//
// Cost: n per-example gradients for the full gradient, then Σ draws·b.
// It panics if a batch size is < 1, draws < 2, fewer than two batch sizes
// are given or len(x) != p.Dim().
func GradientNoise(p problems.Stochastic, x []float64, batches []int, draws int, seed uint64) (pts []NoisePoint, slope float64) {
	n, dim := p.Len(), p.Dim()
	if len(x) != dim || draws < 2 || len(batches) < 2 {
		panic(fmt.Sprintf("optim: GradientNoise: len(x) = %d (Dim %d), draws = %d, %d batch sizes: want len(x) = Dim, draws ≥ 2, ≥ 2 sizes", len(x), dim, draws, len(batches)))
	}
	rng := rand.New(rand.NewPCG(seed, 0x4015e))
	all := problems.All(n)
	full := make([]float64, dim)
	p.Loss(full, x, all)
	g := make([]float64, dim)
	var bs, stds []float64
	for _, b := range batches {
		if b < 1 {
			panic(fmt.Sprintf("optim: GradientNoise: batch size %d < 1", b))
		}
		idx := make([]int, b)
		var ss float64
		for range draws {
			for j := range idx {
				idx[j] = rng.IntN(n)
			}
			p.Loss(g, x, idx)
			for i := range g {
				d := g[i] - full[i]
				ss += d * d
			}
		}
		std := math.Sqrt(ss / float64(draws))
		pts = append(pts, NoisePoint{Batch: b, Std: std})
		bs = append(bs, float64(b))
		stds = append(stds, std)
	}
	slope, _, err := num.FitLogLog(bs, stds)
	if err != nil {
		slope = math.NaN()
	}
	return pts, slope
}
