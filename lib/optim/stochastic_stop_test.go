package optim

import (
	"errors"
	"math"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// barrierData is eight one-parameter examples: seven squares ½(x − cᵢ)² and
// one barrier −log(1 − x), +Inf for x ≥ 1.
type barrierData struct{}

var barrierCentres = [7]float64{5, 5, 0, 0, 1, -1, 2}

func (barrierData) Len() int { return 8 }
func (barrierData) Dim() int { return 1 }
func (barrierData) Loss(grad, x []float64, idx []int) float64 {
	var f, g float64
	for _, i := range idx {
		if i == 7 {
			if x[0] >= 1 {
				f += math.Inf(1)
			} else {
				f -= math.Log(1 - x[0])
			}
			g += 1 / (1 - x[0])
			continue
		}
		d := x[0] - barrierCentres[i]
		f += d * d / 2
		g += d
	}
	if grad != nil {
		grad[0] = g / float64(len(idx))
	}
	return f / float64(len(idx))
}

// TestObserverStopKeepsFOfX: an observer that stops a stochastic run at a
// step where the full loss is +Inf (x = 1.5 after one SGD step) must not
// return F = f(x₀) beside X = 1.5. It did (issue 28, item 5): Status
// Stopped, X = 1.5, F = f(x₀), f(X) = +Inf. The closing evaluation's
// failure is the status now, and X, F are the best point and its loss.
func TestObserverStopKeepsFOfX(t *testing.T) {
	p := problems.Objective("barrier", barrierData{})
	stopAt1 := func(r Record) bool { return r.Iter == 1 }
	res := Run(p, []float64{0}, NewSGD(0.3), Settings{Batch: 2, Order: InOrder, Epochs: 3, Observe: stopAt1})
	if len(res.Last) != 1 || res.Last[0] != 1.5 {
		t.Fatalf("Last = %v, want [1.5] (one step from 0 on examples 0 and 1)", res.Last)
	}
	if f := p.Func(res.X); f != res.F {
		t.Errorf("Status %v, X = %v, F = %v, but f(X) = %v", res.Status, res.X, res.F, f)
	}
	var ne *NumericalError
	if res.Status != NonFinite || !errors.As(res.Err, &ne) || ne.What != "full-data loss" || ne.Step != 1 {
		t.Errorf("Status %v, Err %v: want NonFinite with the full-data loss at step 1", res.Status, res.Err)
	}
}
