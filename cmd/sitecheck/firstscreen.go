package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
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
// and records in window.__descentFirstScreen the time, in milliseconds after
// navigation started (performance.now()), of the first animation frame at
// which the page is parsed and every chart that intersects the first
// viewport holds its live drawing (a canvas or svg in .descent-viz-chart).
// Explorables' panels (inside .descent-explore) are not charts here: their
// readiness is the explorables' check. Cost: one layout query per chart per
// frame until the condition holds.
var firstScreenJS = `(() => {
  const live = () => {
    if (document.readyState === 'loading') return false;
    const h = innerHeight;
    return Array.from(document.querySelectorAll('.` + draw.ChartClass + `')).every(c => {
      if (c.closest('.descent-explore')) return true;
      const r = c.getBoundingClientRect();
      return r.bottom <= 0 || r.top >= h || !!c.querySelector('.descent-viz-chart canvas, .descent-viz-chart svg');
    });
  };
  const tick = () => { if (live()) window.__descentFirstScreen = performance.now(); else requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
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
	FirstScreen time.Duration // navigation to the first viewport's charts drawn (scripts on) or painted (off)
	Load        time.Duration // navigation to the load event
}

// FirstScreen opens a page in a fresh tab, as a reader does (the network
// blocked, nothing evaluated before it but the recorder above), and measures
// its Speed: with scripts on, until every chart in the first viewport
// (1200×900) is drawn by echarts; with scripts off, until the first screen
// was painted (paintedJS). It fails when the charts are not drawn within
// the checker's timeout. Each call costs one page load.
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
		if err := chromedp.Run(ctx, chromedp.Poll(`window.__descentFirstScreen`, &first, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			return sp, fmt.Errorf("%s: the first screen's charts were not drawn: %w", filepath.Base(pagePath), err)
		}
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
	return fmt.Sprintf("%4.0f KiB (%4.0f KiB with pages/%s/), first screen %4.0f ms (scripts off %4.0f ms), load %4.0f ms (off %4.0f ms)",
		float64(s.Bytes)/1024, float64(s.Bytes+s.AssetBytes)/1024, strings.TrimSuffix(s.Page, ".html"),
		ms(s.On.FirstScreen), ms(s.Off.FirstScreen), ms(s.On.Load), ms(s.Off.Load))
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

// medianSpeed is the median of each of the speeds' times.
func medianSpeed(all []Speed) Speed {
	var first, load []time.Duration
	for _, s := range all {
		first = append(first, s.FirstScreen)
		load = append(load, s.Load)
	}
	return Speed{FirstScreen: explorecheck.Median(first), Load: explorecheck.Median(load)}
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
// worst first screen.
func printSpeeds(w io.Writer, speeds []PageSpeed, n int) {
	if len(speeds) == 0 {
		return
	}
	fmt.Fprintf(w, "speed (medians of %d loads per mode; first screen: navigation until the first viewport's charts are drawn, or painted with scripts off):\n", n)
	fmt.Fprintf(w, "  %-40s %8s %10s %14s %14s %10s %10s\n", "page", "KiB", "KiB+pages", "first screen", "(scripts off)", "load", "(off)")
	var worst PageSpeed
	for _, s := range speeds {
		fmt.Fprintf(w, "  %-40s %8.0f %10.0f %11.0f ms %11.0f ms %7.0f ms %7.0f ms\n", s.Page, float64(s.Bytes)/1024, float64(s.Bytes+s.AssetBytes)/1024,
			ms(s.On.FirstScreen), ms(s.Off.FirstScreen), ms(s.On.Load), ms(s.Off.Load))
		if s.On.FirstScreen > worst.On.FirstScreen {
			worst = s
		}
	}
	fmt.Fprintf(w, "  slowest first screen: %s, %.0f ms\n", worst.Page, ms(worst.On.FirstScreen))
}
