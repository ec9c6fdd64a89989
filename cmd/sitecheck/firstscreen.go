package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/explorecheck"
	"github.com/descentlab/descent/lib/viz/draw"
)

// firstScreenJS runs in every new document before the page's own scripts
// and records, in milliseconds after navigation started (performance.now()),
// what window.__descentFirstScreen() reports once the page has loaded:
//
//   - drawn: when the first 1200×900 viewport was drawn, the later of the
//     first contentful paint, the last largest-contentful-paint candidate,
//     the first frame at which the page's content reached past the
//     viewport's bottom (or was all parsed), and, for every chart that
//     intersects the first viewport, the earlier of its picture's paint
//     (Element Timing: each chart's <img> gets an elementtiming attribute
//     as the parser adds it) and the frame at which it held its live
//     drawing. The picture is the chart (lib/viz/draw renders both from
//     the same options): a reader who sees it sees the chart drawn;
//   - live: the later of drawn, the frames at which every first-viewport
//     chart held its live echarts drawing (a canvas or svg in
//     .descent-viz-chart), and echarts' load ("descent-echarts", when the
//     page names it), from which any chart scrolled to is drawn live;
//   - charts: how many charts intersect the first viewport.
//
// It returns null until the load event has passed and both are known.
// Explorables' panels (inside .descent-explore) are not charts here: their
// readiness is the explorables' check. Cost: a mutation observer while the
// page is parsed, and a layout query per chart per frame until the page
// is live.
var firstScreenJS = `(() => {
  const S = {filled: 0, lcp: 0, pictures: {}, live: {}, echarts: 0, done: false};
  const charts = () => Array.from(document.querySelectorAll('.` + draw.ChartClass + `')).filter(c => !c.closest('.descent-explore'));
  new MutationObserver(rs => rs.forEach(r => r.addedNodes.forEach(n => {
    const box = n.nodeName === 'IMG' && n.parentElement;
    if (box && box.classList.contains('` + draw.ChartClass + `') && box.id) n.setAttribute('elementtiming', box.id);
  }))).observe(document, {childList: true, subtree: true});
  try {
    new PerformanceObserver(l => l.getEntries().forEach(e => { if (!(e.identifier in S.pictures)) S.pictures[e.identifier] = e.renderTime || e.loadTime; }))
      .observe({type: 'element', buffered: true});
    new PerformanceObserver(l => l.getEntries().forEach(e => { S.lcp = Math.max(S.lcp, e.renderTime || e.startTime); }))
      .observe({type: 'largest-contentful-paint', buffered: true});
  } catch (e) {}
  addEventListener('descent-echarts', () => { S.echarts = performance.now(); });
  const tick = () => {
    if (S.done) return;
    const t = performance.now();
    if (!S.filled && (document.readyState !== 'loading' || document.documentElement.scrollHeight > innerHeight)) S.filled = t;
    charts().forEach(c => { if (!S.live[c.id] && c.querySelector('.descent-viz-chart canvas, .descent-viz-chart svg')) S.live[c.id] = t; });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__descentFirstScreen = () => {
    const fcp = (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime;
    if (document.readyState !== 'complete' || !S.filled || !fcp) return null;
    if (document.querySelector('script[data-echarts]') && !S.echarts) return null;
    const y = scrollY, first = charts().filter(c => { const r = c.getBoundingClientRect(); return r.bottom + y > 0 && r.top + y < innerHeight; });
    let drawn = Math.max(fcp, S.lcp, S.filled), live = 0;
    for (const c of first) {
      const pic = S.pictures[c.id], on = S.live[c.id];
      if (!pic && !on) return null;
      drawn = Math.max(drawn, Math.min(pic || Infinity, on || Infinity));
      if (!on) return null;
      live = Math.max(live, on);
    }
    S.done = true;
    return {drawn, live: Math.max(drawn, live, S.echarts), charts: first.length};
  };
})()`

// paintedJS reads, after a page loaded with scripts off, when its first
// screen was painted: the later of the first contentful paint and the last
// largest-contentful-paint candidate (a picture in the first viewport, when
// it is the largest element there), in milliseconds after navigation started.
const paintedJS = `new Promise(done => {
  let lcp = 0;
  const fcp = (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: 0}).startTime;
  try {
    new PerformanceObserver(l => l.getEntries().forEach(e => { lcp = Math.max(lcp, e.renderTime || e.startTime); }))
      .observe({type: 'largest-contentful-paint', buffered: true});
  } catch (e) {}
  setTimeout(() => done(Math.max(fcp, lcp)), 50);
})`

// Speed is how fast a page shows its first screen and loads.
type Speed struct {
	FirstScreen time.Duration // navigation to the first viewport drawn, its charts as pictures or live (scripts on), or painted (off)
	Live        time.Duration // navigation to the first viewport's charts live and echarts loaded (scripts on; 0 off)
	Charts      int           // charts intersecting the first viewport (scripts on)
	Load        time.Duration // navigation to the load event
}

// FirstScreen opens a page in a fresh tab, as a reader does (the network
// blocked, nothing evaluated before it but the recorder above), and measures
// its Speed: with scripts on, until the first viewport (1200×900) is drawn,
// its charts as pictures or live, and until they are live
// (firstScreenJS); with scripts off, until the first screen was painted
// (paintedJS). It fails when the charts are not live within the checker's
// timeout. Each call costs one page load.
func (c *Checker) FirstScreen(pagePath string, scripts bool) (Speed, error) {
	var sp Speed
	abs, err := filepath.Abs(pagePath)
	if err != nil {
		return sp, err
	}
	ctx, cancel, err := c.tab(c.Timeout)
	if err != nil {
		return sp, err
	}
	defer cancel()
	actions := []chromedp.Action{offline()}
	if scripts {
		actions = append(actions, chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(firstScreenJS).Do(ctx)
			return err
		}))
	} else {
		actions = append(actions, emulation.SetScriptExecutionDisabled(true))
	}
	pageURL := (&url.URL{Scheme: "file", Path: abs}).String()
	actions = append(actions, chromedp.Navigate(pageURL))
	if err := chromedp.Run(ctx, actions...); err != nil {
		return sp, fmt.Errorf("loading %s: %w", pageURL, err)
	}
	if !scripts {
		if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(false)); err != nil {
			return sp, err
		}
	}
	var first, load float64
	awaited := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	if scripts {
		var r struct {
			Drawn, Live float64
			Charts      int
		}
		if err := chromedp.Run(ctx, chromedp.Poll(`window.__descentFirstScreen && window.__descentFirstScreen()`, &r, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			return sp, fmt.Errorf("%s: the first screen was not drawn and live: %w", filepath.Base(pagePath), err)
		}
		first, sp.Charts = r.Drawn, r.Charts
		sp.Live = time.Duration(r.Live * float64(time.Millisecond))
	} else if err := chromedp.Run(ctx, chromedp.Evaluate(paintedJS, &first, awaited)); err != nil {
		return sp, err
	}
	if err := chromedp.Run(ctx, chromedp.Poll(`(performance.getEntriesByType('navigation')[0] || {}).loadEventEnd || 0`, &load,
		chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		return sp, err
	}
	sp.FirstScreen = time.Duration(first * float64(time.Millisecond))
	sp.Load = time.Duration(load * float64(time.Millisecond))
	return sp, nil
}

// PageSpeed is one page's weight and speed: medians of repeated loads.
type PageSpeed struct {
	Page          string
	Bytes         int64 // the page's own file
	AssetBytes    int64 // its per-page assets (pages/PAGE/: charts' pictures and data), loaded when needed
	On, Off       Speed // scripts on, scripts off
	OnAll, OffAll []Speed
}

func (s PageSpeed) String() string {
	return fmt.Sprintf("%4.0f KiB (%4.0f KiB with pages/%s/), first screen drawn %4.0f ms (%d charts in it; scripts off %4.0f ms), live %4.0f ms, load %4.0f ms (off %4.0f ms)",
		float64(s.Bytes)/1024, float64(s.Bytes+s.AssetBytes)/1024, strings.TrimSuffix(s.Page, ".html"),
		ms(s.On.FirstScreen), s.On.Charts, ms(s.Off.FirstScreen), ms(s.On.Live), ms(s.On.Load), ms(s.Off.Load))
}

// Speeds measures a page n times in each mode, alternating the modes, and
// returns the medians with its sizes. Cost: 2n page loads.
func (c *Checker) Speeds(pagePath string, n int) (PageSpeed, error) {
	ps := PageSpeed{Page: filepath.Base(pagePath)}
	st, err := os.Stat(pagePath)
	if err != nil {
		return ps, err
	}
	ps.Bytes = st.Size()
	ps.AssetBytes = dirSize(filepath.Join(filepath.Dir(pagePath), "pages", strings.TrimSuffix(ps.Page, ".html")))
	for i := 0; i < max(n, 1); i++ {
		for _, scripts := range []bool{true, false} {
			sp, err := c.FirstScreen(pagePath, scripts)
			if err != nil {
				return ps, err
			}
			if scripts {
				ps.OnAll = append(ps.OnAll, sp)
			} else {
				ps.OffAll = append(ps.OffAll, sp)
			}
		}
	}
	ps.On, ps.Off = medianSpeed(ps.OnAll), medianSpeed(ps.OffAll)
	return ps, nil
}

// measure prints a page's speeds (Speeds) and appends them to speeds; a
// page that cannot be measured is counted in failed.
func (c *Checker) measure(speeds []PageSpeed, page string, n int, failed *int) []PageSpeed {
	sp, err := c.Speeds(page, n)
	if err != nil {
		*failed++
		fmt.Printf("FAIL %-40s speed: %v\n", filepath.Base(page), err)
		return speeds
	}
	fmt.Printf("     %-40s %s\n", filepath.Base(page), sp)
	return append(speeds, sp)
}

// medianSpeed is the median of each of the speeds' times (and their first
// screens' most common chart count).
func medianSpeed(all []Speed) Speed {
	var first, live, load []time.Duration
	var charts []int
	for _, s := range all {
		first = append(first, s.FirstScreen)
		live = append(live, s.Live)
		load = append(load, s.Load)
		charts = append(charts, s.Charts)
	}
	slices.Sort(charts)
	m := Speed{FirstScreen: explorecheck.Median(first), Live: explorecheck.Median(live), Load: explorecheck.Median(load)}
	if len(charts) > 0 {
		m.Charts = charts[len(charts)/2]
	}
	return m
}

// dirSize is the bytes of the files under dir (0 if there is none).
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// printSpeeds writes the pages' sizes and speeds as a table, with the
// slowest first screen and the slowest to be live.
func printSpeeds(w io.Writer, speeds []PageSpeed, n int) {
	if len(speeds) == 0 {
		return
	}
	fmt.Fprintf(w, "speed (medians of %d loads per mode; first screen drawn: navigation until the first viewport is drawn, its charts as pictures or live, "+
		"or painted with scripts off; live: until its charts are live and echarts is loaded):\n", n)
	fmt.Fprintf(w, "  %-40s %8s %10s %7s %13s %13s %10s %10s %10s\n", "page", "KiB", "KiB+pages", "charts", "first screen", "(scripts off)", "live", "load", "(off)")
	var worst, slowest PageSpeed
	for _, s := range speeds {
		fmt.Fprintf(w, "  %-40s %8.0f %10.0f %7d %10.0f ms %10.0f ms %7.0f ms %7.0f ms %7.0f ms\n", s.Page, float64(s.Bytes)/1024, float64(s.Bytes+s.AssetBytes)/1024,
			s.On.Charts, ms(s.On.FirstScreen), ms(s.Off.FirstScreen), ms(s.On.Live), ms(s.On.Load), ms(s.Off.Load))
		if s.On.FirstScreen > worst.On.FirstScreen {
			worst = s
		}
		if s.On.Live > slowest.On.Live {
			slowest = s
		}
	}
	fmt.Fprintf(w, "  slowest first screen drawn: %s, %.0f ms; slowest live: %s, %.0f ms\n", worst.Page, ms(worst.On.FirstScreen), slowest.Page, ms(slowest.On.Live))
}
