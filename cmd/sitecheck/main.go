// Command sitecheck opens every page of the exported lecture notes from disk
// in headless Chromium with the network blocked and checks that each works
// offline:
//
//   - no console error and no uncaught exception;
//   - no request to any host (only file:// URLs), and no failed request;
//   - every chart container holds a rendered chart (a canvas or an svg);
//   - no raw TeX left in the text ($$, \(, \[): formulas were rendered;
//   - every local link (navigation, table of contents) resolves.
//
// With -noscript it opens each page with JavaScript disabled and checks
// that every chart shows its static picture instead.
//
//	sitecheck [-chromium /usr/bin/chromium] [-shots build/screenshots] build/html
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func main() {
	chromium := flag.String("chromium", "/usr/bin/chromium", "Chromium binary (Debian's); no browser is downloaded")
	shots := flag.String("shots", "", "folder for full-page screenshots (none when empty)")
	timeout := flag.Duration("timeout", 60*time.Second, "time allowed per page")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: sitecheck [flags] SITE_DIR")
		os.Exit(2)
	}
	pages, err := filepath.Glob(filepath.Join(flag.Arg(0), "*.html"))
	if err != nil || len(pages) == 0 {
		fmt.Fprintf(os.Stderr, "sitecheck: no pages in %s: run `make notes` first\n", flag.Arg(0))
		os.Exit(2)
	}
	if _, err := exec.LookPath(*chromium); err != nil {
		fmt.Fprintf(os.Stderr, "sitecheck: %s not found: apt-get install chromium\n", *chromium)
		os.Exit(2)
	}
	sort.Strings(pages)
	c := Checker{Chromium: *chromium, Shots: *shots, Timeout: *timeout}
	defer c.Close()
	failed := 0
	for _, p := range pages {
		for _, scripts := range []bool{true, false} {
			rep, err := c.Check(p, scripts)
			mode := "scripts on "
			if !scripts {
				mode = "scripts off"
			}
			if err != nil {
				failed++
				fmt.Printf("FAIL %-40s %s: %v\n", filepath.Base(p), mode, err)
				continue
			}
			fmt.Printf("ok   %-40s %s: %d charts, %d formulas, %d links\n", filepath.Base(p), mode, rep.Charts, rep.Formulas, rep.Links)
		}
	}
	fmt.Printf("%d passed, %d failed\n", 2*len(pages)-failed, failed)
	if failed > 0 {
		c.Close()
		os.Exit(1)
	}
}

// Checker opens pages in headless Chromium, one tab per check in a browser
// started on first use; Close ends it.
type Checker struct {
	Chromium string
	Shots    string
	Timeout  time.Duration

	browser  context.Context
	closers  []func()
	userData string
}

// start launches the browser once.
func (c *Checker) start() error {
	if c.browser != nil {
		return nil
	}
	dir, err := os.MkdirTemp("", "sitecheck-")
	if err != nil {
		return err
	}
	c.userData = dir
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(c.Chromium),
		chromedp.UserDataDir(dir),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("allow-file-access-from-files", true),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	c.closers = append(c.closers, cancelAlloc, cancelBrowser)
	if err := chromedp.Run(bctx); err != nil { // starts the browser
		c.Close()
		return fmt.Errorf("starting %s: %w", c.Chromium, err)
	}
	c.browser = bctx
	return nil
}

// Close ends the browser and removes its profile.
func (c *Checker) Close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
	c.closers, c.browser = nil, nil
	if c.userData != "" {
		os.RemoveAll(c.userData)
		c.userData = ""
	}
}

// Report counts what a page holds.
type Report struct {
	Charts, Formulas, Links int
}

// pageState is what the page reports about itself once loaded.
type pageState struct {
	Charts        int      `json:"charts"`
	Empty         []string `json:"empty"`  // chart containers with nothing drawn
	Static        int      `json:"static"` // static pictures visible
	NoStatic      []string `json:"noStatic"`
	Formulas      int      `json:"formulas"`
	RawTeX        []string `json:"rawTeX"`
	Links         []string `json:"links"`
	MissingAnchor []string `json:"missingAnchor"`
}

// The page script. Chart containers are elements with class "descent-viz"
// (lib/viz.HTML); a rendered one holds a canvas or an svg drawn by echarts;
// its static picture is the <img> inside it.
const inspect = `(() => {
  const r = {charts: 0, empty: [], static: 0, noStatic: [], formulas: 0, rawTeX: [], links: [], missingAnchor: []};
  const charts = document.querySelectorAll('.descent-viz');
  r.charts = charts.length;
  charts.forEach((c, i) => {
    const id = c.id || ('#' + i);
    const live = c.querySelector('canvas, .descent-viz-chart svg');
    const stat = c.querySelector(':scope > img');
    const shown = el => el && el.getBoundingClientRect().width > 10 && el.getBoundingClientRect().height > 10 && getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden';
    if (SCRIPTS) { if (!live || !shown(live)) r.empty.push(id); }
    else { if (shown(stat)) r.static++; else r.noStatic.push(id); }
  });
  r.formulas = document.querySelectorAll('.katex').length;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest('pre, code, script, style, .katex, .jp-InputArea, .jp-OutputArea-output') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
  for (let n; (n = walker.nextNode()); ) {
    const t = n.nodeValue;
    if (/\$\$|\\\(|\\\[|\\frac|\\nabla/.test(t) || /(^|[^\\\w])\$[^$\s][^$]*\$/.test(t)) r.rawTeX.push(t.trim().slice(0, 60));
  }
  document.querySelectorAll('a[href]').forEach(a => {
    const h = a.getAttribute('href');
    if (/^[a-z]+:/i.test(h) && !h.startsWith('file:')) return;
    if (h.startsWith('#')) { if (h.length > 1 && !document.getElementById(decodeURIComponent(h.slice(1)))) r.missingAnchor.push(h); return; }
    r.links.push(a.href);
  });
  return r;
})()`

// Check opens one page and returns what it found, or an error listing every problem.
func (c *Checker) Check(page string, scripts bool) (Report, error) {
	abs, err := filepath.Abs(page)
	if err != nil {
		return Report{}, err
	}
	if err := c.start(); err != nil {
		return Report{}, err
	}
	ctx, cancel := chromedp.NewContext(c.browser) // a new tab in the shared browser
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, c.Timeout)
	defer cancelT()

	var mu sync.Mutex
	var problems []string
	add := func(format string, a ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, a...))
		mu.Unlock()
	}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				add("console error: %s", strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			add("uncaught exception: %s", msg)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError {
				add("browser log error: %s %s", e.Entry.Text, e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				add("request to another host: %s", u)
			}
		case *network.EventLoadingFailed:
			if !e.Canceled {
				add("failed request %s: %s", e.RequestID, e.ErrorText)
			}
		}
	})
	pageURL := (&url.URL{Scheme: "file", Path: abs}).String()
	var state pageState
	actions := []chromedp.Action{
		network.Enable(), runtime.Enable(), log.Enable(),
		network.SetBlockedURLs([]string{"http://*", "https://*", "ws://*", "wss://*"}),
	}
	if !scripts {
		actions = append(actions, emulation.SetScriptExecutionDisabled(true))
	}
	script := strings.Replace(inspect, "SCRIPTS", fmt.Sprint(scripts), 1)
	actions = append(actions,
		chromedp.Navigate(pageURL),
		chromedp.WaitReady("body"),
		chromedp.Sleep(1500*time.Millisecond), // charts animate in; formulas render on DOMContentLoaded
	)
	if err := chromedp.Run(ctx, actions...); err != nil {
		return Report{}, fmt.Errorf("loading %s: %w", pageURL, err)
	}
	if scripts {
		// Evaluating needs scripts; with them off the DOM is inspected the same way through a fresh isolated world.
		if err := chromedp.Run(ctx, chromedp.Evaluate(script, &state)); err != nil {
			return Report{}, fmt.Errorf("inspecting %s: %w", pageURL, err)
		}
	} else {
		if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(false), chromedp.Evaluate(script, &state)); err != nil {
			return Report{}, fmt.Errorf("inspecting %s: %w", pageURL, err)
		}
	}
	if c.Shots != "" {
		var png []byte
		if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err == nil {
			_ = os.MkdirAll(c.Shots, 0o755)
			suffix := ""
			if !scripts {
				suffix = "-noscript"
			}
			_ = os.WriteFile(filepath.Join(c.Shots, strings.TrimSuffix(filepath.Base(page), ".html")+suffix+".png"), png, 0o644)
		}
	}
	for _, id := range state.Empty {
		add("chart %s rendered nothing (no canvas or svg inside it)", id)
	}
	for _, id := range state.NoStatic {
		add("chart %s shows no static picture with scripts off", id)
	}
	if scripts {
		for _, t := range state.RawTeX {
			add("raw TeX left in the text: %q", t)
		}
	}
	for _, a := range state.MissingAnchor {
		add("link %s points at no element on the page", a)
	}
	for _, l := range state.Links {
		u, err := url.Parse(l)
		if err != nil || u.Scheme != "file" {
			add("link %s is not a local file", l)
			continue
		}
		if _, err := os.Stat(u.Path); err != nil {
			add("link %s does not resolve", l)
		}
	}
	rep := Report{Charts: state.Charts, Formulas: state.Formulas, Links: len(state.Links)}
	if len(problems) > 0 {
		return rep, errors.New(strings.Join(problems, "\n     "))
	}
	return rep, nil
}
