package firstorder

import (
	"strconv"
	"sync"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// network (notebook 08): a smaller network than notebook 08's — two hidden
// layers of 8 tanh units instead of 16, so that it trains while the reader
// moves a slider — on the notebook's two moons (300 points, noise 0.2, seed
// 1; 210 for training, 90 for validation), trained by a chosen optimizer at
// a chosen rate from a chosen initialization (seed 1) for 40 epochs in
// batches of 16 (seed 1),
// shown at any epoch: the decision boundary over the training points, and
// the training and validation losses with the epoch marked. Play moves
// through the epochs: the training as it happened, from the parameters
// the run recorded at the end of each epoch. Cost: one training run (560
// steps of 16 examples and 41 full-data losses, without their gradient,
// ~12 ms natively, ~50 ms in WebAssembly) per
// setting of the first three controls, remembered; a boundary (a 41×41
// grid of forward passes) and the validation accuracy (90) per epoch shown.
func init() {
	register(&explore.Explorable{
		Name:   "network",
		Module: Module,
		Title:  "Training a small network on two moons: initialization, optimizer, learning rate",
		Controls: []explore.Control{
			{Name: "init", Label: "initialization", Choices: []string{"Xavier", "He", "naive N(0, 1)"}, Default: 0},
			{Name: "optimizer", Label: "optimizer", Choices: []string{"SGD", "momentum ρ = 0.9", "Adam", "AdamW"}, Default: 2},
			{Name: "alpha", Label: "learning rate α", Min: 1e-3, Max: 1, Step: 0.02, Log: true, Default: 0.01},
			{Name: "epoch", Label: "shown after epoch", Unit: "", Min: 0, Max: networkEpochs, Step: 1, Int: true, Default: networkEpochs, Play: true},
		},
		Width: 416, Height: 360,
		Func: runNetwork,
	})
}

const networkEpochs = 40

// networkHidden are the hidden layers.
var networkHidden = []int{8, 8}

var networkInits = []nn.Init{nn.Xavier, nn.He, nn.Naive}

// networkBox is notebook 08's window [x₁ from, x₁ to, x₂ from, x₂ to].
var networkBox = [4]float64{-1.6, 2.6, -1.2, 1.7}

type training struct {
	snapshots   [][]float64 // parameters after each epoch (0: the start)
	train, held []float64   // losses after each epoch
	status      string      // failure message, if any
}

var (
	networkMu   sync.Mutex
	trainings   = map[[3]float64]*training{}
	networkData sync.Once
	moonsTrain  problems.Dataset
	moonsHeld   problems.Dataset
)

func moons() (problems.Dataset, problems.Dataset) {
	networkData.Do(func() { moonsTrain, moonsHeld = problems.Moons(300, 0.2, 1).Split(0.7, 2) })
	return moonsTrain, moonsHeld
}

// moonClasses returns the training points by class, as two series made
// once (explore.Fixed: their JSON is written once too).
var moonClasses = sync.OnceValue(func() [2]explore.Series {
	tr, _ := moons()
	var cls [2][2][]float64
	for i, x := range tr.X {
		l := tr.Label[i]
		cls[l][0], cls[l][1] = append(cls[l][0], x[0]), append(cls[l][1], x[1])
	}
	var out [2]explore.Series
	for l := range out {
		out[l] = explore.Fixed(explore.Series{Name: "class " + strconv.Itoa(l), Kind: explore.Points,
			X: cls[l][0], Y: cls[l][1], Symbol: "circle", Size: 6})
	}
	return out
})

func networkMethod(k int, lr float64) optim.Method {
	switch k {
	case 0:
		return optim.NewSGD(lr)
	case 1:
		return optim.NewMomentum(lr, 0.9)
	case 2:
		return optim.NewAdam(lr)
	}
	return optim.NewAdamW(lr)
}

// train runs (or recalls) the training of one setting.
func train(init, method int, lr float64) *training {
	key := [3]float64{float64(init), float64(method), lr}
	networkMu.Lock()
	defer networkMu.Unlock()
	if t := trainings[key]; t != nil {
		return t
	}
	tr, val := moons()
	net := nn.NewMLP(tr, networkHidden, nn.Tanh, 0)
	held := nn.NewMLP(val, networkHidden, nn.Tanh, 0)
	w0 := make([]float64, net.Dim())
	net.Init(w0, networkInits[init], 1)
	t := &training{}
	keep := func(rec optim.Record) bool {
		if rec.Full && len(t.snapshots) <= networkEpochs && rec.Epoch >= float64(len(t.snapshots)) {
			x := append([]float64(nil), rec.X...)
			t.snapshots = append(t.snapshots, x)
			t.train = append(t.train, rec.F)
			t.held = append(t.held, held.Loss(nil, x, nil))
		}
		return false
	}
	r := optim.Run(problems.Objective("two moons", net), w0, networkMethod(method, lr),
		optim.Settings{Batch: 16, Epochs: networkEpochs, Seed: 1, Observe: keep,
			TraceXDim:    -1,    // keep copies the x it shows
			EvalLossOnly: true}) // and shows no full gradient
	t.status = fig.Failure(r)
	if len(trainings) > 64 { // a reader's session stays small
		clear(trainings)
	}
	trainings[key] = t
	return t
}

func runNetwork(v explore.Values, _ explore.Data) *explore.Figure {
	t := train(int(v["init"]), int(v["optimizer"]), v["alpha"])
	tr, val := moons()
	e := min(int(v["epoch"]), len(t.snapshots)-1)
	net := nn.NewMLP(tr, networkHidden, nn.Tanh, 0)
	accuracy := 100 * net.OnData(val).Accuracy(t.snapshots[e], nil) // of the epoch shown only
	boundary := net.Boundary(t.snapshots[e])
	bx, by := fig.Sample(boundary, networkBox, 40).Contour(0)
	classes := moonClasses()
	epochs := make([]float64, len(t.train))
	for i := range epochs {
		epochs[i] = float64(i)
	}
	ex, etr := fig.Finite(epochs, t.train, true)
	hx, hl := fig.Finite(epochs, t.held, true)
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "Decision boundary", Note: "black line: decision boundary", XLabel: "x₁", YLabel: "x₂",
			XMin: networkBox[0], XMax: networkBox[1], YMin: networkBox[2], YMax: networkBox[3], Message: t.status,
			Series: []explore.Series{
				classes[0],
				classes[1],
				{Name: "boundary", Kind: explore.Contour, X: bx, Y: by, Color: "#000000"},
			},
		}, {
			Title: "Loss by epoch", XLabel: "epoch", YLabel: "cross-entropy (log scale)", LogY: true,
			XMin: 0, XMax: networkEpochs, YMin: 1e-3, YMax: 10, Message: t.status,
			Series: []explore.Series{
				{Name: "training", Kind: explore.Line, X: ex, Y: etr},
				{Name: "validation", Kind: explore.Line, X: hx, Y: hl, Dashed: true},
				{Name: "shown epoch", Kind: explore.Line, X: []float64{float64(e), float64(e)}, Y: []float64{1e-3, 10}, Color: fig.Gray},
			},
		}},
		Readout: []explore.Reading{
			{Label: "epoch", Value: float64(e)},
			{Label: "training loss", Value: t.train[e]},
			{Label: "validation accuracy", Value: accuracy, Unit: "%"},
		},
	}
}
