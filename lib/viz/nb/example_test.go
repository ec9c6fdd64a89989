package nb_test

import (
	"math"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/nb"
)

// In a GoNB cell, a chart is one line. Outside a notebook nothing is shown
// (so this example prints nothing), but bad data still fails.
func Example() {
	run := &optim.Trace{Label: "gradient descent"}
	p := nb.NewProgress("training", 100)
	for i := 0; i <= 100; i++ {
		run.Add(optim.Record{Iter: i, F: math.Exp(-0.05 * float64(i))})
		p.Set(i, "")
	}
	p.Done("done")
	nb.Show(viz.LossCurves("Loss", viz.ByIter, []*optim.Trace{run}))
	// Output:
}
