package viz

import "testing"

func TestLooks(t *testing.T) {
	var l Looks
	seen := map[Look]string{}
	for i := range 24 {
		name := string(rune('a' + i))
		lk := l.For(name)
		if other, dup := seen[lk]; dup {
			t.Fatalf("%q and %q share look %v", name, other, lk)
		}
		seen[lk] = name
	}
	if l.For("a") != (Look{Color: Palette[0], Dash: Solid}) || l.For("i") != (Look{Color: Palette[0], Dash: DashedLine}) {
		t.Errorf("looks not in palette order: a %v, i %v", l.For("a"), l.For("i"))
	}
	b, err := l.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Looks
	if err := back.UnmarshalJSON(b); err != nil || back.For("q") != l.For("q") || back.For("new") != l.For("y") {
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
