// Command pdf prints the lecture notes to one PDF (`make pdf`): the course
// map first, then every lesson in the map's order, each page printed by
// Debian's headless Chromium (the DevTools Protocol's Page.printToPDF, what
// `chromium --headless --print-to-pdf` does) with the site's print
// stylesheet (tools/site/assets/site.css), and the pages joined with
// poppler's pdfunite. Nothing is downloaded; the pages are read from disk
// with the network blocked and scripts on, as a reader prints them.
//
// Before printing a page it checks the page as printed (CSS print media):
// every chart and explorable panel shows its static picture, no live canvas,
// navigation, contents or search box shows, and no check's code. After, it
// checks the PDF: at least one sheet per page, each page's text extractable
// (pdftotext) and holding the page's title and every chart's title (the
// pictures are vector SVG: their text is the PDF's text). It fails naming
// what is wrong.
//
//	go run ./tools/site/pdf [-out build/notes.pdf] build/html
package main

import (
	"context"
	"flag"
	"fmt"
	"html"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/testenv"
)

// printJS looks at the page under print media: what a sheet would show.
const printJS = `(() => {
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 2 && r.height > 2 && s.display !== 'none' && s.visibility !== 'hidden'; };
  const problems = [], charts = Array.from(document.querySelectorAll('.descent-viz'));
  let pictures = 0, titles = [];
  charts.forEach((c, i) => {
    const img = c.querySelector(':scope > img');
    if (img && shown(img) && img.complete && img.naturalWidth > 0) { pictures++; if (img.alt) titles.push(img.alt); }
    else problems.push('chart ' + (c.id || '#' + i) + ' prints no picture');
  });
  const canvases = Array.from(document.querySelectorAll('canvas, .descent-viz-chart')).filter(shown).length;
  if (canvases) problems.push(canvases + ' live charts (canvas) print instead of their pictures');
  for (const sel of ['.descent-nav', '.descent-toc', '.descent-search', '.descent-explore-controls', 'details.descent-check', 'details.descent-solution .jp-InputArea'])
    document.querySelectorAll(sel).forEach(el => { if (shown(el)) problems.push(sel + ' prints'); });
  const h1 = document.querySelector('h1');
  return {problems, charts: charts.length, pictures, titles, title: h1 ? h1.textContent.replace(/¶/g, '').trim() : document.title};
})()`

type printed struct {
	Problems         []string `json:"problems"`
	Charts, Pictures int
	Titles           []string `json:"titles"` // the pictures' titles (alt), each to be found in the PDF's text
	Title            string   `json:"title"`
}

func main() {
	out := flag.String("out", "build/notes.pdf", "the PDF to write")
	timeout := flag.Duration("timeout", 90*time.Second, "time allowed per page")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pdf [-out build/notes.pdf] SITE_DIR")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "pdf:", err)
		os.Exit(1)
	}
}

// coursePages returns index.html and the lessons in the course map's order.
func coursePages(site string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(site, "index.html"))
	if err != nil {
		return nil, fmt.Errorf("%w: run `make notes` first", err)
	}
	pages := []string{"index.html"}
	for _, m := range regexp.MustCompile(`<li><span class="num">[^<]*</span> <a href="([^"]+)"`).FindAllStringSubmatch(string(b), -1) {
		p, err := url.PathUnescape(html.UnescapeString(m[1]))
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	if len(pages) == 1 {
		return nil, fmt.Errorf("the course map %s lists no lesson", filepath.Join(site, "index.html"))
	}
	return pages, nil
}

func run(site, out string, timeout time.Duration) error {
	for _, tool := range []string{testenv.Chromium, "pdfunite", "pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found: apt-get install chromium poppler-utils", tool)
		}
	}
	pages, err := coursePages(site)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".notes-pdf-")
	if err != nil {
		if err = os.MkdirAll(filepath.Dir(out), 0o755); err == nil {
			tmp, err = os.MkdirTemp(filepath.Dir(out), ".notes-pdf-")
		}
		if err != nil {
			return err
		}
	}
	defer os.RemoveAll(tmp)
	b, err := testenv.StartBrowser(context.Background(), testenv.BrowserConfig{Width: 1200, Height: 900,
		Flags: map[string]any{"allow-file-access-from-files": true}})
	if err != nil {
		return err
	}
	defer b.Close()
	t0 := time.Now()
	var parts, problems []string
	sheets, charts := 0, 0
	for i, p := range pages {
		part := filepath.Join(tmp, fmt.Sprintf("%02d.pdf", i))
		pr, err := printPage(b, filepath.Join(site, p), part, timeout)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		n, text, err := readPDF(part)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, q := range pr.Problems {
			problems = append(problems, p+": "+q)
		}
		if n < 1 {
			problems = append(problems, p+": printed no sheet")
		}
		if words := len(strings.Fields(text)); words < 20 {
			problems = append(problems, fmt.Sprintf("%s: %d words of text in its PDF: not extractable", p, words))
		}
		if !strings.Contains(squash(text), squash(pr.Title)) {
			problems = append(problems, fmt.Sprintf("%s: its title %q is not in its PDF's text", p, pr.Title))
		}
		missing := 0
		for _, t := range pr.Titles {
			if !strings.Contains(squash(text), squash(t)) {
				missing++
				problems = append(problems, fmt.Sprintf("%s: the chart %q is not in its PDF (its title is not in the text)", p, t))
			}
		}
		fmt.Printf("pdf: %-42s %3d sheets, %3d charts, %3d pictures\n", p, n, pr.Charts, pr.Pictures)
		sheets += n
		charts += pr.Charts
		parts = append(parts, part)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the printed notes are wrong:\n  %s", strings.Join(problems, "\n  "))
	}
	joined := filepath.Join(tmp, "notes.pdf")
	if o, err := exec.Command("pdfunite", append(parts, joined)...).CombinedOutput(); err != nil {
		return fmt.Errorf("pdfunite: %v\n%s", err, o)
	}
	n, _, err := readPDF(joined)
	if err != nil {
		return err
	}
	if n != sheets || n < len(pages) {
		return fmt.Errorf("the joined PDF has %d sheets, its %d pages %d", n, len(pages), sheets)
	}
	if err := os.Rename(joined, out); err != nil {
		return err
	}
	fi, _ := os.Stat(out)
	fmt.Printf("pdf: %s: %d pages of the notes on %d sheets, %d charts as pictures, %.1f MiB, in %.0f s\n",
		out, len(pages), n, charts, float64(fi.Size())/(1<<20), time.Since(t0).Seconds())
	return nil
}

// printPage opens one page in a tab of b, checks it as printed and prints it to file.
func printPage(b *testenv.Browser, path, file string, timeout time.Duration) (printed, error) {
	var pr printed
	abs, err := filepath.Abs(path)
	if err != nil {
		return pr, err
	}
	ctx, cancel := chromedp.NewContext(b.Ctx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	defer cancelT()
	w := &testenv.Watch{FailedRequests: true}
	w.Listen(ctx)
	var pdf []byte
	if err := chromedp.Run(ctx, testenv.Domains(),
		network.SetBlockedURLs([]string{"http://*", "https://*", "ws://*", "wss://*"}),
		chromedp.Navigate((&url.URL{Scheme: "file", Path: abs}).String()),
		chromedp.WaitReady("body")); err != nil {
		return pr, err
	}
	// Printed as a reader prints: once the page and its charts' pictures
	// (per-page files, pages/PAGE/) have loaded, or after 20 s; the check
	// below says what prints either way. Charts are drawn live only near the
	// viewport (assets/charts.js), and print as their pictures anyway.
	_ = chromedp.Run(ctx, chromedp.Poll(`document.readyState === 'complete' && Array.from(document.querySelectorAll('.descent-viz > img'))`+
		`.every(i => i.complete)`,
		nil, chromedp.WithPollingTimeout(20*time.Second)))
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.fonts.ready.then(() => true)`, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(printJS, &pr),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().
				WithPreferCSSPageSize(true).WithPrintBackground(true).
				WithDisplayHeaderFooter(true).
				WithHeaderTemplate(`<span></span>`).
				WithFooterTemplate(`<div style="font:8px system-ui,sans-serif;color:#666;width:100%;margin:0 13mm;display:flex;justify-content:space-between">` +
					`<span class="title"></span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`).
				WithGenerateDocumentOutline(true).
				Do(ctx)
			return err
		}))
	if err != nil {
		return pr, err
	}
	pr.Problems = append(w.Problems(), pr.Problems...)
	return pr, os.WriteFile(file, pdf, 0o644)
}

// readPDF returns a PDF's page count (pdfinfo) and text (pdftotext).
func readPDF(file string) (int, string, error) {
	info, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		return 0, "", fmt.Errorf("pdfinfo %s: %w", file, err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		return 0, "", fmt.Errorf("pdfinfo %s: no page count", file)
	}
	n, _ := strconv.Atoi(string(m[1]))
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		return n, "", fmt.Errorf("pdftotext %s: %w", file, err)
	}
	return n, string(text), nil
}

// squash folds a text's white space, case and typographic ligatures (the
// PDF's "ﬁ" is the page's "fi"), for finding a title in a PDF's text.
func squash(s string) string {
	return ligatures.Replace(strings.ToLower(strings.Join(strings.Fields(s), "")))
}

var ligatures = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "st", "ﬆ", "st")
