package draw_test

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/draw"
)

// Loss curves of two runs, drawn as SVG and as an HTML fragment.
func Example() {
	runs := []optim.Result{{Trace: optim.Trace{Label: "SGD"}}, {Trace: optim.Trace{Label: "Adam"}}}
	for i := 0; i <= 100; i++ {
		runs[0].Trace.Add(optim.Record{Iter: i, F: math.Exp(-0.02 * float64(i))})
		runs[1].Trace.Add(optim.Record{Iter: i, F: math.Exp(-0.05 * float64(i))})
	}
	c := viz.LossCurves("Loss", viz.ByIter, runs...).With(viz.YLabel("f(x) − f* "))

	var svg strings.Builder
	if err := draw.SVG(&svg, c); err != nil {
		fmt.Println(err)
		return
	}
	frag, err := draw.HTML(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(svg.String(), "<?xml"))
	fmt.Println(draw.ID(c) == draw.ID(viz.LossCurves("Loss", viz.ByIter, runs...).With(viz.YLabel("f(x) − f* "))))
	fmt.Println(strings.Contains(frag, `<img alt="Loss"`), strings.Contains(frag, "echarts.init"))
	// Output:
	// true
	// true
	// true true
}

// A value ≤ 0 on a log axis is an error that names the series.
func ExamplePlot_badInput() {
	p := viz.NewPlot("Loss", viz.LogY()).Line("SGD", []float64{0, 1, 2}, []float64{1, 0.1, 0})
	_, err := draw.Options(p)
	fmt.Println(err)
	// Output:
	// viz: plot "Loss": series "SGD": y = 0 at index 2 cannot be drawn on a log y axis (values must be > 0)
}

// A standalone page, viewable offline, with echarts inlined once.
func ExampleWritePage() {
	p := viz.NewPlot("Parabola", viz.XLabel("x"), viz.YLabel("x²")).
		Line("x²", []float64{-1, 0, 1}, []float64{1, 0, 1})
	t := viz.NewTable("Minimum", []string{"x", "f"}, []string{"0", "0"})
	if err := draw.WritePage(os.Stdout, "Demo", p, t); err != nil {
		fmt.Println(err)
	}
}
