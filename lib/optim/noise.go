package optim

import (
	"fmt"
	"math"
	"math/rand/v2"

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
// of each size drawn with replacement from rng. The lecture notes' law
// (seed 002) is that the standard error falls like σ/√b; slope is the
// least-squares slope of log Std against log b, close to −1/2 when the law
// holds (doubling the accuracy costs four times the examples).
//
// Cost: n per-example gradients for the full gradient, then Σ draws·b.
// It panics if a batch size is < 1, draws < 2, fewer than two batch sizes
// are given, rng is nil or len(x) != p.Dim().
func GradientNoise(p problems.Stochastic, x []float64, batches []int, draws int, rng *rand.Rand) (pts []NoisePoint, slope float64) {
	n, dim := p.Len(), p.Dim()
	if len(x) != dim || draws < 2 || len(batches) < 2 || rng == nil {
		panic(fmt.Sprintf("optim: GradientNoise: len(x) = %d (Dim %d), draws = %d, %d batch sizes, rng nil: %v", len(x), dim, draws, len(batches), rng == nil))
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	full := make([]float64, dim)
	p.Loss(full, x, all)
	g := make([]float64, dim)
	var lx, ly []float64
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
		lx = append(lx, math.Log(float64(b)))
		ly = append(ly, math.Log(std))
	}
	return pts, fitSlope(lx, ly)
}

// fitSlope is the least-squares slope of y against x.
func fitSlope(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	return sxy / sxx
}
