package optim_test

import (
	"math"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

func TestMeanLoss(t *testing.T) {
	var tr optim.Trace
	tr.Evals = []optim.Record{
		{Epoch: 0, F: 100, Full: true}, {Epoch: 1, F: 4, Full: true},
		{Epoch: 2, F: 2, Full: true}, {Epoch: 3, F: 3, Full: true},
	}
	if m, n := tr.MeanLoss(1, 3); m != 2.5 || n != 2 {
		t.Errorf("MeanLoss(1, 3) = %v, %d; want 2.5 over epochs 2 and 3", m, n)
	}
	if m, n := tr.MeanLoss(0, 1); m != 4 || n != 1 {
		t.Errorf("MeanLoss(0, 1) = %v, %d; want 4 (the start at epoch 0 is outside (0, 1])", m, n)
	}
	if m, n := tr.MeanLoss(5, 9); !math.IsNaN(m) || n != 0 {
		t.Errorf("MeanLoss(5, 9) = %v, %d; want NaN, 0", m, n)
	}
}

// TestMeanLossOfARun reads the window from a real stochastic run: the
// mean of its full-data evaluations at the ends of epochs 3 to 5.
func TestMeanLossOfARun(t *testing.T) {
	p := problems.Objective("least squares",
		problems.NewLinearRegression(problems.LinearData(200, 3, 1, 1), 0))
	r := optim.Run(p, make([]float64, p.Dim), optim.NewSGD(0.05),
		optim.Settings{Batch: 10, Epochs: 5, Seed: 1})
	var want float64
	for _, e := range r.Trace.Evals[3:6] {
		want += e.F / 3
	}
	m, n := r.Trace.MeanLoss(2, 5)
	if n != 3 || math.Abs(m-want) > 1e-12*want {
		t.Errorf("MeanLoss(2, 5) = %v over %d; want %v over the evaluations at epochs 3, 4, 5", m, n, want)
	}
}
