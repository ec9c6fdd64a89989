package viz

import (
	"github.com/descentlab/descent/lib/optim"
)

// XAxis chooses what loss curves are plotted against.
type XAxis int

const (
	// ByIter plots against the iteration number.
	ByIter XAxis = iota
	// ByEpoch plots against passes over the data.
	ByEpoch
	// ByEvals plots against cumulative gradient evaluations.
	ByEvals
	// ByTime plots against wall time in seconds.
	ByTime
)

// Label is the axis label of x, with its unit.
func (x XAxis) Label() string {
	switch x {
	case ByEpoch:
		return "epoch"
	case ByEvals:
		return "gradient evaluations"
	case ByTime:
		return "wall time (s)"
	}
	return "iteration"
}

// Column returns the x values of t for this axis. Cost O(t.Len()).
func (x XAxis) Column(t *optim.Trace) []float64 {
	switch x {
	case ByEpoch:
		return t.Column(func(r optim.Record) float64 { return r.Epoch })
	case ByEvals:
		return t.Column(func(r optim.Record) float64 { return float64(r.GradEvals) })
	case ByTime:
		return t.Seconds()
	}
	return t.Iters()
}

// LossCurves plots the objective value of each trace against x, on a log
// y axis, one colour per trace, labelled by Trace.Label. Pass LinearY()
// for losses that reach zero or go negative, or YLabel to name what f is.
// Against ByTime the chart differs from run to run (wall time), so its
// output is not byte-identical on re-run. Cost O(total records).
func LossCurves(title string, x XAxis, traces []*optim.Trace, opts ...Option) *Plot {
	p := NewPlot(title, XLabel(x.Label()), YLabel("f(x)"), LogY())
	for _, t := range traces {
		p.Line(t.Label, x.Column(t), t.Fs())
	}
	return p.With(opts...)
}

// GradNorms plots ‖∇f‖ of each trace against x on a log y axis.
// Cost O(total records).
func GradNorms(title string, x XAxis, traces []*optim.Trace, opts ...Option) *Plot {
	p := NewPlot(title, XLabel(x.Label()), YLabel("‖∇f(x)‖"), LogY())
	for _, t := range traces {
		p.Line(t.Label, x.Column(t), t.GradNorms())
	}
	return p.With(opts...)
}

// Curves plots several named y series against a shared x: the plain-data
// form of LossCurves. names, ys must have the same length.
// Cost O(total points).
func Curves(title string, x []float64, names []string, ys [][]float64, opts ...Option) *Plot {
	p := NewPlot(title)
	for i, y := range ys {
		name := ""
		if i < len(names) {
			name = names[i]
		}
		p.Line(name, x, y)
	}
	return p.With(opts...)
}
