//go:build labcheck

package nb_test

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

// TestExport executes the notebook, exports it to HTML with nbconvert's
// default lab template and with the course site's template
// (tools/site/build.py), and opens each page in headless Chromium with and
// without JavaScript: with it, every chart must become interactive (unless
// the page loads require.js or MathJax from a CDN, which is reported), with
// no console error; without it, every chart must show its picture.
func TestExport(t *testing.T) {
	root := repoRoot(t)
	venv := filepath.Join(root, ".venv")
	env := append(os.Environ(), "JUPYTER_DATA_DIR="+filepath.Join(venv, "share", "jupyter"),
		"PATH="+filepath.Join(venv, "bin")+":"+os.Getenv("PATH"))
	dir := t.TempDir()
	nbdir := filepath.Join(dir, "nb")
	os.MkdirAll(nbdir, 0o755)
	writeNotebook(t, filepath.Join(dir, "charts.ipynb"))
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	jupyter := filepath.Join(venv, "bin", "jupyter")
	run(jupyter, "nbconvert", "--to", "notebook", "--execute", "charts.ipynb", "--output", "nb/00-charts.ipynb")
	run(jupyter, "nbconvert", "--to", "html", "nb/00-charts.ipynb", "--output-dir", dir, "--output", "default")
	pages := map[string]string{"nbconvert-lab": filepath.Join(dir, "default.html")}
	if site := filepath.Join(root, "tools", "site", "build.py"); fileExists(site) {
		run(filepath.Join(venv, "bin", "python"), site, nbdir, filepath.Join(dir, "site"))
		pages["course-site"] = filepath.Join(dir, "site", "00-charts.html")
	}
	build := filepath.Join(root, "build")
	for name, file := range pages {
		if !fileExists(file) {
			t.Errorf("%s: no page at %s", name, file)
			continue
		}
		u := (&url.URL{Scheme: "file", Path: file}).String()
		for _, js := range []bool{true, false} {
			ctx, done := newBrowser(t)
			var mu sync.Mutex
			var foreign, errs []string
			chromedp.ListenTarget(ctx, func(ev any) {
				mu.Lock()
				defer mu.Unlock()
				switch ev := ev.(type) {
				case *network.EventRequestWillBeSent:
					if !strings.HasPrefix(ev.Request.URL, "file://") && !strings.HasPrefix(ev.Request.URL, "data:") {
						foreign = append(foreign, ev.Request.URL)
					}
				case *runtime.EventExceptionThrown:
					errs = append(errs, ev.ExceptionDetails.Error())
				case *runtime.EventConsoleAPICalled:
					if ev.Type == runtime.APITypeError {
						errs = append(errs, fmt.Sprint("console.error ", ev.Args[0].Value, ev.Args[0].Description))
					}
				}
			})
			var live, pics int
			var state string
			var shot []byte
			setup := chromedp.Tasks{network.Enable(), runtime.Enable()}
			if !js {
				setup = append(setup, emulation.SetScriptExecutionDisabled(true))
			}
			err := chromedp.Run(ctx, setup,
				chromedp.Navigate(u),
				chromedp.Sleep(4*time.Second),
				chromedp.Evaluate(`typeof window.echarts+" loading="+window.__descentEChartsLoading+" define="+typeof window.define+" scripts="+document.scripts.length`, &state),
				chromedp.Evaluate(`document.querySelectorAll(".descent-viz[data-live] canvas").length`, &live),
				chromedp.Evaluate(`Array.from(document.querySelectorAll(".descent-viz img")).filter(function(i){return i.naturalWidth>0&&i.getBoundingClientRect().height>100}).length`, &pics),
				chromedp.FullScreenshot(&shot, 100),
			)
			done()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			mode := "js"
			if !js {
				mode = "nojs"
			}
			shotFile := filepath.Join(build, fmt.Sprintf("export-%s-%s.png", name, mode))
			os.WriteFile(shotFile, shot, 0o644)
			mu.Lock()
			t.Logf("%s, %s: page state %s", name, mode, state)
			t.Logf("%s, %s: %d interactive canvases, %d pictures visible, %d requests to other hosts %q, errors %q; %s",
				name, mode, live, pics, len(foreign), foreign, errs, shotFile)
			if js && name == "course-site" {
				if live < charts || len(foreign) > 0 || len(errs) > 0 {
					t.Errorf("%s with scripts: want %d interactive charts, no foreign request, no error", name, charts)
				}
			}
			if !js && pics != charts {
				t.Errorf("%s without scripts: %d pictures, want %d", name, pics, charts)
			}
			mu.Unlock()
		}
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func newBrowser(t *testing.T) (context.Context, func()) {
	profile, _ := os.MkdirTemp("", "viz-export-chromium-")
	actx, c1 := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(profile), chromedp.WindowSize(1100, 1400),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	ctx, c2 := chromedp.NewContext(actx)
	ctx, c3 := context.WithTimeout(ctx, 90*time.Second)
	return ctx, func() { c3(); c2(); c1(); time.Sleep(200 * time.Millisecond); os.RemoveAll(profile) }
}
