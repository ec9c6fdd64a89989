package optim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/problems"
)

// A stochastic run of a network with batch norm and dropout moves its
// running statistics and masks at its steps only: the full-data
// evaluations (Trace.Evals) measure through problems.Measurer. The run is
// the same as a hand-written loop of Loss calls and steps, bit for bit.
func TestRunMeasuresWithoutSideEffects(t *testing.T) {
	d := problems.Spirals(3, 20, 0.2, 1)
	mk := func() *nn.MLP {
		m := nn.NewBatchNormMLP(d, []int{6, 5}, nn.ReLU, 0)
		m.Dropout, m.DropoutSeed = 0.2, 3
		return m
	}
	net, ref := mk(), mk()
	x0 := make([]float64, net.Dim())
	net.Init(x0, nn.He, 1)
	const batch, epochs = 20, 3
	r := Run(problems.Objective("spirals", net), x0, NewSGD(0.1),
		Settings{Batch: batch, Epochs: epochs, Order: InOrder})
	if r.Status != IterationLimit || len(r.Trace.Evals) != epochs+1 {
		t.Fatalf("run: %v, %d full-data evaluations", r.Status, len(r.Trace.Evals))
	}
	x := slices.Clone(x0)
	g := make([]float64, len(x))
	sgd := NewSGD(0.1)
	for k := 0; k < epochs*d.Len()/batch; k++ {
		lo := k * batch % d.Len()
		ref.Loss(g, x, problems.All(d.Len())[lo:lo+batch])
		sgd.Step(x, g)
	}
	if !slices.Equal(r.X, x) {
		t.Error("the run's parameters differ from the hand-written loop's")
	}
	if net.DropoutRound() != ref.DropoutRound() {
		t.Errorf("dropout round %d after the run, %d after the loop", net.DropoutRound(), ref.DropoutRound())
	}
	m1, v1 := net.BatchNorm().RunningStats()
	m2, v2 := ref.BatchNorm().RunningStats()
	for l := range m1 {
		if !slices.Equal(m1[l], m2[l]) || !slices.Equal(v1[l], v2[l]) {
			t.Errorf("layer %d: running statistics differ from the hand-written loop's", l+1)
		}
	}
}

// A stochastic run whose last batch would hold one example stops with the
// batch-norm panic, which says how to choose the batch size.
func TestRunBatchNormLastBatchOfOne(t *testing.T) {
	d := problems.Spirals(3, 7, 0.2, 1) // 21 examples: batches of 4 leave one
	net := nn.NewBatchNormMLP(d, []int{4}, nn.ReLU, 0)
	x0 := make([]float64, net.Dim())
	net.Init(x0, nn.He, 1)
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.HasPrefix(msg, "nn: ") || !strings.Contains(msg, "got 1") || !strings.Contains(msg, "n mod b ≠ 1") {
			t.Errorf("panic %q, want the batch-norm message naming the batch size rule", msg)
		}
	}()
	Run(problems.Objective("spirals", net), x0, NewSGD(0.1), Settings{Batch: 4, Epochs: 1, Seed: 1})
}
