package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/explorecheck"
	"github.com/descentlab/descent/internal/testenv"
	"github.com/descentlab/descent/lib/viz/draw"
)

// A PageCheck is one assertion about a loaded page. Its Script is evaluated
// in the page once it has loaded (with scripts off, in a fresh world after
// scripts were switched back on, so the DOM is what a reader without
// scripts saw) and must return an object
//
//	{problems: ["…", …], counts: {"name": n, …}}
//
// Problems fail the page; counts are printed ("12 code blocks"). Before, when
// set, is evaluated in every new document before the page's own scripts
// (page.AddScriptToEvaluateOnNewDocument): e.g. to make echarts draw with its
// SVG renderer so that every text of a chart is a DOM node.
//
// Add a check by appending to Checks from an init function in a file of
// this package (checks_charts.go for the chart layout checks), with a test
// in the style of TestBadPagesFail: a fixture page with the defect fails,
// the good fixture passes.
type PageCheck struct {
	Name    string
	Scripts Mode   // the modes it runs in
	Before  string // optional, see above
	Script  string
}

// Mode says with which script setting a check runs.
type Mode int

const (
	Both Mode = iota
	ScriptsOn
	ScriptsOff
)

func (m Mode) runs(scripts bool) bool {
	return m == Both || (m == ScriptsOn) == scripts
}

// Checks run on every page, in order. The built-in ones are below.
var Checks = []PageCheck{
	{Name: "charts", Scripts: Both, Script: chartsJS},
	{Name: "formulas", Scripts: Both, Script: formulasJS},
	{Name: "code", Scripts: Both, Script: codeJS},
	{Name: "assets", Scripts: Both, Script: assetsJS},
	{Name: "links", Scripts: Both, Script: linksJS},
}

// chartsJS: chart containers (lib/draw.ChartClass) hold a drawn chart (a
// canvas or an svg) with scripts on, their static picture (loaded: a
// picture file may be missing) with scripts off.
var chartsJS = `(() => {
  const problems = [], charts = document.querySelectorAll('.` + draw.ChartClass + `');
  const shown = el => el && el.getBoundingClientRect().width > 10 && el.getBoundingClientRect().height > 10 && getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden';
  charts.forEach((c, i) => {
    const id = c.id || ('#' + i);
    if (SCRIPTS) { const live = c.querySelector('canvas, .descent-viz-chart svg'); if (!shown(live)) problems.push('chart ' + id + ' rendered nothing (no canvas or svg inside it)'); }
    else { const img = c.querySelector(':scope > img'); if (!shown(img) || !img.complete || !img.naturalWidth) problems.push('chart ' + id + ' shows no static picture with scripts off'); }
  });
  return {problems, counts: {charts: charts.length}};
})()`

// formulasJS: formulas were rendered at build time (KaTeX markup in the
// page, with scripts off too) and no raw TeX is left in the text: prose,
// rendered markdown (which nbconvert puts inside .jp-InputArea), headings,
// contents; not code (.jp-InputArea-editor, pre, code) or cell outputs.
const formulasJS = `(() => {
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest('pre, code, script, style, .katex, .jp-InputArea-editor, .jp-OutputArea-output') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
  for (let n; (n = walker.nextNode()); ) {
    const t = n.nodeValue;
    if (/\$\$|\\\(|\\\[|\\frac|\\nabla|\\alpha|\\theta/.test(t) || /(^|[^\\\w])\$[^$\s][^$]*\$/.test(t))
      problems.push('raw TeX left in the text (formula not rendered): ' + JSON.stringify(t.trim().slice(0, 60)));
  }
  const broken = document.querySelectorAll('.katex-error');
  broken.forEach(e => problems.push('formula KaTeX could not render: ' + JSON.stringify((e.getAttribute('title') || e.textContent).slice(0, 80))));
  return {problems, counts: {formulas: document.querySelectorAll('.katex').length}};
})()`

// codeJS: every code cell's block is highlighted by pygments as Go, folded
// code too once its fold is opened (scripts on).
const codeJS = `(() => {
  const problems = [], blocks = document.querySelectorAll('.jp-CodeCell .jp-InputArea-editor .highlight');
  blocks.forEach((b, i) => {
    if (!b.classList.contains('hl-go')) {
      const lang = Array.from(b.classList).find(c => c.startsWith('hl-')) || 'no language';
      problems.push('code block ' + (i + 1) + ' is highlighted as ' + lang.replace(/^hl-/, '') + ', not Go: ' + JSON.stringify(b.textContent.trim().slice(0, 40)));
    }
  });
  // Folded code (tools/site/assets/code.js) is coloured once its fold is open; the
  // checks run with every fold open.
  if (SCRIPTS) document.querySelectorAll('details[open] pre[data-code]').forEach(p =>
    problems.push('folded code not highlighted once opened (' + p.getAttribute('data-code') + '): ' + JSON.stringify(p.textContent.trim().slice(0, 40))));
  return {problems, counts: {"code blocks": blocks.length}};
})()`

// assetsJS: echarts, the stylesheets and KaTeX's are shared files under
// assets/, not copies inside the page. A page's own data (an explorable's
// spec, type application/json: 08's carries the trained teacher's weights)
// is not shared code; it counts in the page's weight.
var assetsJS = `(() => {
  const problems = [], charts = document.querySelectorAll('.` + draw.ChartClass + `').length;
  document.querySelectorAll('script[` + draw.LoaderAttr + `]').forEach(s => problems.push('the echarts bundle is inlined (' + Math.round(s.textContent.length / 1024) + ' KiB): reference assets/echarts-*.min.js instead'));
  document.querySelectorAll('script:not([src]):not([type="application/json"])').forEach(s => { if (s.textContent.length > 64 * 1024) problems.push('an inline script of ' + Math.round(s.textContent.length / 1024) + ' KiB: shared code belongs in assets/'); });
  document.querySelectorAll('style').forEach(s => { if (s.textContent.length > 4096) problems.push('an inlined stylesheet of ' + Math.round(s.textContent.length / 1024) + ' KiB: link a shared one in assets/'); });
  const hrefs = Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.getAttribute('href'));
  for (const want of ['assets/site.css', 'assets/katex/katex.min.css'].concat(document.querySelector('.jp-Notebook') ? ['assets/notebook.css'] : []))
    if (!hrefs.includes(want)) problems.push('the page does not link ' + want);
  // echarts is loaded once: by a script of its own, or by assets/charts.js (named in its
  // data-echarts), which adds that script itself with scripts on.
  const isEC = v => /^assets\/echarts-[^/]+\.min\.js$/.test(v || '');
  const own = Array.from(document.querySelectorAll('script[src]')).filter(s => isEC(s.getAttribute('src'))).length;
  const lazy = Array.from(document.querySelectorAll('script[data-echarts]')).filter(s => isEC(s.getAttribute('data-echarts'))).length;
  const refs = lazy ? lazy : own;
  if (charts && (refs !== 1 || own > 1)) problems.push(charts + ' charts and ' + (own + lazy) + ' references to assets/echarts-*.min.js (want exactly 1)');
  return {problems, counts: {"shared assets": hrefs.length + refs}};
})()`

// linksJS: local links resolve (files checked in Go) and fragments name an element.
const linksJS = `(() => {
  const problems = [], links = [];
  document.querySelectorAll('a[href]').forEach(a => {
    const h = a.getAttribute('href');
    if (/^[a-z]+:/i.test(h) && !h.startsWith('file:')) return;
    if (h.startsWith('#')) { if (h.length > 1 && !document.getElementById(decodeURIComponent(h.slice(1)))) problems.push('link ' + h + ' points at no element on the page'); return; }
    links.push(a.href);
  });
  return {problems, counts: {links: links.length}, links};
})()`

// Checker opens pages in headless Chromium, one tab per check in a browser
// started on first use; Close ends it.
type Checker struct {
	Shots   string
	Timeout time.Duration
	Budget  int64 // bytes; 0: no limit

	browser *testenv.Browser
	oracle  *explorecheck.Oracle // the explorables' native runs, started on first use
}

// start launches the browser once.
func (c *Checker) start() error {
	if c.browser != nil {
		return nil
	}
	b, err := testenv.StartBrowser(context.Background(), testenv.BrowserConfig{
		Width: 1200, Height: 900,
		Flags: map[string]any{"allow-file-access-from-files": true},
	})
	if err != nil {
		return err
	}
	c.browser = b
	return nil
}

// tab opens a tab in the shared browser (started on first use) that lives
// until cancel or timeout.
func (c *Checker) tab(timeout time.Duration) (context.Context, context.CancelFunc, error) {
	if err := c.start(); err != nil {
		return nil, nil, err
	}
	ctx, cancelTab := chromedp.NewContext(c.browser.Ctx)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, func() { cancel(); cancelTab() }, nil
}

// offline enables the domains testenv.Watch listens to and blocks every
// request to a network host: a page is read from file:// only.
func offline() chromedp.Action {
	return chromedp.Tasks{testenv.Domains(), network.SetBlockedURLs([]string{"http://*", "https://*", "ws://*", "wss://*"})}
}

// Close ends the browser and removes its profile, and ends the oracle.
func (c *Checker) Close() {
	if c.oracle != nil {
		c.oracle.Close()
		c.oracle = nil
	}
	if c.browser != nil {
		c.browser.Close()
		c.browser = nil
	}
}

// openDetailsJS opens every folded part of a page.
const openDetailsJS = `document.querySelectorAll('details').forEach(d => d.open = true)`

// keepChartsJS asks tools/site/assets/charts.js to keep the charts it drew.
const keepChartsJS = `window.__descentKeepCharts = true;`

// screenDrawnJS is true when every chart in the viewport holds its drawing.
var screenDrawnJS = `Array.from(document.querySelectorAll('.` + draw.ChartClass + `')).every(c => {
  const r = c.getBoundingClientRect();
  return r.bottom <= 0 || r.top >= innerHeight || c.closest('.descent-explore') || c.querySelector('.descent-viz-chart canvas, .descent-viz-chart svg');
})`

// scrollThrough scrolls a page from top to bottom a viewport at a time, as a
// reader does, waiting at each stop (at most 5 s) until the charts there are
// drawn, and back to the top.
func scrollThrough(ctx context.Context) error {
	var height, view float64
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollHeight`, &height),
		chromedp.Evaluate(`innerHeight`, &view)); err != nil {
		return err
	}
	for y := 0.0; y < height; y += view {
		if err := chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`window.scrollTo(0, %.0f)`, y), nil)); err != nil {
			return err
		}
		_ = chromedp.Run(ctx, chromedp.Poll(screenDrawnJS, nil, chromedp.WithPollingTimeout(5*time.Second)))
		// Drawn charts may be taller than their pictures were.
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollHeight`, &height)); err != nil {
			return err
		}
	}
	return chromedp.Run(ctx, chromedp.Evaluate(`window.scrollTo(0, 0)`, nil))
}

// Report is what a page holds and how long it took to load.
type Report struct {
	Bytes  int64
	Load   time.Duration // navigation to the load event
	Counts map[string]int
}

func (r Report) String() string {
	var names []string
	for k := range r.Counts {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := []string{fmt.Sprintf("%4.0f KiB, loaded in %4.0f ms", float64(r.Bytes)/1024, float64(r.Load.Microseconds())/1000)}
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%d %s", r.Counts[k], k))
	}
	return strings.Join(parts, ", ")
}

type result struct {
	Problems []string       `json:"problems"`
	Counts   map[string]int `json:"counts"`
	Links    []string       `json:"links"`
}

// Check opens one page and returns what it found, or an error listing every problem.
func (c *Checker) Check(pagePath string, scripts bool) (Report, error) {
	abs, err := filepath.Abs(pagePath)
	if err != nil {
		return Report{}, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Bytes: st.Size(), Counts: map[string]int{}}
	ctx, cancel, err := c.tab(c.Timeout)
	if err != nil {
		return rep, err
	}
	defer cancel()

	w := &testenv.Watch{FailedRequests: true}
	w.Listen(ctx)
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if c.Budget > 0 && rep.Bytes > c.Budget {
		add("the page is %.0f KiB, over the budget of %.0f KiB besides the shared assets", float64(rep.Bytes)/1024, float64(c.Budget)/1024)
	}

	pageURL := (&url.URL{Scheme: "file", Path: abs}).String()
	actions := []chromedp.Action{offline()}
	if !scripts {
		actions = append(actions, emulation.SetScriptExecutionDisabled(true))
	} else {
		// Charts are drawn near the viewport and released far from it
		// (tools/site/assets/charts.js): keep every drawn one, so that the
		// checks below see all of them once the page was scrolled through.
		actions = append(actions, chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(keepChartsJS).Do(ctx)
			return err
		}))
	}
	for _, pc := range Checks {
		if pc.Before != "" && pc.Scripts.runs(scripts) {
			src := pc.Before
			actions = append(actions, chromedp.ActionFunc(func(ctx context.Context) error {
				_, err := page.AddScriptToEvaluateOnNewDocument(src).Do(ctx)
				return err
			}))
		}
	}
	if err := chromedp.Run(ctx, actions...); err != nil {
		return rep, fmt.Errorf("preparing the tab: %w", err)
	}
	t0 := time.Now()
	if err := chromedp.Run(ctx, chromedp.Navigate(pageURL), chromedp.WaitReady("body")); err != nil {
		return rep, fmt.Errorf("loading %s: %w", pageURL, err)
	}
	rep.Load = time.Since(t0)
	// Charts draw once the deferred echarts bundle has loaded and they come
	// near the viewport: scroll through the page a screen at a time, each
	// screen's charts drawn (or 5 s), then wait until every chart holds its
	// live drawing (a loaded machine can take seconds), or at most 25 s; the
	// charts check reports any that never drew.
	if scripts {
		// A reader can open every folded check and solution, and their
		// charts are drawn when opened near the viewport: open them first.
		if err := chromedp.Run(ctx, chromedp.Evaluate(openDetailsJS, nil)); err != nil {
			return rep, err
		}
		if err := scrollThrough(ctx); err != nil {
			return rep, err
		}
		_ = chromedp.Run(ctx, chromedp.Poll(`Array.from(document.querySelectorAll('.`+draw.ChartClass+`'))`+
			`.every(c => c.querySelector('.descent-viz-chart canvas, .descent-viz-chart svg'))`,
			nil, chromedp.WithPollingTimeout(25*time.Second)))
	}
	if err := chromedp.Run(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		return rep, err
	}
	if !scripts {
		// Evaluating needs scripts; the page's own scripts never ran.
		if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(false)); err != nil {
			return rep, err
		}
	}
	// A reader can open every folded check and solution: look at them open.
	if err := chromedp.Run(ctx, chromedp.Evaluate(openDetailsJS, nil),
		chromedp.Sleep(300*time.Millisecond)); err != nil {
		return rep, err
	}
	var links []string
	for _, pc := range Checks {
		if !pc.Scripts.runs(scripts) {
			continue
		}
		var r result
		script := strings.ReplaceAll(pc.Script, "SCRIPTS", fmt.Sprint(scripts))
		if err := chromedp.Run(ctx, chromedp.Evaluate(script, &r)); err != nil {
			return rep, fmt.Errorf("check %s on %s: %w", pc.Name, pageURL, err)
		}
		problems = append(problems, r.Problems...)
		for k, v := range r.Counts {
			rep.Counts[k] += v
		}
		links = append(links, r.Links...)
	}
	if scripts && hasExplorables(abs) {
		ps, err := explorecheck.LayoutSweep(ctx)
		if err != nil {
			return rep, fmt.Errorf("the explorables' layout sweep on %s: %w", pageURL, err)
		}
		problems = append(problems, ps...)
	}
	if c.Shots != "" {
		var png []byte
		if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err == nil {
			_ = os.MkdirAll(c.Shots, 0o755)
			suffix := ""
			if !scripts {
				suffix = "-noscript"
			}
			_ = os.WriteFile(filepath.Join(c.Shots, strings.TrimSuffix(filepath.Base(pagePath), ".html")+suffix+".png"), png, 0o644)
		}
	}
	for _, l := range links {
		u, err := url.Parse(l)
		if err != nil || u.Scheme != "file" {
			add("link %s is not a local file", l)
			continue
		}
		if _, err := os.Stat(u.Path); err != nil {
			add("link %s does not resolve", l)
		}
	}
	problems = append(w.Problems(), problems...)
	if len(problems) > 0 {
		return rep, errors.New(strings.Join(problems, "\n     "))
	}
	return rep, nil
}
