package optim

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

func TestClippedPassesSmallGradientsUnchanged(t *testing.T) {
	x, y := []float64{1, -2, 3}, []float64{1, -2, 3}
	bare, clipped := NewAdam(0.1), NewClipped(NewAdam(0.1), 10)
	for step := range 20 {
		g := []float64{0.5 * x[0], -x[1], 2 * x[2]} // norm well under 10 here
		h := []float64{0.5 * y[0], -y[1], 2 * y[2]}
		bare.Step(x, g)
		clipped.Step(y, h)
		for i := range x {
			if x[i] != y[i] {
				t.Fatalf("step %d: clipped Adam at %v, bare Adam at %v: a gradient under MaxNorm must pass unchanged", step, y, x)
			}
		}
		if clipped.LastFactor() != 1 {
			t.Fatalf("step %d: LastFactor = %v for an unclipped gradient", step, clipped.LastFactor())
		}
	}
}

func TestClippedScalesAsTorch(t *testing.T) {
	g := []float64{30, -40} // norm 50
	orig := append([]float64(nil), g...)
	x, want := []float64{1, 1}, []float64{1, 1}
	c := NewClipped(NewSGD(0.5), 2)
	c.Step(x, g)
	factor := 2 / (50 + 1e-6) // torch: max_norm / (total_norm + 1e-6)
	NewSGD(0.5).Step(want, []float64{30 * factor, -40 * factor})
	if x[0] != want[0] || x[1] != want[1] {
		t.Errorf("clipped step to %v, want %v (SGD on the gradient times %v)", x, want, factor)
	}
	if c.LastFactor() != factor {
		t.Errorf("LastFactor = %v, want %v", c.LastFactor(), factor)
	}
	if g[0] != orig[0] || g[1] != orig[1] {
		t.Errorf("Step wrote the caller's gradient: %v, was %v", g, orig)
	}
	moved := math.Hypot(x[0]-1, x[1]-1)
	if math.Abs(moved-0.5*2) > 1e-6 {
		t.Errorf("the clipped SGD step moved x by %v, want α·MaxNorm = 1", moved)
	}
}

func TestClippedRunsUnderRunWithSchedulesAndState(t *testing.T) {
	p := problems.Quadratic2D(10, 0.5)
	c := NewClipped(NewMomentum(0.05, 0.9), 1)
	r := Run(p, p.Start, c, Settings{MaxIter: 2000, GradTol: 1e-8, Schedule: Linear{StartFactor: 1, EndFactor: 0.5, Steps: 100}})
	if r.Status != GradientThreshold {
		t.Fatalf("clipped momentum ended %v at f = %v, want GradientThreshold", r.Status, r.F)
	}
	st := c.SaveState()
	d := NewClipped(NewMomentum(0.05, 0.9), 1)
	if err := d.RestoreState(st); err != nil {
		t.Fatal(err)
	}
	c.SetLearningRate(0.01)
	if c.LearningRate() != 0.01 || c.Optimizer().(*Momentum).LearningRate() != 0.01 {
		t.Error("SetLearningRate does not reach the wrapped optimizer")
	}
	if err := NewClipped(plainStepper{}, 1).RestoreState(st); err == nil || !strings.Contains(err.Error(), "not Stateful") {
		t.Errorf("RestoreState on a stateless optimizer: %v, want an error saying it is not Stateful", err)
	}
}

func TestClippedRefusesBadInput(t *testing.T) {
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		msg := panicOf(func() { NewClipped(NewSGD(0.1), bad) })
		if !strings.Contains(msg, "MaxNorm") {
			t.Errorf("NewClipped(…, %v): panic %q, want one naming MaxNorm", bad, msg)
		}
	}
	if msg := panicOf(func() { NewClipped(nil, 1) }); !strings.Contains(msg, "nil optimizer") {
		t.Errorf("NewClipped(nil, 1): panic %q", msg)
	}
	if msg := panicOf(func() { NewClipped(NewSGD(0.1), 1).Step(make([]float64, 2), make([]float64, 3)) }); !strings.Contains(msg, "len(grad) = 3") {
		t.Errorf("Step with mismatched lengths: panic %q", msg)
	}
}

// plainStepper is an Optimizer with no learning rate and no state.
type plainStepper struct{}

func (plainStepper) Reset()                 {}
func (plainStepper) Step(x, grad []float64) {}

func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestClippedHugeFiniteGradient(t *testing.T) {
	x := []float64{0, 0}
	c := NewClipped(NewSGD(1), 1)
	c.Step(x, []float64{3e200, 4e200}) // ‖g‖ = 5e200: its squares overflow
	if math.Abs(x[0]+0.6) > 1e-12 || math.Abs(x[1]+0.8) > 1e-12 {
		t.Errorf("a gradient of norm 5e200 clipped to norm 1 moved x to %v, want (−0.6, −0.8)", x)
	}
}
