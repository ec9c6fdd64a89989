package viz_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/viz"
)

// A chart is a description: build it, style it with options, and hand it
// to lib/viz/nb (in a notebook) or lib/viz/draw (in a program) to draw.
func Example() {
	p := viz.NewPlot("Parabola", viz.XLabel("x"), viz.YLabel("x²")).
		Line("x²", []float64{-1, 0, 1}, []float64{1, 0, 1}, viz.Dashed()).
		Points("minimum", []float64{0}, []float64{0}, viz.Marker(viz.Square, 9))
	for _, s := range p.Series {
		fmt.Println(s.Name, s.Kind == viz.LineKind, s.Dashed, len(s.X))
	}
	// Output:
	// x² true true 3
	// minimum false false 1
}
