package draw

import "testing"

func TestCompactSVGKeepsText(t *testing.T) {
	in := "<svg>\n\t<text x=\"12.345\" y=\"-7.04\" style=\"font-weight:normal;font-size:11.25px\">exponential: γ = 0.99, α = 0.001</text>\n" +
		"\t<path d=\"M1.26,2.04L3.55,-0.04\" /></svg>"
	want := "<svg> <text x=\"12.3\" y=\"-7\" style=\"font-size:11.3px\">exponential: γ = 0.99, α = 0.001</text> <path d=\"M1.3,2L3.6,0\" /></svg>"
	if got := string(compactSVG([]byte(in))); got != want {
		t.Errorf("compactSVG:\n got %s\nwant %s", got, want)
	}
}
