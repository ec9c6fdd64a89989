package nb_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/nb"
)

// In a GoNB cell, a chart is one line. Outside a notebook nothing is shown
// (so this example prints nothing), but bad data still fails.
func Example() {
	p := problems.Rosenbrock()
	bar := nb.NewProgress("Adam on Rosenbrock", 2000)
	r := optim.Run(p, p.Start, optim.NewAdam(0.02), optim.Settings{MaxIter: 2000, Observe: bar.Observe})
	bar.Done(fmt.Sprintf("f = %.2g", r.F))
	nb.Show(viz.LossCurves("Adam on Rosenbrock", viz.ByIter, r))
	// Output:
}

// The package's one line: the loss curves of two runs in one chart. In a
// notebook cell the chart is shown below the cell.
func ExampleShow() {
	p := problems.Rosenbrock()
	sgd := optim.Run(p, p.Start, optim.NewSGD(1e-3), optim.Settings{MaxIter: 500, Label: "SGD"})
	adam := optim.Run(p, p.Start, optim.NewAdam(0.02), optim.Settings{MaxIter: 500, Label: "Adam"})
	nb.Show(viz.LossCurves("Rosenbrock", viz.ByIter, sgd, adam))
	// Output:
}
