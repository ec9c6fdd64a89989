package problems

// Measurer is a Stochastic model whose Loss with a gradient is a training
// step that changes the model: an MLP in training mode with batch norm
// (each step moves the running statistics) or dropout (each step moves on to
// the next masks). Measure returns what Loss would return, the same loss and
// gradient at x over idx in the same mode, and changes nothing, so that
// measuring the objective does not disturb training. lib/optim's stochastic
// runs call it for their full-data evaluations (Trace.Evals) when the data
// implement it; their steps call Loss.
//
// For a model without such state Measure and Loss are the same function.
type Measurer interface {
	Stochastic
	// Measure is Loss without side effects: see Measurer.
	Measure(grad, x []float64, idx []int) float64
}

// Measure implements Measurer: Loss without its side effects. In training
// mode with batch norm it normalizes idx as one batch and leaves the running
// statistics alone; with dropout it uses the masks the next Loss call with
// a gradient will draw and does not advance the round. It panics as Loss
// does (batch norm in training mode needs at least 2 examples).
func (m *MLP) Measure(grad, x []float64, idx []int) float64 {
	return m.lossMode("MLP", grad, x, idx, m.ce, false)
}

// Measure implements Measurer: the student's Measure with the distillation
// loss.
func (d *Distillation) Measure(grad, x []float64, idx []int) float64 {
	checkDistill("Distillation.Measure", d.T, d.Alpha)
	return d.Student.lossMode("Distillation", grad, x, idx, d, false)
}

// Measure implements Measurer: the network's loss and gradient at Q(x)
// without side effects (the network's Measure when it has one, else its
// Loss).
func (m *QuantAware) Measure(grad, x []float64, idx []int) float64 {
	m.quantizeInto(x)
	if me, ok := m.net.(Measurer); ok {
		return me.Measure(grad, m.xq, idx)
	}
	return m.net.Loss(grad, m.xq, idx)
}
