package viz

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// buildDir is where the browser test leaves its pages and screenshots:
// <repo>/build, not committed.
func buildDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "build"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts headless Debian Chromium with a fresh profile.
func browser(t *testing.T) context.Context {
	if _, err := exec.LookPath(chromium); err != nil {
		t.Skipf("browser test needs %s (apt-get install chromium): %v", chromium, err)
	}
	// Not t.TempDir: Chromium may still write to its profile while it
	// exits, which makes the test's own RemoveAll fail.
	profile, err := os.MkdirTemp("", "viz-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1000, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// watch records every request and every console error or exception.
type watch struct {
	mu       sync.Mutex
	requests []string
	errors   []string
}

func (w *watch) listen(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			w.requests = append(w.requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				w.errors = append(w.errors, "console.error: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			w.errors = append(w.errors, "exception: "+ev.ExceptionDetails.Error())
		}
	})
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
			var w watch
			w.listen(ctx)
			var drawn, total int
			var shot []byte
			err := chromedp.Run(ctx,
				network.Enable(),
				runtime.Enable(),
				chromedp.Navigate(u),
				chromedp.Poll(`(function(){var b=document.querySelectorAll(".descent-viz");if(!b.length)return false;`+
					`for(var i=0;i<b.length;i++){var c=b[i].querySelectorAll("canvas");if(!c.length)return false;`+
					`for(var j=0;j<c.length;j++)if(!c[j].width||!c[j].height)return false;}return true;})()`,
					nil, chromedp.WithPollingTimeout(30*time.Second)),
				chromedp.Evaluate(`document.querySelectorAll(".descent-viz[data-live] canvas").length`, &drawn),
				chromedp.Evaluate(`document.querySelectorAll(".descent-viz").length`, &total),
				chromedp.FullScreenshot(&shot, 100),
			)
			if err != nil {
				t.Fatalf("charts did not all render: %v (errors: %q)", err, w.errors)
			}
			shotFile := filepath.Join(buildDir(t), strings.TrimSuffix(name, ".html")+"-js.png")
			os.WriteFile(shotFile, shot, 0o644)
			t.Logf("%d containers, %d canvases drawn; screenshot %s", total, drawn, shotFile)
			if want := len(sampleCharts()) - 1; total != want { // the table has no container
				t.Errorf("%d chart containers, want %d", total, want)
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			for _, e := range w.errors {
				t.Errorf("browser reported %s", e)
			}
			for _, r := range w.requests {
				if r != u && !strings.HasPrefix(r, "data:") {
					t.Errorf("request to %s (only the page itself may be loaded)", r)
				}
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
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".descent-viz img")).map(function(i){`+
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
