//go:build !descentcell

package viz

import "testing"

func TestLooks(t *testing.T) {
	var l Looks
	seen := map[Look]string{}
	for i := range 21 {
		name := string(rune('a' + i))
		lk := l.For(name)
		if other, dup := seen[lk]; dup {
			t.Fatalf("%q and %q share look %v", name, other, lk)
		}
		seen[lk] = name
	}
	if l.For("a") != (Look{Color: Palette[0], Dash: Solid}) || l.For("h") != (Look{Color: Palette[0], Dash: DashedLine}) {
		t.Errorf("looks not in palette order: a %v, h %v", l.For("a"), l.For("h"))
	}
	for lk := range seen {
		if lk.Color == Palette[len(Palette)-1] {
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
	var back Looks
	if err := back.UnmarshalJSON(b); err != nil || back.For("q") != l.For("q") {
		t.Errorf("round trip: %v; q %v vs %v", err, back.For("q"), l.For("q"))
	}
	// A chart takes a name's look from the registry, not from its position.
	Default.Reset()
	Default.For("Adam")
	p := NewPlot("x").Line("SGD", []float64{1, 2}, []float64{1, 2}).Line("Adam", []float64{1, 2}, []float64{2, 1})
	pr, err := p.prepare()
	if err != nil {
		t.Fatal(err)
	}
	if pr.series[1].Color != Palette[0] || pr.series[0].Color != Palette[1] {
		t.Errorf("SGD %s, Adam %s: Adam drawn first keeps the first colour", pr.series[0].Color, pr.series[1].Color)
	}
}
