package main

import (
	"bufio"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/testenv"
)

// The search (tools/site/assets/search.js): with scripts on, every page has
// the box; with scripts off, no page shows one. Search runs queries in the
// box of the course map, read from disk with the network blocked, and checks
// that each query's first result is a section of the page it must find.
func init() {
	Checks = append(Checks, PageCheck{Name: "search", Scripts: Both, Script: searchJS})
}

const searchJS = `(() => {
  const problems = [], boxes = Array.from(document.querySelectorAll('.descent-search'));
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  if (SCRIPTS) {
    if (boxes.length !== 1) problems.push(boxes.length + ' search boxes on the page, want 1 (assets/search.js)');
    else if (!boxes[0].querySelector('input') || !shown(boxes[0].querySelector('input'))) problems.push('the search box is not shown');
  } else if (boxes.some(shown)) problems.push('a search box shows with scripts off (it would not work)');
  return {problems, counts: {"search boxes": boxes.length}};
})()`

// A SearchQuery is a query and the page (a file name prefix, such as
// "03-momentum") whose section must come first.
type SearchQuery struct {
	Query, Page string
}

// ReadQueries reads a file of queries, one a line: the query, a tab, the
// page prefix. Blank lines and lines starting with # are skipped.
func ReadQueries(path string) ([]SearchQuery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []SearchQuery
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, p, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(q) == "" || strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("%s:%d: want QUERY<tab>PAGE-PREFIX, got %q", path, n, line)
		}
		qs = append(qs, SearchQuery{strings.TrimSpace(q), strings.TrimSpace(p)})
	}
	return qs, sc.Err()
}

// SearchResult is what one query found: the results' links, in order.
type SearchResult struct {
	Query SearchQuery
	Hrefs []string
	Took  time.Duration // typing the query to the results shown (the index loaded on the first)
}

// Search types each query into the search box of site/index.html and checks
// the first result. With c.Shots set, the results of the first query are
// saved as search-results.png.
func (c *Checker) Search(site string, queries []SearchQuery) ([]SearchResult, error) {
	abs, err := filepath.Abs(filepath.Join(site, "index.html"))
	if err != nil {
		return nil, err
	}
	ctx, cancel, err := c.tab(c.Timeout + time.Duration(len(queries))*5*time.Second)
	if err != nil {
		return nil, err
	}
	defer cancel()
	w := &testenv.Watch{FailedRequests: true}
	w.Listen(ctx)
	if err := chromedp.Run(ctx, offline(),
		chromedp.Navigate((&url.URL{Scheme: "file", Path: abs}).String()),
		chromedp.WaitVisible(".descent-search input", chromedp.ByQuery)); err != nil {
		return nil, fmt.Errorf("the course map's search box: %w", err)
	}
	var out []SearchResult
	var problems []string
	for i, q := range queries {
		t0 := time.Now()
		var hrefs []string
		// Typed as a reader types: focus, then the text (input events).
		err := chromedp.Run(ctx,
			chromedp.Evaluate(`(() => { const i = document.querySelector('.descent-search input'); i.value = ''; i.dispatchEvent(new Event('input')); i.focus(); })()`, nil),
			chromedp.SendKeys(".descent-search input", q.Query, chromedp.ByQuery),
			chromedp.Poll(`(() => { const b = document.querySelector('.descent-search'), i = b.querySelector('input');
  return b.hasAttribute('data-results') && i.value === `+jsString(q.Query)+` && !b.querySelector('.descent-search-results').hidden; })()`,
				nil, chromedp.WithPollingTimeout(15*time.Second)),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('.descent-search-results a')).map(a => a.getAttribute('href'))`, &hrefs))
		if err != nil {
			return out, fmt.Errorf("query %q: %w", q.Query, err)
		}
		r := SearchResult{Query: q, Hrefs: hrefs, Took: time.Since(t0)}
		out = append(out, r)
		if len(hrefs) == 0 {
			problems = append(problems, fmt.Sprintf("query %q found nothing, want a section of %s", q.Query, q.Page))
		} else if p := resultProblem(site, hrefs[0], q.Page); p != "" {
			problems = append(problems, fmt.Sprintf("query %q: first result %s: %s", q.Query, hrefs[0], p))
		}
		if i == 0 && c.Shots != "" {
			var png []byte
			if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&png)); err == nil {
				_ = os.MkdirAll(c.Shots, 0o755)
				_ = os.WriteFile(filepath.Join(c.Shots, "search-results.png"), png, 0o644)
			}
		}
	}
	problems = append(w.Problems(), problems...)
	if len(problems) > 0 {
		return out, fmt.Errorf("%s", strings.Join(problems, "\n     "))
	}
	return out, nil
}

// resultProblem says what is wrong with a result's link: not on the wanted
// page, or its section anchor names no heading there.
func resultProblem(site, href, wantPage string) string {
	u, err := url.Parse(href)
	if err != nil {
		return "not a link: " + err.Error()
	}
	if !strings.HasPrefix(u.Path, wantPage) {
		return "not a section of " + wantPage
	}
	b, err := os.ReadFile(filepath.Join(site, u.Path))
	if err != nil {
		return "the page does not resolve"
	}
	if u.Fragment == "" {
		return "" // the page's top
	}
	for _, m := range headingID.FindAllStringSubmatch(string(b), -1) {
		if html.UnescapeString(m[1]) == u.Fragment {
			return ""
		}
	}
	return "names no heading on the page (#" + u.Fragment + ")"
}

var headingID = regexp.MustCompile(`<h[1-6] id="([^"]*)"`)

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
