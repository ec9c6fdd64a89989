package draw

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/lib/viz"
)

// layoutReport is what LayoutCheckJS returns.
type layoutReport struct {
	Charts, Texts, Labels int
	Problems              []string
}

// checkLayout opens the page at u with the SVG renderer and runs
// LayoutCheckJS once every chart has drawn.
func checkLayout(t *testing.T, u string) layoutReport {
	t.Helper()
	ctx := browser(t)
	var raw string
	var shot []byte
	err := chromedp.Run(ctx,
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(RendererOverride).Do(ctx)
			return err
		}),
		chromedp.Navigate(u),
		chromedp.Poll(`(function(){var b=document.querySelectorAll(".descent-viz");if(!b.length)return false;`+
			`for(var i=0;i<b.length;i++)if(!b[i].querySelector(".descent-viz-chart svg"))return false;return true;})()`,
			nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(LayoutCheckJS, &raw),
		chromedp.FullScreenshot(&shot, 100),
	)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	if f, err := url.Parse(u); err == nil {
		os.WriteFile(strings.TrimSuffix(f.Path, ".html")+".png", shot, 0o644) // for looking at
	}
	var r layoutReport
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		t.Fatalf("%s: %v in %s", u, err, raw)
	}
	return r
}

func writeTestPage(t *testing.T, name, html string) string {
	file := filepath.Join(buildDir(t), name)
	if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: file}).String()
}

// stressCharts are the bad inputs every chart kind must draw readably: a
// single point, all-equal values, values over 1e-300 … 1e300, non-ASCII
// names, 20 series, a 200-character title, big linear values, and the
// course's own heat maps and loss curves.
func stressCharts() []viz.Chart {
	x := []float64{1, 2, 3, 4, 5}
	many := viz.NewPlot("Twenty series", viz.XLabel("step"), viz.YLabel("value"))
	for i := range 20 {
		many.Line(fmt.Sprintf("series %d", i), x, []float64{float64(i), float64(i + 1), float64(i), float64(i + 2), float64(i)})
	}
	title200 := strings.Repeat("A very long title about the momentum sweep on the κ = 100 bowl, ", 4)[:200]
	nospace := strings.Repeat("x", 200)
	h := [][]float64{{0.00305, 0.1, 0.2}, {0.1, 1.51, 0.3}, {0.2, 0.3, 0.7}}
	return []viz.Chart{
		viz.NewPlot("A single point", viz.XLabel("x"), viz.YLabel("y")).Line("only", []float64{2}, []float64{3}),
		viz.NewPlot("All equal", viz.XLabel("x"), viz.YLabel("y"), viz.LogY()).Line("flat", x, []float64{2, 2, 2, 2, 2}),
		viz.NewPlot("From 1e-300 to 1e300", viz.XLabel("x"), viz.YLabel("y"), viz.LogY()).Line("huge", []float64{0, 1}, []float64{1e-300, 1e300}),
		viz.NewPlot("Twelve decades", viz.XLabel("iteration"), viz.YLabel("f(x) − f*"), viz.LogY()).
			Line("RMSProp β = 0.9", x, []float64{1, 1e-2, 1e-3, 1e-3, 1e-3}).
			Line("RMSProp β = 0.99", x, []float64{1, 1e-2, 1e-5, 1e-8, 1e-11}),
		viz.NewPlot("Non-ASCII names: ρ, β₁, 学习率", viz.XLabel("шаг"), viz.YLabel("‖∇f(x)‖")).
			Line("Adam β₁ = 0.9", x, x).Line("Momentum ρ = 0.99 — üñï", x, []float64{5, 4, 3, 2, 1}),
		many,
		viz.NewPlot(title200, viz.XLabel("x")).Line("y", x, x),
		viz.NewPlot(nospace, viz.XLabel("x")).Line("y", x, x),
		viz.NewPlot("Memory of a dense Hessian", viz.XLabel("parameters d"), viz.YLabel("bytes")).
			Line("8d² bytes", []float64{1e3, 1e4, 3e4}, []float64{8e6, 8e8, 7.2e9}),
		viz.NewPlot("Log-log", viz.LogX(), viz.LogY(), viz.XLabel("d"), viz.YLabel("seconds")).Points("Cholesky", []float64{100, 1000, 4000}, []float64{1e-4, 0.05, 3}),
		viz.NewHeatMaps("6-D Rosenbrock, iteration 40: the exact inverse Hessian and its L-BFGS model, side by side",
			viz.Matrix{Name: "exact H⁻¹", Data: h}, viz.Matrix{Name: "L-BFGS m=10", Data: h}),
	}
}

// TestBrowserLayout draws every sample and stress chart with the SVG
// renderer and finds no clipped or overlapping text, no log label that is
// not a power of ten, no name in two colours, no paged legend.
func TestBrowserLayout(t *testing.T) {
	viz.Default.Reset()
	var b strings.Builder
	charts := append(sampleCharts(), stressCharts()...)
	if err := WritePage(&b, "layout", charts...); err != nil {
		t.Fatal(err)
	}
	r := checkLayout(t, writeTestPage(t, "viz-layout.html", b.String()))
	t.Logf("%d charts, %d texts, %d axis labels checked", r.Charts, r.Texts, r.Labels)
	if want := len(charts) - 1; r.Charts != want || r.Texts < 8*want {
		t.Errorf("checked %d charts and %d texts, want %d charts (the table has none)", r.Charts, r.Texts, want)
	}
	for _, p := range r.Problems {
		t.Error(p)
	}
}

// TestLayoutCheckCatchesDefects: each defect LayoutCheckJS looks for is
// found on a page that has it.
func TestLayoutCheckCatchesDefects(t *testing.T) {
	base := func(o map[string]any) map[string]any {
		m := map[string]any{"animation": false, "xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "value"},
			"series": []any{map[string]any{"type": "line", "name": "s", "data": [][]float64{{0, 1}, {1, 2}}}}}
		for k, v := range o {
			m[k] = v
		}
		return m
	}
	toolbox := map[string]any{"right": 10, "top": 4, "itemSize": 14, "feature": map[string]any{"saveAsImage": map[string]any{}, "restore": map[string]any{}}}
	cases := []struct {
		name   string
		charts []map[string]any
		want   string
	}{
		{"clipped title", []map[string]any{base(map[string]any{"title": map[string]any{"text": "A title pushed off the left edge", "left": -60}})}, "is clipped"},
		{"overlap", []map[string]any{base(map[string]any{"title": []any{map[string]any{"text": "first title", "left": 40, "top": 10}, map[string]any{"text": "second title", "left": 50, "top": 12}}})}, "overlap"},
		{"toolbox", []map[string]any{base(map[string]any{"toolbox": toolbox, "title": map[string]any{"text": "A centred title so long that its right end runs under the icons, and on", "left": "center"}})}, "runs into the toolbox"},
		{"log labels", []map[string]any{base(map[string]any{"yAxis": map[string]any{"type": "log", "axisLabel": map[string]any{"descentLog": true}},
			"series": []any{map[string]any{"type": "line", "name": "s", "data": [][]float64{{0, 1e-6}, {1, 1e6}}}}})}, "not a power of ten"},
		{"paged legend", []map[string]any{base(map[string]any{"legend": map[string]any{"type": "scroll", "data": []string{"s"}}})}, "pages its entries"},
		{"hidden legend entry", []map[string]any{base(map[string]any{"legend": map[string]any{"data": []string{"s", "ghost"}}})}, `legend entry "ghost" is not shown`},
		{"two colours", []map[string]any{
			base(map[string]any{"legend": map[string]any{"data": []string{"Adam"}}, "series": []any{map[string]any{"type": "line", "name": "Adam", "lineStyle": map[string]any{"color": "#0072B2"}, "data": [][]float64{{0, 1}, {1, 2}}}}}),
			base(map[string]any{"legend": map[string]any{"data": []string{"Adam"}}, "series": []any{map[string]any{"type": "line", "name": "Adam", "lineStyle": map[string]any{"color": "#E69F00"}, "data": [][]float64{{0, 1}, {1, 2}}}}}),
		}, `series "Adam" is #E69F00 here but #0072B2`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n" + EChartsLoader() + "\n")
			for i, o := range c.charts {
				js, _ := json.Marshal(o)
				fmt.Fprintf(&b, `<div class="%s" id="fixture-%d"><div class="descent-viz-chart" style="width:640px;height:300px"></div></div>`+
					`<script>(function(){var d=document.querySelector("#fixture-%d .descent-viz-chart");function go(){`+
					`echarts.init(d,null,{renderer:window.__descentRenderer||"canvas"}).setOption(%s);}`+
					`if(window.echarts)go();else window.addEventListener("descent-echarts",go);})();</script>`+"\n", ChartClass, i, i, js)
			}
			b.WriteString("</body></html>")
			r := checkLayout(t, writeTestPage(t, "viz-fixture-"+strings.ReplaceAll(c.name, " ", "-")+".html", b.String()))
			found := false
			for _, p := range r.Problems {
				found = found || strings.Contains(p, c.want)
			}
			if !found {
				t.Errorf("the check missed the defect: want a problem containing %q, got %q", c.want, r.Problems)
			}
		})
	}
	_ = math.Pi
}

func TestTickLabel(t *testing.T) {
	for _, c := range []struct {
		v    float64
		log  bool
		want string
	}{
		{1e-6, true, "10⁻⁶"}, {1, true, "1"}, {1000, true, "1000"}, {1e4, true, "10⁴"}, {1e300, true, "10³⁰⁰"},
		{3e-6, true, "3×10⁻⁶"}, {0, false, "0"}, {0.25, false, "0.25"}, {12345, false, "12340"},
		{1e9, false, "1×10⁹"}, {1e15, true, "10¹⁵"}, {1e15, false, "1×10¹⁵"}, {7.2e9, false, "7.2×10⁹"}, {-2e-5, false, "-2×10⁻⁵"}, {99999.4, false, "100000"},
	} {
		if got := tickLabel(c.v, c.log); got != c.want {
			t.Errorf("tickLabel(%g, %v) = %q, want %q", c.v, c.log, got, c.want)
		}
	}
}
