package nn

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// Measure returns exactly what the next Loss with a gradient returns, and
// changes nothing: running statistics and the dropout round stay.
func TestMeasureLeavesStateAlone(t *testing.T) {
	d := problems.Spirals(3, 20, 0.2, 1)
	bn := NewBatchNormMLP(d, []int{6, 5}, ReLU, 0.01)
	drop := NewMLP(d, []int{6, 5}, Tanh, 0)
	drop.Dropout, drop.DropoutSeed = 0.3, 4
	both := NewBatchNormMLP(d, []int{6}, Tanh, 0)
	both.Dropout, both.DropoutSeed = 0.2, 1
	plain := NewMLP(d, []int{6}, Tanh, 0)
	idx := []int{0, 3, 17, 29, 41, 59}
	for name, m := range map[string]*MLP{"batch norm": bn, "dropout": drop, "both": both, "plain": plain} {
		x := make([]float64, m.Dim())
		m.Init(x, He, 2)
		perturb(x, 0.2, rand.New(rand.NewPCG(3, 3)))
		m.Loss(make([]float64, m.Dim()), x, idx) // move the state away from its start
		var mean, vari [][]float64
		if m.BatchNorm() != nil {
			mean, vari = m.BatchNorm().RunningStats()
		}
		round := m.DropoutRound()
		gm, gl := make([]float64, m.Dim()), make([]float64, m.Dim())
		fm := m.Measure(gm, x, idx)
		fm2 := m.Measure(nil, x, idx)
		if m.DropoutRound() != round {
			t.Errorf("%s: Measure advanced the dropout round %d → %d", name, round, m.DropoutRound())
		}
		if m.BatchNorm() != nil {
			mean2, vari2 := m.BatchNorm().RunningStats()
			for l := range mean {
				if !slices.Equal(mean[l], mean2[l]) || !slices.Equal(vari[l], vari2[l]) {
					t.Errorf("%s: Measure moved the running statistics of layer %d", name, l+1)
				}
			}
		}
		fl := m.Loss(gl, x, idx)
		if fm != fl || fm2 != fl || !slices.Equal(gm, gl) {
			t.Errorf("%s: Measure %v (without gradient %v), Loss %v; gradients equal: %v", name, fm, fm2, fl, slices.Equal(gm, gl))
		}
	}
	g := make([]float64, bn.Dim())
	x := make([]float64, bn.Dim())
	bn.Init(x, He, 1)
	mustPanic(t, "MLP.Measure: batch norm in training mode needs a batch of at least 2", func() { bn.Measure(g, x, []int{3}) })
}

// Distillation and QuantAware measure through their network without side
// effects, and agree with their Loss.
func TestMeasureWrappers(t *testing.T) {
	d := problems.Spirals(3, 20, 0.2, 1)
	teacher := NewMLP(d, []int{8}, ReLU, 0)
	tx := make([]float64, teacher.Dim())
	teacher.Init(tx, He, 1)
	student := NewBatchNormMLP(d, []int{4}, ReLU, 0)
	dist := NewDistillation(student, teacher, tx, 2, 0.5)
	qa := NewQuantAware(student, Quantizer{Bits: 3, PerChannel: true})
	idx := problems.All(d.Len())
	for name, m := range map[string]problems.Measurer{"distillation": dist, "quant-aware": qa} {
		x := make([]float64, m.Dim())
		student.Init(x, He, 5)
		before, _ := student.BatchNorm().RunningStats()
		gm, gl := make([]float64, m.Dim()), make([]float64, m.Dim())
		fm := m.Measure(gm, x, idx)
		after, _ := student.BatchNorm().RunningStats()
		if !slices.Equal(before[0], after[0]) {
			t.Errorf("%s: Measure moved the student's running mean", name)
		}
		if fl := m.Loss(gl, x, idx); fm != fl || !slices.Equal(gm, gl) {
			t.Errorf("%s: Measure %v, Loss %v", name, fm, fl)
		}
		if moved, _ := student.BatchNorm().RunningStats(); slices.Equal(moved[0], after[0]) {
			t.Errorf("%s: Loss with a gradient did not move the running mean", name)
		}
	}
}
