package draw

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/testenv"
)

// buildDir is where the browser test leaves its pages and screenshots:
// <repo>/build, not committed.
func buildDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "build"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts headless Debian Chromium (testenv) and returns a tab
// bounded to a minute.
func browser(t *testing.T) context.Context {
	b := testenv.NewBrowser(t, testenv.BrowserConfig{Width: 1000, Height: 900})
	ctx, cancel := context.WithTimeout(b.Ctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// writePage writes the sample page, optionally with require.js loaded
// first (as nbconvert's classic templates do), and returns its file URL.
func writePage(t *testing.T, name string, withRequire bool) string {
	var b strings.Builder
	if err := WritePage(&b, "descent/viz: every chart kind", sampleCharts()...); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if withRequire {
		rq, err := os.ReadFile(filepath.Join("testdata", "require-2.1.22.js"))
		if err != nil {
			t.Fatal(err)
		}
		page = strings.Replace(page, "</head>", "<script>"+string(rq)+"</script>\n</head>", 1)
	}
	file := filepath.Join(buildDir(t), name)
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: file}).String()
}

// TestBrowserInteractive opens the page of every sample chart in headless
// Chromium, with and without require.js on the page, and checks that every
// chart container holds a drawn canvas, that nothing is logged as an
// error and that no request leaves the file.
func TestBrowserInteractive(t *testing.T) {
	for _, withRequire := range []bool{false, true} {
		name := "viz-page.html"
		if withRequire {
			name = "viz-page-requirejs.html"
		}
		t.Run(name, func(t *testing.T) {
			u := writePage(t, name, withRequire)
			ctx := browser(t)
			w := &testenv.Watch{Allowed: func(r *url.URL) bool { return r.String() == u || r.Scheme == "data" }}
			w.Listen(ctx)
			var drawn, total int
			var shot []byte
			err := chromedp.Run(ctx,
				testenv.Domains(),
				chromedp.Navigate(u),
				chromedp.Poll(`(function(){var b=document.querySelectorAll(".`+ChartClass+`");if(!b.length)return false;`+
					`for(var i=0;i<b.length;i++){var c=b[i].querySelectorAll("canvas");if(!c.length)return false;`+
					`for(var j=0;j<c.length;j++)if(!c[j].width||!c[j].height)return false;}return true;})()`,
					nil, chromedp.WithPollingTimeout(30*time.Second)),
				chromedp.Evaluate(`document.querySelectorAll(".`+ChartClass+`[data-live] canvas").length`, &drawn),
				chromedp.Evaluate(`document.querySelectorAll(".`+ChartClass+`").length`, &total),
				chromedp.FullScreenshot(&shot, 100),
			)
			if err != nil {
				t.Fatalf("charts did not all render: %v (errors: %q)", err, w.Problems())
			}
			shotFile := filepath.Join(buildDir(t), strings.TrimSuffix(name, ".html")+"-js.png")
			os.WriteFile(shotFile, shot, 0o644)
			t.Logf("%d containers, %d canvases drawn; screenshot %s", total, drawn, shotFile)
			if want := len(sampleCharts()) - 1; total != want { // the table has no container
				t.Errorf("%d chart containers, want %d", total, want)
			}
			for _, e := range w.Problems() {
				t.Errorf("browser reported %s (only the page itself may be loaded)", e)
			}
		})
	}
}

// TestBrowserNoScript opens the same page with JavaScript disabled and
// checks that every chart shows its static picture.
func TestBrowserNoScript(t *testing.T) {
	u := writePage(t, "viz-page.html", false)
	ctx := browser(t)
	var shot []byte
	var sizes []map[string]float64
	err := chromedp.Run(ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(u),
		chromedp.WaitReady("body"),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".`+ChartClass+` img")).map(function(i){`+
			`var r=i.getBoundingClientRect();return {natural:i.naturalWidth,w:r.width,h:r.height,canvases:i.parentNode.querySelectorAll("canvas").length};})`, &sizes),
		chromedp.FullScreenshot(&shot, 100),
	)
	if err != nil {
		t.Fatal(err)
	}
	shotFile := filepath.Join(buildDir(t), "viz-page-nojs.png")
	os.WriteFile(shotFile, shot, 0o644)
	t.Logf("screenshot %s", shotFile)
	if want := len(sampleCharts()) - 1; len(sizes) != want {
		t.Fatalf("%d pictures, want %d", len(sizes), want)
	}
	for i, s := range sizes {
		if s["natural"] == 0 || s["w"] < 100 || s["h"] < 100 || s["canvases"] != 0 {
			t.Errorf("picture %d not shown as a static image: %v", i, fmt.Sprint(s))
		}
	}
}
