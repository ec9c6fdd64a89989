package viz

import (
	"strconv"

	"github.com/descentlab/descent/lib/optim"
)

// Suboptimality plots f − f* of the full objective of each run against x,
// on a log y axis, one line per run named by its Trace.Label: the records
// LossCurves draws (every iterate of a full-objective run, the full-data
// evaluations of a stochastic one) minus the minimum value fstar. On a log
// axis it shows how many digits of the optimum a run has, where a loss
// curve flattens at f* and hides them (notebook 07's noise floor). Points
// with f − f* ≤ 0, which rounding or an fstar that is not the minimum can
// give, are left out and the chart says how many. Cost O(total records).
func Suboptimality(title string, x XAxis, fstar float64, runs ...optim.Result) *Plot {
	p := NewPlot(title, XLabel(x.Label()), YLabel("f − f*"), LogY())
	dropped := 0
	for _, r := range runs {
		recs := r.Trace.Full()
		xs, gaps := make([]float64, 0, len(recs)), make([]float64, 0, len(recs))
		for i, v := range x.Values(recs) {
			if gap := recs[i].F - fstar; gap > 0 {
				xs, gaps = append(xs, v), append(gaps, gap)
			} else {
				dropped++
			}
		}
		p.Line(r.Trace.Label, xs, gaps)
	}
	if dropped > 0 {
		p.Notes = append(p.Notes, strconv.Itoa(dropped)+" points with f − f* ≤ 0 left out")
	}
	return p
}
