package viz

import "github.com/descentlab/descent/lib/optim"

// Schedule adds the learning-rate schedule s as a line through
// (t, s.Rate(base, t)) for t = 0 … steps: a schedule is a pure function of
// the step, so it can be drawn before anything is trained (notebook 07).
// Axis labels that are still empty become "step t" and "learning rate α_t".
// It panics, with a message starting "viz:", when steps < 0.
// Cost steps + 1 calls of Rate.
func (p *Plot) Schedule(name string, s optim.Schedule, base float64, steps int, opts ...SeriesOption) *Plot {
	if steps < 0 {
		panic("viz: Schedule: negative number of steps")
	}
	t, rate := make([]float64, steps+1), make([]float64, steps+1)
	for i := range t {
		t[i], rate[i] = float64(i), s.Rate(base, i)
	}
	if p.X.Label == "" {
		p.X.Label = "step t"
	}
	if p.Y.Label == "" {
		p.Y.Label = "learning rate α_t"
	}
	return p.Line(name, t, rate, opts...)
}
