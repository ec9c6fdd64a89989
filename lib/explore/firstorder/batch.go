package firstorder

import (
	"math"
	"strconv"
	"sync"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// batch-order (notebook 02): mini-batch SGD on the class-sorted data of the
// shuffling section (problems.SortedClasses(5, 100, 7), a network of 8 tanh
// units from Xavier seed 1) for 5 epochs, with the batch size, the learning
// rate and the order of the examples as controls. Panels: the full-data
// loss, measured twice per epoch; and the gradient noise at the
// start, RMS ‖g_B − ∇J‖, against the batch size, for random batches
// (optim.GradientNoise, with replacement) and for the consecutive batches
// of the sorted data that InOrder takes, with the chosen batch size marked.
// Cost: 2500 per-example gradients and 11 full-data losses, without their
// gradient (optim.Settings.EvalLossOnly), per run (8000 examples' forward
// passes, 2500 backward; ~3 ms natively, ~10 ms in WebAssembly); the noise
// curves are computed once.
func init() {
	var sizes []string
	for _, b := range batchSizes {
		sizes = append(sizes, strconv.Itoa(b))
	}
	register(&explore.Explorable{
		Name:   "batch-order",
		Module: Module,
		Title:  "Batch size, learning rate and the order of the examples, on class-sorted data",
		Controls: []explore.Control{
			{Name: "batch", Label: "batch size b", Choices: sizes, Default: 3},
			{Name: "alpha", Label: "learning rate α", Min: 0.01, Max: 5, Step: 0.02, Log: true, Default: 0.5},
			{Name: "order", Label: "order", Choices: []string{"reshuffled every epoch", "shuffled once", "in order (sorted by class)"}, Default: 2},
		},
		Func: runBatch,
	})
}

var batchSizes = []int{1, 2, 5, 10, 20, 50, 100, 250}

var batchOrders = []optim.Order{optim.Reshuffle, optim.ShuffleOnce, optim.InOrder}

// sortedNet is the network and start of notebook 02's shuffling section.
// sortedClasses is the data, built once (a Dataset is only read).
var sortedClasses = sync.OnceValue(func() problems.Dataset { return problems.SortedClasses(5, 100, 7) })

// sortedNet returns a new network on the data (an MLP keeps scratch space,
// so each run has its own) and its start, a fresh copy.
func sortedNet() (*nn.MLP, []float64) {
	net := nn.NewMLP(sortedClasses(), []int{8}, nn.Tanh, 0)
	w0 := make([]float64, net.Dim())
	net.Init(w0, nn.Xavier, 1)
	return net, w0
}

var (
	noiseOnce            sync.Once
	noiseRandom, noiseIn []float64 // RMS ‖g_B − ∇J‖ at the start, per batch size
)

// batchNoise measures both noise curves once.
func batchNoise() ([]float64, []float64) {
	noiseOnce.Do(func() {
		net, w0 := sortedNet()
		pts, _ := optim.GradientNoise(net, w0, batchSizes, 50, 1)
		for _, p := range pts {
			noiseRandom = append(noiseRandom, p.Std)
		}
		n := net.Len()
		full := make([]float64, len(w0))
		net.Loss(full, w0, problems.All(n))
		g := make([]float64, len(w0))
		for _, b := range batchSizes {
			sum, count := 0.0, 0
			for lo := 0; lo < n; lo += b {
				idx := make([]int, 0, b)
				for i := lo; i < min(lo+b, n); i++ {
					idx = append(idx, i)
				}
				net.Loss(g, w0, idx)
				for j := range g {
					sum += (g[j] - full[j]) * (g[j] - full[j])
				}
				count++
			}
			noiseIn = append(noiseIn, math.Sqrt(sum/float64(count)))
		}
	})
	return noiseRandom, noiseIn
}

func runBatch(v explore.Values, _ explore.Data) *explore.Figure {
	b := batchSizes[int(v["batch"])]
	order := batchOrders[int(v["order"])]
	net, w0 := sortedNet()
	steps := (net.Len() + b - 1) / b
	r := optim.Run(problems.Objective("sorted classes", net), w0, optim.NewSGD(v["alpha"]),
		optim.Settings{Batch: b, Order: order, Epochs: 5, EvalEvery: max(1, steps/2), Seed: 3, Label: "SGD",
			TraceXDim: -1, EvalLossOnly: true}) // the figure draws no x, no full gradient
	ex, ey := fig.Finite(r.Trace.EvalEpochs(), r.Trace.EvalFs(), true)
	random, sorted := batchNoise()
	bs := make([]float64, len(batchSizes))
	for i, s := range batchSizes {
		bs[i] = float64(s)
	}
	mark := random
	if order == optim.InOrder {
		mark = sorted
	}
	k := int(v["batch"])
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "Full-data loss, 5 epochs", XLabel: "epoch", YLabel: "cross-entropy (log scale)", LogY: true,
			XMin: 0, XMax: 5, YMin: 0.01, YMax: 10, Message: fig.Failure(r),
			Series: []explore.Series{{Name: "SGD", Kind: explore.Line, X: ex, Y: ey}},
		}, {
			Title: "Gradient noise at θ₀", XLabel: "batch size b", YLabel: "RMS ‖g_B − ∇J‖",
			LogX: true, LogY: true,
			Series: []explore.Series{
				{Name: "random batches", Kind: explore.Line, X: bs, Y: random, Symbol: "circle", Size: 5},
				{Name: "sorted, in order", Kind: explore.Line, X: bs, Y: sorted, Symbol: "triangle", Size: 6},
				{Name: "your batches", Kind: explore.Points, X: []float64{bs[k]}, Y: []float64{mark[k]}, Symbol: "ring", Size: 14, Color: "#000000"},
			},
		}},
		Readout: []explore.Reading{
			{Label: "final loss", Value: r.F},
			{Label: "accuracy", Value: 100 * net.Accuracy(r.X, nil), Unit: "%"},
			{Label: "updates", Value: float64(r.Stats.Iterations)},
		},
	}
}
