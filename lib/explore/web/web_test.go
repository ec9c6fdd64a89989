package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/explorebuild"
	"github.com/descentlab/descent/internal/explorecheck"
	"github.com/descentlab/descent/internal/testenv"
	"github.com/descentlab/descent/lib/explore/web"
	"github.com/descentlab/descent/lib/viz/draw"
)

// TestExplorablesInChromium builds the module, writes a page with every
// explorable and drives it from file:// with the network blocked
// (internal/explorecheck): every control across its range, each figure
// equal to the native run's, a library panic recovered.
func TestExplorablesInChromium(t *testing.T) {
	testenv.NeedChromium(t)
	root, err := web.Root()
	if err != nil {
		t.Fatal(err)
	}
	results, err := explorebuild.All(root)
	if err != nil {
		t.Fatal(err)
	}
	var assets []*web.Asset
	for _, r := range results {
		a := r.Asset
		assets = append(assets, a)
		t.Logf("module %s: %d bytes, %d gzip; asset %s", a.Module, a.WasmBytes, a.GzipBytes, a.File())
	}
	path := filepath.Join(t.TempDir(), "explore.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := web.WritePage(f, "explorables", assets, web.AllItems()...); err != nil {
		t.Fatal(err)
	}
	f.Close()

	b := testenv.NewBrowser(t, testenv.BrowserConfig{Width: 1100, Height: 900})
	ctx, cancel := chromedp.NewContext(b.Ctx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelT()
	w := &testenv.Watch{FailedRequests: true}
	w.Listen(ctx)
	if err := chromedp.Run(ctx, testenv.Domains(),
		chromedp.Navigate((&url.URL{Scheme: "file", Path: path}).String())); err != nil {
		t.Fatal(err)
	}
	oracle, err := explorecheck.StartOracle(root)
	if err != nil {
		t.Fatal(err)
	}
	defer oracle.Close()
	rep, problems, err := explorecheck.Drive(ctx, time.Minute, oracle)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(w.Problems(), problems...) {
		t.Error(p)
	}
	if len(rep.Explorables) != len(web.Explorables()) {
		t.Errorf("drove %d explorables, want %d", len(rep.Explorables), len(web.Explorables()))
	}
	for _, e := range rep.Explorables {
		t.Log(e)
	}
	t.Logf("first explorable drawn %.0f ms after navigation, all by %.0f ms",
		rep.FirstDraw.Seconds()*1000, rep.AllDrawn.Seconds()*1000)

	// The layout at every control's ends, drawn with echarts' SVG renderer.
	svg, cancelSVG := chromedp.NewContext(b.Ctx)
	defer cancelSVG()
	svg, cancelT2 := context.WithTimeout(svg, 5*time.Minute)
	defer cancelT2()
	if err := chromedp.Run(svg, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(draw.RendererOverride).Do(ctx)
		return err
	}), chromedp.Navigate((&url.URL{Scheme: "file", Path: path}).String()),
		chromedp.Poll(`Array.from(document.querySelectorAll('.`+web.Class+`')).every(b => +b.getAttribute('data-runs') >= 1)`,
			nil, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatal(err)
	}
	layout, err := explorecheck.LayoutSweep(svg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range layout {
		t.Error(p)
	}
}
