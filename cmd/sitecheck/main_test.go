package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/draw"
)

// checker returns a Checker (Missing when Chromium is absent).
func checker(t *testing.T) *Checker {
	t.Helper()
	testenv.NeedChromium(t)
	c := &Checker{Timeout: 60 * time.Second, Budget: 400 * 1024}
	t.Cleanup(c.Close)
	return c
}

// fixtureNotebook is an executed notebook as GoNB and lib/viz/nb leave it:
// language_info with an empty pygments_lexer, a chart whose output carries
// the echarts loader, claim lines on stdout, formulas in the prose.
func fixtureNotebook(t *testing.T) []byte {
	t.Helper()
	c := viz.NewPlot("test chart", viz.LogY()).Line("f", []float64{0, 1, 2, 3}, []float64{4, 2, 1, 0.5})
	chart, err := draw.HTML(c, viz.WithLoader())
	if err != nil {
		t.Fatal(err)
	}
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"display_name": "Go (gonb)", "language": "go", "name": "gonb"},
			"language_info": map[string]any{"name": "go", "pygments_lexer": "", "codemirror_mode": "", "file_extension": ".go", "mimetype": "text/x-go"},
		},
		"cells": []any{
			map[string]any{"cell_type": "markdown", "id": "m1", "metadata": map[string]any{}, "source": "# Fixture\n\nGradient descent: $x_{t+1} = x_t - \\alpha \\nabla f(x_t)$.\n\n## Section\n\n$$\\frac{1}{2}x^2$$\n"},
			map[string]any{"cell_type": "code", "id": "c1", "execution_count": 1, "metadata": map[string]any{"tags": []string{"check"}, "jupyter": map[string]any{"source_hidden": true}},
				"source": "%%\n// the learner's step is what it is: for every x\nnb.Show(chart) // it's drawn",
				"outputs": []any{
					map[string]any{"output_type": "stream", "name": "stdout", "text": "✔ claim: the step halves f (2 < 4)\n✔ claim: another one\n"},
					map[string]any{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"text/html": chart, "text/plain": "chart"}},
				}},
		},
	}
	b, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// buildSite builds a one-page site with tools/site/build.py (needs make
// setup: .venv and KaTeX in tools/site/node_modules) and returns its folder.
func buildSite(t *testing.T) string {
	t.Helper()
	root := testenv.Root(t)
	testenv.Need(t, root, testenv.Prereq{Path: ".venv/bin/python", Hint: "make setup"}, testenv.Prereq{Path: "tools/site/node_modules/katex", Hint: "make setup"})
	work := t.TempDir()
	src, sources, dst := filepath.Join(work, "executed"), filepath.Join(work, "notebooks"), filepath.Join(work, "html")
	for _, d := range []string{src, sources} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "00-fixture.ipynb"), fixtureNotebook(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(root, ".venv", "bin", "python"), filepath.Join(root, "tools", "site", "build.py"), "--sources", sources, src, dst)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.py: %v\n%s", err, out)
	}
	return dst
}

func TestGoodSitePasses(t *testing.T) {
	site := buildSite(t)
	c := checker(t)
	page := filepath.Join(site, "00-fixture.html")
	for _, scripts := range []bool{true, false} {
		rep, err := c.Check(page, scripts)
		if err != nil {
			t.Fatalf("scripts=%v: the built fixture failed: %v", scripts, err)
		}
		t.Logf("scripts=%v: %s", scripts, rep)
		boxes := 0
		if scripts {
			boxes = 1 // inserted by assets/search.js; none without scripts
		}
		for name, want := range map[string]int{"charts": 1, "code blocks": 1, "formulas": 2, "search boxes": boxes} {
			if rep.Counts[name] != want {
				t.Errorf("scripts=%v: %d %s, want %d", scripts, rep.Counts[name], name, want)
			}
		}
		if rep.Counts["links"] < 2 {
			t.Errorf("scripts=%v: %d links, want ≥ 2 (course map, contents)", scripts, rep.Counts["links"])
		}
	}
	if _, err := c.Check(filepath.Join(site, "index.html"), false); err != nil {
		t.Errorf("index.html: %v", err)
	}
}

// TestChartsDrawnNearTheViewport: the built page's chart is a picture file
// and a data script (pages/00-fixture/), drawn by assets/charts.js once it
// nears the viewport: below three screens of text it is drawn when the
// checker scrolls to it; the first screen is measured in both modes, the
// fixture's chart counted in it (drawn as its picture or live), low's not.
func TestChartsDrawnNearTheViewport(t *testing.T) {
	site := buildSite(t)
	c := checker(t)
	good := fixturePage(t, site, `data-chart="pages/00-fixture/viz-`, `src="pages/00-fixture/viz-`, `<script defer src="assets/charts.js" data-echarts="assets/echarts-`)
	if strings.Contains(good, "data:image/svg") {
		t.Errorf("the built fixture still carries its chart's picture inline")
	}
	low := filepath.Join(site, "low.html")
	page := strings.Replace(good, "<main>", `<main><div style="height:2700px">three screens of prose</div>`, 1)
	if err := os.WriteFile(low, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Check(low, true); err != nil {
		t.Errorf("a chart three screens down: %v", err)
	}
	for _, p := range []string{filepath.Join(site, "00-fixture.html"), low} {
		for _, scripts := range []bool{true, false} {
			sp, err := c.FirstScreen(p, scripts)
			if err != nil {
				t.Fatalf("%s, scripts=%v: %v", filepath.Base(p), scripts, err)
			}
			if sp.FirstScreen <= 0 || sp.Load <= 0 {
				t.Errorf("%s, scripts=%v: %+v, want positive times", filepath.Base(p), scripts, sp)
			}
			if scripts {
				// The fixture's chart is in the first screen, low's three screens down.
				if want := map[bool]int{true: 0, false: 1}[p == low]; sp.Charts != want {
					t.Errorf("%s: %d charts in the first screen, want %d", filepath.Base(p), sp.Charts, want)
				}
				if sp.Live < sp.FirstScreen {
					t.Errorf("%s: live at %v, before the first screen was drawn at %v", filepath.Base(p), sp.Live, sp.FirstScreen)
				}
			}
			t.Logf("%s, scripts=%v: first screen drawn %v, live %v, load %v", filepath.Base(p), scripts, sp.FirstScreen, sp.Live, sp.Load)
		}
	}
}

// TestSearchFindsSections: the search box of the built fixture site finds
// the section a query names (a heading, a formula's TeX, code), and a
// query whose wanted page is another fails naming it.
func TestSearchFindsSections(t *testing.T) {
	site := buildSite(t)
	c := checker(t)
	res, err := c.Search(site, []SearchQuery{{"Section", "00-fixture"}, {"frac", "00-fixture"}, {"nb.Show", "00-fixture"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].Hrefs; len(got) == 0 || got[0] != "00-fixture.html#Section" {
		t.Errorf("query Section: results %v, want 00-fixture.html#Section first", got)
	}
	_, err = c.Search(site, []SearchQuery{{"gradient", "03-momentum"}})
	if err == nil || !strings.Contains(err.Error(), "not a section of 03-momentum") {
		t.Errorf("a query finding another page passed: %v", err)
	}
	_, err = c.Search(site, []SearchQuery{{"zebra", "00-fixture"}})
	if err == nil || !strings.Contains(err.Error(), "found nothing") {
		t.Errorf("a query finding nothing passed: %v", err)
	}
}

// TestBadPagesFail seeds each kind of defect the checker exists to catch
// into the built fixture page, and asserts that the page then fails with a
// message naming the defect.
func TestBadPagesFail(t *testing.T) {
	site := buildSite(t)
	c := checker(t)
	page := fixturePage(t, site, "hl-go", `<link rel="stylesheet" href="assets/site.css">`, "</main>")
	insert := func(html string) string { return strings.Replace(page, "</main>", html+"</main>", 1) }
	cases := []struct {
		name, page, want string
		scripts          bool
	}{
		{"code highlighted as IPython", strings.ReplaceAll(page, "hl-go", "hl-ipython3"), "highlighted as ipython3, not Go", false},
		{"formula left as TeX (scripts off)", insert(markdownCell(`<p>raw $x^2 + y$ left</p>`)), "raw TeX", false},
		{"display formula left as TeX", insert(markdownCell(`<p>$$\frac{1}{2}$$</p>`)), "raw TeX", true},
		{"formula KaTeX rejected", insert(`<span class="katex-error" title="ParseError: Expected '}'">\frac{1</span>`), "formula KaTeX could not render", false},
		{"echarts inlined", insert(draw.EChartsLoader()), "the echarts bundle is inlined", false},
		{"stylesheet inlined", insert("<style>" + strings.Repeat(".a{color:red}", 400) + "</style>"), "inlined stylesheet", false},
		{"shared stylesheet not linked", strings.Replace(page, `<link rel="stylesheet" href="assets/site.css">`, "", 1), "does not link assets/site.css", false},
		{"page over budget", insert("<!--" + strings.Repeat("x", 401*1024) + "-->"), "over the budget", false},
		{"external request", insert(`<img src="http://example.invalid/x.png">`), "request to another host", true},
		{"console error", insert(`<script>console.error("boom")</script>`), "console error: boom", true},
		{"exception", insert(`<script>undefinedFunction()</script>`), "uncaught exception", true},
		{"broken link", insert(`<a href="missing.html">x</a>`), "does not resolve", true},
		{"broken anchor", insert(`<a href="#nowhere">x</a>`), "points at no element", false},
		{"search box without scripts", insert(`<div class="descent-search"><input type="search"></div>`), "search box shows with scripts off", false},
		{"no search box", strings.Replace(page, `src="assets/search.js"`, `src="assets/nothing.js"`, 1), "0 search boxes", true},
		{"chart never drawn", insert(`<div class="descent-viz" id="c1"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="100" height="100"></div>`), "rendered nothing", true},
		{"no static picture", insert(`<div class="descent-viz" id="c2"></div>`), "no static picture", false},
		{"chart's data missing", strings.Replace(page, `data-chart="pages/`, `data-chart="pages/nowhere/`, 1), "rendered nothing", true},
		{"chart's picture missing", strings.Replace(page, `src="pages/00-fixture/`, `src="pages/nowhere/`, 1), "no static picture", false},
		{"chart title clipped", insert(`<div class="descent-viz" id="c3"><div class="descent-viz-chart" style="width:640px;height:300px"></div></div>` +
			`<script>(function(){var d=document.querySelector("#c3 .descent-viz-chart");function go(){echarts.init(d,null,{renderer:window.__descentRenderer||"canvas"}).setOption(` +
			`{animation:false,title:{text:"A title pushed off the left edge",left:-60},xAxis:{type:"value"},yAxis:{type:"value"},series:[{type:"line",data:[[0,1],[1,2]]}]});}` +
			`if(window.echarts)go();else window.addEventListener("descent-echarts",go);})();</script>`), "chart layout: c3: text \"A title pushed off the left edge\" is clipped", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(site, "bad-"+strings.ReplaceAll(tc.name, " ", "-")+".html")
			if err := os.WriteFile(p, []byte(tc.page), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := c.Check(p, tc.scripts)
			if err == nil {
				t.Fatalf("a page with this defect passed")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
}

// fixturePage returns the built fixture page, which must hold each of musts.
func fixturePage(t *testing.T, site string, musts ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(site, "00-fixture.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range musts {
		if !strings.Contains(string(b), must) {
			t.Fatalf("the built fixture lacks %q", must)
		}
	}
	return string(b)
}

// markdownCell wraps html as nbconvert's lab template renders a markdown cell.
func markdownCell(html string) string {
	return `<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><div class="jp-Cell-inputWrapper"><div class="jp-InputArea jp-Cell-inputArea">` +
		`<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">` + html + `</div></div></div></div>`
}

// TestSpeedTable: the table reports both first-screen numbers per page,
// drawn and live, the medians of the loads, and names the slowest of each.
func TestSpeedTable(t *testing.T) {
	msd := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	on := []Speed{{FirstScreen: msd(200), Live: msd(900), Charts: 1, Load: msd(600)}, {FirstScreen: msd(300), Live: msd(700), Charts: 1, Load: msd(500)}, {FirstScreen: msd(250), Live: msd(800), Charts: 1, Load: msd(400)}}
	a := PageSpeed{Page: "a.html", OnAll: on, On: medianSpeed(on), Off: Speed{FirstScreen: msd(240), Load: msd(300)}}
	b := PageSpeed{Page: "b.html", On: Speed{FirstScreen: msd(400), Live: msd(500), Load: msd(450)}}
	if a.On.FirstScreen != msd(250) || a.On.Live != msd(800) || a.On.Load != msd(500) || a.On.Charts != 1 {
		t.Errorf("medians %+v, want first screen 250 ms, live 800 ms, load 500 ms, 1 chart", a.On)
	}
	var out strings.Builder
	printSpeeds(&out, []PageSpeed{a, b}, 3)
	for _, want := range []string{"a.html", "250 ms", "800 ms", "slowest first screen drawn: b.html, 400 ms; slowest live: a.html, 800 ms"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
}
