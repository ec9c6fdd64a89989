package problems

import (
	"math"
	"reflect"
	"testing"
)

func allDatasets(seed uint64) []Dataset {
	return []Dataset{
		LinearData(50, 3, 0.1, seed),
		LogisticData(50, 3, seed),
		SortedClasses(3, 100, seed),
		Moons(60, 0.1, seed),
		Spirals(3, 20, 0.2, seed),
		SpiralArms(5, 20, 0.25, seed),
	}
}

func TestDatasetsSeeded(t *testing.T) {
	a, b, c := allDatasets(7), allDatasets(7), allDatasets(8)
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Errorf("%s: same seed, different data", a[i].Name)
		}
		if reflect.DeepEqual(a[i].X, c[i].X) {
			t.Errorf("%s: different seeds, same data", a[i].Name)
		}
		d := a[i]
		if (d.Y == nil) == (d.Label == nil) {
			t.Errorf("%s: want exactly one of Y and Label", d.Name)
		}
		for k, row := range d.X {
			if len(row) != d.Features() {
				t.Fatalf("%s: row %d has %d features", d.Name, k, len(row))
			}
		}
		counts := make([]int, d.Classes)
		for _, l := range d.Label {
			counts[l]++
		}
		for cl, n := range counts {
			if n == 0 {
				t.Errorf("%s: class %d empty", d.Name, cl)
			}
		}
	}
}

func TestSortedClassesBlocks(t *testing.T) {
	d := SortedClasses(3, 100, 0)
	for i, l := range d.Label {
		if l != i/100 {
			t.Fatalf("example %d has class %d, want %d", i, l, i/100)
		}
	}
}

func TestLinearDataTruth(t *testing.T) {
	// Noise-free data: the truth has zero loss and zero gradient.
	d := LinearData(20, 3, 0, 4)
	m := NewLinearRegression(d, 0)
	g := make([]float64, m.Dim())
	if f := m.Loss(g, d.Truth, All(20)); f > 1e-25 {
		t.Errorf("loss at truth %v", f)
	}
	for _, v := range g {
		if math.Abs(v) > 1e-12 {
			t.Errorf("gradient at truth %v", g)
		}
	}
}

func TestLogisticDataTruthClassifies(t *testing.T) {
	d := LogisticData(2000, 4, 3)
	m := NewLogisticRegression(d, 0)
	if acc := m.Accuracy(d.Truth, nil); acc < 0.8 || acc > 0.97 {
		t.Errorf("truth accuracy %v, want about 0.9 (classes overlap a little)", acc)
	}
}

func TestSplit(t *testing.T) {
	d := Moons(100, 0.1, 1)
	tr, va := d.Split(0.8, 9)
	if tr.Len() != 80 || va.Len() != 20 {
		t.Fatalf("split sizes %d, %d", tr.Len(), va.Len())
	}
	tr2, _ := d.Split(0.8, 9)
	if !reflect.DeepEqual(tr, tr2) {
		t.Error("same seed, different split")
	}
	// Every example lands in exactly one part.
	seen := map[*float64]int{}
	for _, p := range [][][]float64{tr.X, va.X} {
		for _, row := range p {
			seen[&row[0]]++
		}
	}
	if len(seen) != 100 {
		t.Errorf("%d distinct examples after split, want 100", len(seen))
	}
}

func TestDatasetBadInput(t *testing.T) {
	mustPanic(t, "n = 0", func() { LinearData(0, 2, 0.1, 1) })
	mustPanic(t, "noise", func() { LinearData(5, 2, -1, 1) })
	mustPanic(t, "d = 0", func() { LogisticData(5, 0, 1) })
	mustPanic(t, "k = 1", func() { SortedClasses(1, 10, 1) })
	mustPanic(t, "n = 1", func() { Moons(1, 0.1, 1) })
	mustPanic(t, "noise", func() { Moons(10, math.NaN(), 1) })
	mustPanic(t, "perClass = 1", func() { Spirals(2, 1, 0.1, 1) })
	mustPanic(t, "k = 1", func() { SpiralArms(1, 10, 0.1, 1) })
	mustPanic(t, "perClass = 0", func() { SpiralArms(3, 0, 0.1, 1) })
	mustPanic(t, "noise", func() { SpiralArms(3, 10, -0.1, 1) })
	d := Moons(10, 0.1, 1)
	mustPanic(t, "frac", func() { d.Split(1, 1) })
	mustPanic(t, "empty part", func() { d.Split(0.01, 1) })
	mustPanic(t, "out of range", func() { d.Subset([]int{10}) })
	mustPanic(t, "grid", func() { EvalGrid([4]float64{0, 1, 0, 1}, 1, 5, func(x, y float64) float64 { return 0 }) })
}

func TestEvalGrid(t *testing.T) {
	z := EvalGrid([4]float64{-1, 1, 0, 2}, 3, 5, func(x, y float64) float64 { return 10*x + y })
	if len(z) != 5 || len(z[0]) != 3 || z[0][0] != -10 || z[4][2] != 12 || z[2][1] != 1 {
		t.Errorf("grid %v", z)
	}
}

// SpiralArms: balanced classes, points in the unit disc, and without noise
// every point lies on its own arm, evenly spaced.
func TestSpiralArms(t *testing.T) {
	d := SpiralArms(6, 50, 0, 3)
	if d.Len() != 300 || d.Classes != 6 {
		t.Fatalf("%d examples, %d classes", d.Len(), d.Classes)
	}
	for i, p := range d.X {
		if d.Label[i] != i%6 {
			t.Fatalf("example %d has class %d, want %d", i, d.Label[i], i%6)
		}
		r := math.Hypot(p[0], p[1])
		if r > 1 {
			t.Fatalf("example %d at radius %v", i, r)
		}
		want := 2*math.Pi*float64(i%6)/6 + 1.5*math.Pi*r
		if e := math.Remainder(math.Atan2(p[1], p[0])-want, 2*math.Pi); r > 1e-6 && math.Abs(e) > 1e-9 {
			t.Fatalf("example %d at angle error %v from its arm", i, e)
		}
	}
}
