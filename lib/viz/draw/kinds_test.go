package draw

import (
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/viz"
)

// TestChartsFromRuns draws every chart that takes Results and Problems from
// real runs, and checks the bad inputs they must report.
func TestChartsFromRuns(t *testing.T) {
	p := problems.Rosenbrock()
	a := optim.Run(p, p.Start, optim.NewAdam(0.02), optim.Settings{MaxIter: 300})
	m := optim.Run(p, p.Start, optim.NewMomentum(1e-3, 0.9), optim.Settings{MaxIter: 300, Label: "momentum"})
	one := problems.NonConvex1D()
	g := optim.Run(one, []float64{2}, optim.NewSGD(0.01), optim.Settings{MaxIter: 50})
	lin := problems.Objective("linear regression", problems.NewLinearRegression(problems.LinearData(100, 2, 0.1, 1), 0))
	s := optim.Run(lin, make([]float64, lin.Dim), optim.NewSGD(0.05), optim.Settings{Batch: 10, Epochs: 5, Seed: 1})
	for _, c := range []viz.Chart{
		viz.LossCurves("loss", viz.ByIter, a, m),
		viz.GradNorms("gradient", viz.ByEvals, a, m),
		viz.StepSizes("steps", a, m),
		viz.Trajectories("paths", p, a, m),
		viz.Problem1D("1-D", one, g),
		viz.LossCurves("full-data loss", viz.ByEpoch, s),
		viz.BatchLosses("batch loss", viz.ByEpoch, s),
		viz.RunTable("table", a, m, g, s),
	} {
		if _, err := HTML(c); err != nil {
			t.Errorf("%T: %v", c, err)
		}
	}
	// A stochastic run's loss curve is its full-data evaluations.
	if lc := viz.LossCurves("x", viz.ByEpoch, s); len(lc.Series[0].X) != len(s.Trace.Evals) || lc.Series[0].X[5] != 5 {
		t.Errorf("full-data curve has %d points (want %d, one per epoch)", len(lc.Series[0].X), len(s.Trace.Evals))
	}
	if tr := viz.Trajectories("x", p, a); tr.Series[len(tr.Series)-3].Name != "Adam" {
		t.Errorf("path named %q, want the run's label", tr.Series[len(tr.Series)-3].Name)
	}
	for _, c := range []struct {
		chart viz.Chart
		want  string
	}{
		{viz.Trajectories("3-D", problems.RosenbrockND(3), a), "dimension 3"},
		{viz.Trajectories("no box", problems.Problem{Name: "f", Dim: 2}, a), "no plotting window"},
		{viz.Problem1D("2-D", p), "not a 1-D problem"},
	} {
		if _, err := HTML(c.chart); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.chart, err, c.want)
		}
	}
}
