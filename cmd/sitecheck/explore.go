package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/explorecheck"
	"github.com/descentlab/descent/internal/testenv"
	"github.com/descentlab/descent/lib/explore/web"
)

// The explorables (lib/explore): on a page that has any, the scripts-on
// check also moves every control of every explorable to its two ends and
// runs lib/viz's layout check on their charts (explorecheck.LayoutSweep,
// in the same SVG-rendered tab), and Explore drives them in a tab of their
// own, drawn with echarts' canvas renderer as readers see them: every
// control across its range, each figure compared with a native run
// (explorecheck.Drive), the slider-to-redraw latency and the time from
// navigation to the first drawn explorable measured.

// hasExplorables reports whether the page file holds an explorable.
func hasExplorables(pagePath string) bool {
	b, err := os.ReadFile(pagePath)
	return err == nil && bytes.Contains(b, []byte(`class="`+web.Class+`"`))
}

// Explore drives the explorables of one page; the native side runs in an
// explorecheck.Oracle started on first use (in the checkout sitecheck runs
// from: `make test-site` runs it at the root).
func (c *Checker) Explore(pagePath string) (explorecheck.Report, error) {
	abs, err := filepath.Abs(pagePath)
	if err != nil {
		return explorecheck.Report{}, err
	}
	if err := c.start(); err != nil {
		return explorecheck.Report{}, err
	}
	if c.oracle == nil {
		root, err := testenv.RepoRoot()
		if err != nil {
			return explorecheck.Report{}, fmt.Errorf("the explorables' native runs need the checkout: %w", err)
		}
		if c.oracle, err = explorecheck.StartOracle(root); err != nil {
			return explorecheck.Report{}, err
		}
	}
	ctx, cancel := chromedp.NewContext(c.browser.Ctx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 3*c.Timeout)
	defer cancelT()
	w := &testenv.Watch{FailedRequests: true}
	w.Listen(ctx)
	if err := chromedp.Run(ctx, testenv.Domains(),
		network.SetBlockedURLs([]string{"http://*", "https://*", "ws://*", "wss://*"}),
		chromedp.Navigate((&url.URL{Scheme: "file", Path: abs}).String())); err != nil {
		return explorecheck.Report{}, fmt.Errorf("loading %s: %w", abs, err)
	}
	rep, problems, err := explorecheck.Drive(ctx, 30*time.Second, c.oracle)
	if err != nil {
		return rep, err
	}
	problems = append(w.Problems(), problems...)
	if len(problems) > 0 {
		return rep, fmt.Errorf("%s", strings.Join(problems, "\n     "))
	}
	return rep, nil
}
