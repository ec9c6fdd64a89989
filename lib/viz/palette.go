package viz

// Palette is the Okabe–Ito colour-blind-safe palette, in the order series
// are coloured (yellow last: a thin yellow line on white is hard to see).
// Source: M. Okabe and K. Ito, "Color Universal Design" (2002),
// https://jfly.uni-koeln.de/color/.
var Palette = []string{
	"#0072B2", // blue
	"#E69F00", // orange
	"#009E73", // bluish green
	"#D55E00", // vermillion
	"#CC79A7", // reddish purple
	"#56B4E9", // sky blue
	"#000000", // black
	"#F0E442", // yellow
}

// Gray is the colour of contour lines and other context drawn behind data.
const Gray = "#9A9A9A"
