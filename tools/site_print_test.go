package tools

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/testenv"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/draw"
)

// lessonNotebook is an executed lesson with a heading, a formula, a chart
// (with the echarts loader, as lib/viz/nb leaves the first), a check cell
// (code folded, claims shown) and a solution cell (folded whole).
func lessonNotebook(t *testing.T, title, topic string, loader bool) []byte {
	t.Helper()
	opts := []viz.HTMLOption{}
	if loader {
		opts = append(opts, viz.WithLoader())
	}
	chart, err := draw.HTML(viz.NewPlot(title+" loss curve", viz.LogY()).Line("f", []float64{0, 1, 2, 3}, []float64{4, 2, 1, 0.5}), opts...)
	if err != nil {
		t.Fatal(err)
	}
	md := func(id, src string) map[string]any {
		return map[string]any{"cell_type": "markdown", "id": id, "metadata": map[string]any{}, "source": src}
	}
	code := func(id string, tags []string, src string, outputs ...any) map[string]any {
		return map[string]any{"cell_type": "code", "id": id, "execution_count": 1, "metadata": map[string]any{"tags": tags}, "source": src, "outputs": outputs}
	}
	return gonbNotebook(
		md("m1", "# "+title+"\n\nThe notes on "+topic+".\n\n## The "+topic+" rule\n\nThe step $\\theta_{t+1} = \\theta_t - \\alpha \\nabla J(\\theta_t)$ of **"+topic+"**.\n"),
		code("c1", []string{}, "%%\nnb.Show(chart)",
			map[string]any{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"text/html": chart, "text/plain": "chart"}}),
		code("c2", []string{"check"}, "%%\n// hiddencheckcode verifies the claim\nnb.Claim(true)",
			map[string]any{"output_type": "stream", "name": "stdout", "text": "✔ claim: the " + topic + " step halves the loss\n"}),
		md("m2", "## Exercises\n\nWork the "+topic+" exercise.\n"),
		code("c3", []string{"solution"}, "%%\n// hiddensolutioncode works it\nfmt.Println(\"solution output\")",
			map[string]any{"output_type": "stream", "name": "stdout", "text": "the solution's answer is 42\n"}),
	)
}

// printSite builds a course of two lessons and returns its site folder.
func printSite(t *testing.T) string {
	t.Helper()
	py := python(t)
	sources, src, dst := course(t)
	for _, d := range []string{sources, src} {
		write(t, filepath.Join(d, "00-first.ipynb"), lessonNotebook(t, "First lesson", "momentum", true))
		write(t, filepath.Join(d, "01-second.ipynb"), lessonNotebook(t, "Second lesson", "nesterov", false))
	}
	if out, err := buildSite(t, py, sources, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	return dst
}

// TestSiteSearchIndex: the builder writes one shared search index (a
// script, by content) over every lesson's sections — headings, prose,
// formulas' TeX and code — referenced by every page with the search script,
// never inlined into a page.
func TestSiteSearchIndex(t *testing.T) {
	t.Parallel()
	site := printSite(t)
	m, _ := filepath.Glob(filepath.Join(site, "assets", "search-index-*.js"))
	if len(m) != 1 {
		t.Fatalf("%d search index assets, want 1", len(m))
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	js := strings.TrimSuffix(strings.TrimSpace(string(b)), ";")
	var idx struct {
		Pages    [][2]string      `json:"pages"`
		Sections [][4]any         `json:"sections"`
		Terms    map[string][]int `json:"terms"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(js, "window.descentSearchIndex=")), &idx); err != nil {
		t.Fatalf("the index is not window.descentSearchIndex=JSON: %v", err)
	}
	if len(idx.Pages) != 2 || idx.Pages[0][0] != "00-first.html" || idx.Pages[1][1] != "Second lesson" {
		t.Errorf("pages %v, want the two lessons (not the course map)", idx.Pages)
	}
	anchors := map[string]bool{}
	for _, s := range idx.Sections {
		anchors[s[1].(string)] = true
	}
	for _, a := range []string{"First-lesson", "The-momentum-rule", "Exercises"} {
		if !anchors[a] {
			t.Errorf("no section with anchor %q in %v", a, anchors)
		}
	}
	// Heading words weigh 100000 a use; a formula's TeX and code are words too.
	for _, term := range []string{"momentum", "nabla", "theta", "hiddencheckcode", "claim", "show"} {
		if len(idx.Terms[term]) == 0 {
			t.Errorf("term %q is not in the index", term)
		}
	}
	if p := idx.Terms["rule"]; len(p) < 2 || p[1] < 100000 {
		t.Errorf("heading word \"rule\": postings %v, want a heading weight (≥ 100000)", p)
	}
	name := filepath.Base(m[0])
	for _, page := range []string{"index.html", "00-first.html", "01-second.html"} {
		b, err := os.ReadFile(filepath.Join(site, page))
		if err != nil {
			t.Fatal(err)
		}
		if want := `<script defer src="assets/search.js" data-index="assets/` + name + `"></script>`; !strings.Contains(string(b), want) {
			t.Errorf("%s does not load the search: no %s", page, want)
		}
		if strings.Contains(string(b), "descentSearchIndex") {
			t.Errorf("%s inlines the search index", page)
		}
	}
}

// TestNotesPDF: tools/site/pdf prints the course map and the lessons, in
// order, into one PDF whose text is extractable, with the chart as its
// picture, the check's and solution's code left out and their outputs in.
func TestNotesPDF(t *testing.T) {
	testenv.NeedChromium(t)
	for _, tool := range []string{"pdfunite", "pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool+" (apt-get install poppler-utils)")
		}
	}
	site := printSite(t)
	out := filepath.Join(t.TempDir(), "notes.pdf")
	cmd := exec.Command("go", "run", "./site/pdf", "-out", out, site)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pdf: %v\n%s", err, b)
	}
	t.Logf("%s", b)
	info, err := exec.Command("pdfinfo", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(info), "Pages:") || strings.Contains(string(info), "Pages:          1\n") || strings.Contains(string(info), "Pages:          2\n") {
		t.Errorf("want at least 3 sheets (course map and two lessons):\n%s", info)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	s := string(text)
	order := []string{"descent — optimization for deep learning", "First lesson", "First lesson loss curve", "the momentum step halves the loss",
		"the solution's answer is 42", "Second lesson", "Second lesson loss curve"}
	at := 0
	for _, want := range order {
		i := strings.Index(s[at:], want)
		if i < 0 {
			t.Errorf("the PDF's text lacks %q after offset %d", want, at)
			continue
		}
		at += i
	}
	for _, never := range []string{"hiddencheckcode", "hiddensolutioncode", "Search the notes", "course map", "Contents"} {
		if strings.Contains(s, never) {
			t.Errorf("the PDF prints %q", never)
		}
	}
}

// TestSitePerPageAssets: the builder takes each chart apart into per-page
// assets — its picture pages/PAGE/ID.svg, referenced by its <img> (for
// scripts off and print), and its options pages/PAGE/ID.js, named by the
// chart's data-chart and drawn by assets/charts.js (which carries
// lib/viz/draw's formatters) — and moves folded code's highlighting into
// pages/PAGE/code.js, leaving the code as text; no picture, options or
// chart script stays in the page.
func TestSitePerPageAssets(t *testing.T) {
	site := printSite(t)
	b, err := os.ReadFile(filepath.Join(site, "00-first.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"data:image/svg", "document.currentScript", `"series":`} {
		if strings.Contains(page, bad) {
			t.Errorf("00-first.html still carries %q", bad)
		}
	}
	m := regexp.MustCompile(`<div class="descent-viz" data-chart="pages/00-first/(viz-[a-z0-9-]+)\.js" id="([^"]+)"`).FindStringSubmatch(page)
	if m == nil || m[1] != m[2] {
		t.Fatalf("no chart naming its data script pages/00-first/ID.js in 00-first.html: %v", m)
	}
	id := m[1]
	if !strings.Contains(page, `src="pages/00-first/`+id+`.svg"`) {
		t.Errorf("the chart's <img> does not show pages/00-first/%s.svg", id)
	}
	svg, err := os.ReadFile(filepath.Join(site, "pages", "00-first", id+".svg"))
	if err != nil || !strings.Contains(string(svg), "<svg") || !strings.Contains(string(svg), "First lesson loss curve") {
		t.Errorf("pages/00-first/%s.svg is not the chart's picture (%v): %.80s", id, err, svg)
	}
	js, err := os.ReadFile(filepath.Join(site, "pages", "00-first", id+".js"))
	if err != nil || !strings.HasPrefix(string(js), `descentViz("`+id+`",{`) || !strings.Contains(string(js), `"series"`) {
		t.Errorf("pages/00-first/%s.js does not hand the chart's options to descentViz (%v): %.80s", id, err, js)
	}
	runtime, err := os.ReadFile(filepath.Join(site, "assets", "charts.js"))
	if err != nil || !strings.Contains(string(runtime), "function formatters(") || strings.Contains(string(runtime), "/*descent:formatters*/") {
		t.Errorf("assets/charts.js lacks lib/viz/draw's formatters (%v)", err)
	}
	if !regexp.MustCompile(`<script defer src="assets/charts.js" data-echarts="assets/echarts-[^"/]+\.min\.js"></script>`).MatchString(page) ||
		strings.Contains(page, `src="assets/echarts-`) {
		t.Errorf("00-first.html must load echarts through assets/charts.js (its data-echarts), not a script of its own")
	}
	// The check cell's code: text in the page, its colours in pages/00-first/code.js.
	if !strings.Contains(page, `data-code="pages/00-first/code.js#0">%%`) || !strings.Contains(page, `<script defer src="assets/code.js">`) {
		t.Errorf("00-first.html's folded code is not plain text loading its colours from pages/00-first/code.js")
	}
	code, err := os.ReadFile(filepath.Join(site, "pages", "00-first", "code.js"))
	if err != nil || !strings.HasPrefix(string(code), `descentCode("pages/00-first/code.js",["`) || !strings.Contains(string(code), `hiddencheckcode`) {
		t.Errorf("pages/00-first/code.js does not hold the folded code's highlighting (%v): %.80s", err, code)
	}
}
