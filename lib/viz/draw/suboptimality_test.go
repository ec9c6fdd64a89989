package draw

import (
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/viz"
)

func TestSuboptimality(t *testing.T) {
	lin := problems.Objective("least squares",
		problems.NewLinearRegression(problems.LinearData(100, 2, 0.5, 1), 0))
	x0 := make([]float64, lin.Dim)
	best := optim.Run(lin, x0, optim.NewSGD(0.2), optim.Settings{MaxIter: 2000, GradTol: 1e-12})
	s := optim.Run(lin, x0, optim.NewSGD(0.05), optim.Settings{Batch: 10, Epochs: 5, Seed: 1})
	g := optim.Run(lin, x0, optim.NewSGD(0.2), optim.Settings{MaxIter: 20, Label: "full batch"})
	p := viz.Suboptimality("gap", viz.ByEpoch, best.F, s, g)
	if !p.Y.Log || p.Y.Label != "f − f*" || p.X.Label != "epoch" {
		t.Errorf("axes %+v, %+v", p.X, p.Y)
	}
	sub := p.Series[0]
	if len(sub.Y) != len(s.Trace.Evals) || sub.Y[2] != s.Trace.Evals[2].F-best.F || sub.X[2] != 2 {
		t.Errorf("stochastic run: %d points %v; want its %d full-data evaluations minus f*",
			len(sub.Y), sub.Y, len(s.Trace.Evals))
	}
	if p.Series[1].Name != "full batch" || len(p.Notes) != 0 {
		t.Errorf("series %q, notes %v", p.Series[1].Name, p.Notes)
	}
	if _, err := HTML(p); err != nil {
		t.Error(err)
	}
	// An f* above some losses: those points are left out, and the chart says so.
	q := viz.Suboptimality("gap", viz.ByIter, g.Trace.Records[10].F, g)
	if n := len(q.Series[0].Y); n != 10 || len(q.Notes) != 1 || !strings.Contains(q.Notes[0], "left out") {
		t.Errorf("%d points, notes %v; want the 10 above f* and a note", n, q.Notes)
	}
	if _, err := HTML(q); err != nil {
		t.Error(err)
	}
}
