package nn

import "github.com/descentlab/descent/lib/problems"

// Measure implements problems.Measurer: Loss without its side effects. In
// training mode with batch norm it normalizes idx as one batch and leaves the running
// statistics alone; with dropout it uses the masks the next Loss call with
// a gradient will draw and does not advance the round. It panics as Loss
// does (batch norm in training mode needs at least 2 examples).
func (m *MLP) Measure(grad, x []float64, idx []int) float64 {
	return m.lossMode("MLP", grad, x, idx, m.ce, false)
}

// Measure implements problems.Measurer: the student's Measure with the
// distillation loss.
func (d *Distillation) Measure(grad, x []float64, idx []int) float64 {
	checkDistill("Distillation.Measure", d.T, d.Alpha)
	return d.Student.lossMode("Distillation", grad, x, idx, d, false)
}

// Measure implements problems.Measurer: the network's loss and gradient at
// Q(x) without side effects (the network's Measure when it has one, else its
// Loss).
func (m *QuantAware) Measure(grad, x []float64, idx []int) float64 {
	m.quantizeInto(x)
	if me, ok := m.net.(problems.Measurer); ok {
		return me.Measure(grad, m.xq, idx)
	}
	return m.net.Loss(grad, m.xq, idx)
}
