package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/lib/viz"
)

// checker returns a Checker, skipping outside CI when Chromium is absent
// (CI installs it; there a missing browser is a failure).
func checker(t *testing.T) *Checker {
	t.Helper()
	const chromium = "/usr/bin/chromium"
	if _, err := exec.LookPath(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing; .ci/run installs it with apt-get", chromium)
		}
		t.Skipf("%s is missing (apt-get install chromium)", chromium)
	}
	c := &Checker{Chromium: chromium, Timeout: 60 * time.Second}
	t.Cleanup(c.Close)
	return c
}

// site writes a page with the given body into a folder that also holds the
// site's assets (KaTeX, site.js), as tools/site/build.py lays them out.
func site(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "assets"), os.DirFS("../../tools/site/assets")); err != nil {
		t.Fatal(err)
	}
	page := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<script defer src="assets/katex/katex.min.js"></script>
<script defer src="assets/katex/auto-render.min.js"></script>
<script defer src="assets/site.js"></script></head><body>` + body + `</body></html>`
	p := filepath.Join(dir, "page.html")
	if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "other.html"), []byte("<!DOCTYPE html><title>o</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func chartHTML(t *testing.T) string {
	t.Helper()
	c := viz.NewPlot("test chart", viz.LogY()).Line("f", []float64{0, 1, 2, 3}, []float64{4, 2, 1, 0.5})
	frag, err := viz.HTML(c, viz.WithLoader())
	if err != nil {
		t.Fatal(err)
	}
	return frag
}

func TestGoodPagePasses(t *testing.T) {
	c := checker(t)
	p := site(t, `<div class="jp-RenderedMarkdown"><p>Gradient descent: $x_{t+1} = x_t - \alpha \nabla f(x_t)$.</p>
<p><a href="other.html">next</a> <a href="#sec">section</a></p><h2 id="sec">Section</h2></div>`+chartHTML(t))
	for _, scripts := range []bool{true, false} {
		rep, err := c.Check(p, scripts)
		if err != nil {
			t.Fatalf("scripts=%v: a good page failed: %v", scripts, err)
		}
		if rep.Charts != 1 || rep.Links != 1 {
			t.Errorf("scripts=%v: found %d charts and %d links, want 1 and 1", scripts, rep.Charts, rep.Links)
		}
		if scripts && rep.Formulas < 1 {
			t.Errorf("scripts on: %d formulas rendered, want ≥ 1", rep.Formulas)
		}
	}
}

// TestBadPagesFail seeds each kind of defect the checker exists to catch.
func TestBadPagesFail(t *testing.T) {
	c := checker(t)
	cases := []struct {
		name, body, want string
		scripts          bool
	}{
		{"external request", `<img src="http://example.invalid/x.png">`, "request to another host", true},
		{"console error", `<script>console.error("boom")</script>`, "console error: boom", true},
		{"exception", `<script>undefinedFunction()</script>`, "uncaught exception", true},
		{"raw TeX", `<p>raw \(x^2\) and $$y$$ left outside the rendered markdown</p>`, "raw TeX", true},
		{"broken link", `<a href="missing.html">x</a>`, "does not resolve", true},
		{"broken anchor", `<a href="#nowhere">x</a>`, "points at no element", false},
		{"chart never drawn", `<div class="descent-viz" id="c1"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="100" height="100"></div>`, "rendered nothing", true},
		{"no static picture", `<div class="descent-viz" id="c2"></div>`, "no static picture", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Check(site(t, tc.body), tc.scripts)
			if err == nil {
				t.Fatalf("a page with a %s passed", tc.name)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
}
