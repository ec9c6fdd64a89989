package compression

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// compress (notebook 10): notebook 10's teacher — the 2-64-64-5 ReLU
// network on five spiral arms (problems.SpiralArms(5, 300, 0.25, 1), half
// held out), with the parameters the notebook trained handed over as Data
// ("teacher") — pruned by magnitude to a chosen sparsity (optim.Prune, one
// shot, no fine-tuning) and then quantized to a chosen number of bits per
// weight (nn.Quantizer.FakeQuantize, symmetric, per channel or per
// tensor). Panels: the held-out points coloured by the compressed network's
// prediction, and how many weights fall in each of 81 bins, before and
// after (bins that hold none are left out: the axis is logarithmic). Cost:
// one pruning (a sort of 4.5k magnitudes), one quantization and 750 forward
// passes over the weights kept that meet a nonzero input (nn.MLP.Predictor;
// the held-out accuracy is counted from the same predictions; a few
// milliseconds natively); what depends on the teacher alone (its accuracy,
// its histogram) is computed once per teacher (teacherOf).
func init() {
	bits := []string{"none (float64)"}
	for _, b := range compressBits[1:] {
		bits = append(bits, strconv.Itoa(b)+" bits")
	}
	register(&explore.Explorable{
		Name:   "compress",
		Module: Module,
		Title:  "Pruning and quantizing the trained teacher, without fine-tuning",
		Controls: []explore.Control{
			{Name: "sparsity", Label: "weights removed", Unit: "", Min: 0, Max: 0.97, Step: 0.01, Default: 0.5},
			{Name: "bits", Label: "quantization", Choices: bits, Default: 3},
			{Name: "grid", Label: "grid", Choices: []string{"per channel (one scale per row)", "per tensor (one scale per matrix)"}, Default: 0},
		},
		Func: runCompress,
	})
}

var compressBits = []int{0, 8, 6, 4, 3, 2}

var (
	spiralOnce             sync.Once
	spiralTrain, spiralVal problems.Dataset
)

// spiralArms is notebook 10's data: five arms of 300 points, half held out.
func spiralArms() (problems.Dataset, problems.Dataset) {
	spiralOnce.Do(func() { spiralTrain, spiralVal = problems.SpiralArms(5, 300, 0.25, 1).Split(0.5, 2) })
	return spiralTrain, spiralVal
}

// CompressStart returns parameters for the "compress" explorable that need
// no training: the teacher's network at its He initialization (seed 1),
// for tests and demonstrations (notebook 10 hands over the trained teacher).
func CompressStart() []float64 {
	train, _ := spiralArms()
	net := nn.NewMLP(train, []int{64, 64}, nn.ReLU, 0)
	x := make([]float64, net.Dim())
	net.Init(x, nn.He, 1)
	return x
}

// teacherFacts is what the explorable shows of the teacher itself.
type teacherFacts struct {
	params   []float64      // a copy of the teacher's parameters
	lim      float64        // the largest weight magnitude: the histograms' range
	hist     explore.Series // its weights' histogram, Fixed
	accuracy float64        // its held-out accuracy, in %
}

var (
	teacherMu   sync.Mutex
	lastTeacher *teacherFacts
)

// teacherOf returns the facts of the teacher's parameters p, computed on
// the first call for these parameters and kept for the next (a reader's
// moves all hand over the same teacher). Cost: comparing p with the kept
// copy (4.5k numbers); for a new teacher, 750 forward passes.
func teacherOf(p []float64, held *nn.MLP, ws []nn.WeightMatrix, hist func(p []float64, lim float64) (xs, ys []float64)) *teacherFacts {
	teacherMu.Lock()
	defer teacherMu.Unlock()
	if t := lastTeacher; t != nil && slices.Equal(t.params, p) {
		return t
	}
	t := &teacherFacts{params: slices.Clone(p)}
	for _, w := range ws {
		for _, x := range p[w.Off : w.Off+w.Len()] {
			t.lim = math.Max(t.lim, math.Abs(x))
		}
	}
	hx, hy := hist(p, t.lim)
	t.hist = explore.Fixed(explore.Series{Name: "teacher", Kind: explore.Line, X: hx, Y: hy, Color: fig.Gray})
	t.accuracy = 100 * held.Accuracy(p, nil)
	lastTeacher = t
	return t
}

func runCompress(v explore.Values, d explore.Data) *explore.Figure {
	train, val := spiralArms()
	net := nn.NewMLP(train, []int{64, 64}, nn.ReLU, 0)
	held := net.OnData(val)
	teacher := d["teacher"]
	if len(teacher) != net.Dim() {
		panic(fmt.Sprintf("explore: compress needs the teacher's %d trained parameters (Data \"teacher\"), got %d", net.Dim(), len(teacher)))
	}
	ws := net.WeightMatrices()
	const bins = 81
	hist := func(p []float64, lim float64) (xs, ys []float64) { // the bins that hold a weight
		var counts [bins]float64
		for _, w := range ws {
			for _, x := range p[w.Off : w.Off+w.Len()] {
				counts[min(bins-1, max(0, int((x+lim)/(2*lim)*bins)))]++
			}
		}
		for i, n := range counts {
			if n > 0 {
				xs, ys = append(xs, -lim+2*lim*(float64(i)+0.5)/bins), append(ys, n)
			}
		}
		return xs, ys
	}
	facts := teacherOf(teacher, held, ws, hist)
	y := append([]float64(nil), teacher...)
	if s := v["sparsity"]; s > 0 {
		if _, err := optim.Prune(y, ws, optim.PruneSettings{Sparsity: s, Rounds: 1}); err != nil {
			panic(err) // without fine-tuning Prune returns no error
		}
	}
	b := compressBits[int(v["bits"])]
	if b > 0 {
		nn.Quantizer{Bits: b, PerChannel: v["grid"] == 0}.FakeQuantize(y, y, ws)
	}
	// The held-out points by predicted class, and the accuracy counted
	// from the same predictions (as Dataset.Accuracy counts it).
	var series []explore.Series
	byClass := make([][2][]float64, val.Classes)
	right := 0
	predict := held.Predictor(y) // Predict's answers, skipping the pruned weights
	for i, x := range val.X {
		c := predict(x)
		byClass[c][0], byClass[c][1] = append(byClass[c][0], x[0]), append(byClass[c][1], x[1])
		if c == val.Label[i] {
			right++
		}
	}
	for c := range byClass {
		series = append(series, explore.Series{Name: fmt.Sprintf("class %d", c), Kind: explore.Points,
			X: byClass[c][0], Y: byClass[c][1], Symbol: "circle", Size: 4})
	}
	// The weights' distribution, before and after, over the teacher's range.
	cx, cy := hist(y, facts.lim)
	kept := 0
	total := 0
	for _, w := range ws {
		for _, x := range y[w.Off : w.Off+w.Len()] {
			total++
			if x != 0 {
				kept++
			}
		}
	}
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "Held-out predictions", Note: "each point coloured by the class predicted", XLabel: "x₁", YLabel: "x₂",
			XMin: -1.5, XMax: 1.5, YMin: -1.5, YMax: 1.5, Series: series,
		}, {
			Title: "Weights, all layers", XLabel: "weight", YLabel: "count (log scale)", LogY: true,
			YMin: 1, YMax: 1e4,
			Series: []explore.Series{
				facts.hist,
				{Name: "compressed", Kind: explore.Points, X: cx, Y: cy, Symbol: "circle", Size: 5},
			},
		}},
		Readout: []explore.Reading{
			{Label: "held-out accuracy", Value: 100 * (float64(right) / float64(len(val.X))), Unit: "%"},
			{Label: "teacher's", Value: facts.accuracy, Unit: "%"},
			{Label: "weights kept", Value: float64(kept)},
			{Label: "of", Value: float64(total)},
		},
	}
}
