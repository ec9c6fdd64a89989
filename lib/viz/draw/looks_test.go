package draw

import (
	"testing"

	"github.com/descentlab/descent/lib/viz"
)

func TestLooks(t *testing.T) {
	var l viz.Looks
	seen := map[viz.Look]string{}
	for i := range 21 {
		name := string(rune('a' + i))
		lk := l.For(name)
		if other, dup := seen[lk]; dup {
			t.Fatalf("%q and %q share look %v", name, other, lk)
		}
		seen[lk] = name
	}
	if l.For("a") != (viz.Look{Color: viz.Palette[0], Dash: viz.Solid}) || l.For("h") != (viz.Look{Color: viz.Palette[0], Dash: viz.DashedLine}) {
		t.Errorf("looks not in palette order: a %v, h %v", l.For("a"), l.For("h"))
	}
	for lk := range seen {
		if lk.Color == viz.Palette[len(viz.Palette)-1] {
			t.Errorf("a look uses yellow: %v", lk)
		}
	}
	// Past 21 names, a new name avoids the looks of its chart.
	got := l.Assign([]string{"a", "b", "newcomer"})
	if got[2] == got[0] || got[2] == got[1] {
		t.Errorf("newcomer shares a look with its chart: %v", got)
	}
	b, err := l.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back viz.Looks
	if err := back.UnmarshalJSON(b); err != nil || back.For("q") != l.For("q") {
		t.Errorf("round trip: %v; q %v vs %v", err, back.For("q"), l.For("q"))
	}
	// A chart takes a name's look from the registry, not from its position.
	viz.Default.Reset()
	viz.Default.For("Adam")
	p := viz.NewPlot("x").Line("SGD", []float64{1, 2}, []float64{1, 2}).Line("Adam", []float64{1, 2}, []float64{2, 1})
	pr, err := plotView{p}.prepare()
	if err != nil {
		t.Fatal(err)
	}
	if pr.series[1].Color != viz.Palette[0] || pr.series[0].Color != viz.Palette[1] {
		t.Errorf("SGD %s, Adam %s: Adam drawn first keeps the first colour", pr.series[0].Color, pr.series[1].Color)
	}
}
