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
	// ByEvals plots against cumulative gradient evaluations (per-example
	// gradients in a stochastic run, so batch sizes compare at equal cost).
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

// Values returns the x values of recs for this axis. Cost O(len(recs)).
func (x XAxis) Values(recs []optim.Record) []float64 {
	out := make([]float64, len(recs))
	for i, r := range recs {
		switch x {
		case ByEpoch:
			out[i] = r.Epoch
		case ByEvals:
			out[i] = float64(r.GradEvals)
		case ByTime:
			out[i] = r.Elapsed.Seconds()
		default:
			out[i] = float64(r.Iter)
		}
	}
	return out
}

// column returns one field of every record.
func column(recs []optim.Record, get func(optim.Record) float64) []float64 {
	out := make([]float64, len(recs))
	for i, r := range recs {
		out[i] = get(r)
	}
	return out
}

func fOf(r optim.Record) float64    { return r.F }
func gradOf(r optim.Record) float64 { return r.GradNorm }

// LossCurves plots the objective value of each run against x, on a log y
// axis, one line per run named by its Trace.Label. It draws the full
// objective: every recorded iterate of a full-objective run, the full-data
// evaluations (Trace.Evals) of a stochastic one; BatchLosses draws the
// batch losses. Pass LinearY() with With for losses that reach zero or go
// negative, or YLabel to name what f is. Against ByTime the chart differs
// from run to run (wall time), so its output is not byte-identical on
// re-run. Cost O(total records).
func LossCurves(title string, x XAxis, runs ...optim.Result) *Plot {
	p := NewPlot(title, XLabel(x.Label()), YLabel("f(x)"), LogY())
	for _, r := range runs {
		recs := r.Trace.Full()
		p.Line(r.Trace.Label, x.Values(recs), column(recs, fOf))
	}
	return p
}

// BatchLosses plots the loss of the batch each step of a stochastic run
// used, against x, on a log y axis: the noisy signal mini-batch SGD
// follows. For a full-objective run it is the same as LossCurves.
// Cost O(total records).
func BatchLosses(title string, x XAxis, runs ...optim.Result) *Plot {
	p := NewPlot(title, XLabel(x.Label()), YLabel("batch loss"), LogY())
	for _, r := range runs {
		recs := r.Trace.Records
		p.Line(r.Trace.Label, x.Values(recs), column(recs, fOf))
	}
	return p
}

// GradNorms plots ‖∇f‖ of the full objective of each run against x on a
// log y axis (the records LossCurves draws). Cost O(total records).
func GradNorms(title string, x XAxis, runs ...optim.Result) *Plot {
	p := NewPlot(title, XLabel(x.Label()), YLabel("‖∇f(x)‖"), LogY())
	for _, r := range runs {
		recs := r.Trace.Full()
		p.Line(r.Trace.Label, x.Values(recs), column(recs, gradOf))
	}
	return p
}

// StepSizes plots the step size α of each recorded step of each run (the
// learning rate of a step rule, the line-search step of a search method)
// against the iteration, on a log y axis. The start, whose step size is 0,
// is left out. Cost O(total records).
func StepSizes(title string, runs ...optim.Result) *Plot {
	p := NewPlot(title, XLabel("iteration"), YLabel("step size α"), LogY())
	for _, r := range runs {
		recs := r.Trace.Records
		if len(recs) > 0 && recs[0].Iter == 0 {
			recs = recs[1:]
		}
		p.Line(r.Trace.Label, ByIter.Values(recs), column(recs, func(r optim.Record) float64 { return r.StepSize }))
	}
	return p
}
