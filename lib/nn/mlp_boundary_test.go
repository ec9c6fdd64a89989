package nn

import (
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

func TestMLPBoundaryAgreesWithPredict(t *testing.T) {
	d := problems.Moons(60, 0.2, 3)
	m := NewMLP(d, []int{8}, Tanh, 0)
	w := make([]float64, m.Dim())
	m.Init(w, Naive, 4) // large weights: a boundary that bends through the data
	f := m.Boundary(w)
	classes := map[int]int{}
	for _, x := range d.X {
		want := m.Predict(w, x)
		got := 0
		if f(x[0], x[1]) > 0 {
			got = 1
		}
		if got != want {
			t.Fatalf("Boundary(%v) = %v: sign says class %d, Predict says %d", x, f(x[0], x[1]), got, want)
		}
		classes[want]++
	}
	if len(classes) != 2 {
		t.Fatalf("the test network predicts one class only (%v): pick another seed", classes)
	}
	// The function keeps the parameters it was made with.
	before := f(0.5, 0.25)
	for i := range w {
		w[i] = 0
	}
	if after := f(0.5, 0.25); after != before {
		t.Errorf("Boundary changed with params: %v, then %v", before, after)
	}
	if z := m.Boundary(w)(0.5, 0.25); z != 0 {
		t.Errorf("zero weights: P(class 1) − ½ = %v, want 0", z)
	}
}

func TestMLPBoundaryBadInput(t *testing.T) {
	three := NewMLP(problems.Spirals(3, 5, 0.1, 1), []int{4}, Tanh, 0)
	two := NewMLP(problems.Moons(10, 0.1, 1), []int{4}, Tanh, 0)
	mustPanic(t, "2 input features and 3 classes", func() { three.Boundary(make([]float64, three.Dim())) })
	mustPanic(t, "len(params) = 3", func() { two.Boundary(make([]float64, 3)) })
}
