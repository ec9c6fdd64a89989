package draw

import (
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/viz"
)

func TestPlotSchedule(t *testing.T) {
	s := optim.StepDecay{Steps: 10, Gamma: 0.5}
	p := viz.NewPlot("schedules", viz.LogY()).Schedule("step", s, 0.1, 30).
		Schedule("cosine", optim.Cosine{Steps: 30, MinRate: 0.001}, 0.1, 30, viz.Dashed())
	if p.X.Label != "step t" || p.Y.Label != "learning rate α_t" {
		t.Errorf("labels %q, %q; want the schedule's axes", p.X.Label, p.Y.Label)
	}
	st := p.Series[0]
	if len(st.X) != 31 || st.X[30] != 30 || st.Y[0] != 0.1 || st.Y[10] != 0.05 || st.Y[29] != 0.025 {
		t.Errorf("step decay drawn as %v at %v", st.Y, st.X)
	}
	if !p.Series[1].Dashed {
		t.Error("series options are not applied")
	}
	if _, err := HTML(p); err != nil {
		t.Error(err)
	}
	// Labels already set are kept.
	if q := viz.NewPlot("x", viz.XLabel("epoch")).Schedule("s", s, 1, 2); q.X.Label != "epoch" {
		t.Errorf("x label %q overwritten", q.X.Label)
	}
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "viz: ") {
			t.Errorf("negative steps: recover() = %q; want a viz: panic", r)
		}
	}()
	viz.NewPlot("x").Schedule("s", s, 1, -1)
}
