package optim

import (
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// On f(x) = ½‖x‖² gradient descent's step is −αx, so every step's
// update-to-weight ratio is exactly α, on any group of coordinates.
func TestUpdateRatioGradientDescent(t *testing.T) {
	p := problems.Problem{Name: "half square", Dim: 4,
		Func: func(x []float64) float64 { return 0.5 * (x[0]*x[0] + x[1]*x[1] + x[2]*x[2] + x[3]*x[3]) },
		Grad: func(g, x []float64) { copy(g, x) }}
	u := &UpdateRatio{Groups: [][2]int{{0, 1}, {1, 4}}}
	r := Run(p, []float64{1, -2, 3, 0.5}, NewSGD(0.01), Settings{MaxIter: 5, Observe: u.Observe})
	steps, ratios := u.Ratios()
	if r.Stats.Iterations != 5 || len(steps) != 5 || len(ratios) != 2 {
		t.Fatalf("%d iterations, %d steps, %d groups; want 5, 5, 2", r.Stats.Iterations, len(steps), len(ratios))
	}
	for g := range ratios {
		for i, v := range ratios[g] {
			if steps[i] != float64(i+1) || math.Abs(v-0.01) > 1e-12 {
				t.Errorf("group %d step %v: ratio %v, want 0.01 at step %d", g, steps[i], v, i+1)
			}
		}
	}
	u.Reset()
	if s, _ := u.Ratios(); len(s) != 0 || len(u.Groups) != 2 {
		t.Errorf("Reset kept %d steps or lost the groups (%v)", len(s), u.Groups)
	}
}

// In a stochastic run every step is counted once, although the end of an
// epoch shows the same iterate twice (step record and full-data evaluation).
func TestUpdateRatioStochastic(t *testing.T) {
	d := problems.LinearData(40, 3, 0.1, 1)
	p := problems.Objective("linear", problems.NewLinearRegression(d, 0))
	u := &UpdateRatio{}
	x0 := []float64{1, 1, 1, 1}
	r := Run(p, x0, NewSGD(0.05), Settings{Batch: 8, Epochs: 3, Seed: 2, Observe: u.Observe})
	steps, ratios := u.Ratios()
	if len(steps) != r.Stats.Iterations || len(ratios) != 1 {
		t.Fatalf("%d ratios for %d steps (%d groups)", len(steps), r.Stats.Iterations, len(ratios))
	}
	for i, v := range ratios[0] {
		if !(v > 0) || steps[i] != float64(i+1) {
			t.Errorf("step %v: ratio %v, want > 0 at step %d", steps[i], v, i+1)
		}
	}
}

func TestUpdateRatioBadGroup(t *testing.T) {
	for _, g := range [][2]int{{2, 2}, {-1, 1}, {0, 5}} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "optim: UpdateRatio: group") {
					t.Errorf("group %v: panic %q", g, msg)
				}
			}()
			u := &UpdateRatio{Groups: [][2]int{g}}
			u.Observe(Record{X: make([]float64, 4), Full: true})
		}()
	}
}
