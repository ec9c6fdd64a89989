package explore

import (
	"errors"
	"fmt"
	"math"

	"github.com/descentlab/descent/lib/optim"
)

// failure is the message a panel shows for a run that ended in trouble
// ("diverged at step 12"), or "" for a run that did not.
func failure(r optim.Result) string {
	if !r.Status.Failed() {
		return ""
	}
	step := r.Stats.Iterations
	var ne *optim.NumericalError
	if errors.As(r.Err, &ne) {
		step = ne.Step
	}
	switch r.Status {
	case optim.Diverged:
		return fmt.Sprintf("diverged at step %d", step)
	case optim.NonFinite:
		return fmt.Sprintf("NaN or ∞ at step %d", step)
	}
	return fmt.Sprintf("%v at step %d", r.Status, step)
}

// finite keeps the leading points of a path whose coordinates are all
// finite and, on a log axis (logY), whose y is > 0: what a chart can draw.
func finite(xs, ys []float64, logY bool) ([]float64, []float64) {
	n := min(len(xs), len(ys))
	for i := 0; i < n; i++ {
		if bad(xs[i]) || bad(ys[i]) || (logY && !(ys[i] > 0)) {
			return xs[:i], ys[:i]
		}
	}
	return xs[:n], ys[:n]
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// column returns one number per record of r's trace.
func column(r optim.Result, get func(optim.Record) float64) []float64 {
	return r.Trace.Column(get)
}

// iters returns the iteration numbers of r's trace as float64.
func iters(r optim.Result) []float64 { return r.Trace.Iters() }

// gap returns f − fstar per full-data evaluation of a stochastic run (or per
// record of a full-objective run), and the matching epochs or iterations.
func gap(r optim.Result, fstar float64) (x, y []float64) {
	recs := r.Trace.Full()
	for _, rec := range recs {
		if len(r.Trace.Evals) > 0 {
			x = append(x, rec.Epoch)
		} else {
			x = append(x, float64(rec.Iter))
		}
		y = append(y, rec.F-fstar)
	}
	return x, y
}
