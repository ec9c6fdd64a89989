// Command sitecheck opens every page of the exported lecture notes from disk
// in headless Chromium with the network blocked, with scripts on and off,
// and checks that each works offline and reads right:
//
//   - no console error and no uncaught exception;
//   - no request to any host (only file:// URLs), and no failed request;
//   - every chart container holds a rendered chart (scripts on) or shows its
//     static picture (scripts off);
//   - every formula was rendered at build time: KaTeX markup, and no raw TeX
//     ($…$, $$…$$, \(…\), \[…\]) left in the text, with scripts off too;
//   - every code block is highlighted as Go (nbconvert's hl-go), not as
//     IPython;
//   - shared assets are referenced, not inlined: no inlined echarts bundle
//     (lib/viz/draw.LoaderAttr), no inlined stylesheet over 4 KiB, and the page
//     links assets/notebook.css, assets/site.css and, with charts,
//     assets/echarts-*.min.js;
//   - the page's own file is at most -budget bytes (pages over the -goal are
//     reported);
//   - every local link (navigation, table of contents) resolves;
//   - each page's speed, reported, never failed on (-repeat loads per mode,
//     medians): its first screen drawn, the time from navigation until the
//     first 1200×900 viewport is painted with every chart in it drawn, as
//     its picture or live (scripts on), or painted (scripts off); live, the
//     time until those charts are live echarts drawings and echarts is
//     loaded (scripts on); and its load event; its own size and its size
//     with the per-page assets it may load (pages/PAGE/);
//   - on pages with explorables (lib/explore): every control of every
//     explorable moved across its range in a tab of its own, each figure
//     equal to a native run's, the layout checked at every control's ends;
//     the slider-to-redraw latency, the time from scrolling each
//     explorable into view on a settled page until it answers, and the time
//     to the first drawn explorable reported (internal/explorecheck);
//   - search (tools/site/assets/search.js): one search box on every page
//     with scripts on, none shown with scripts off; with -queries, each
//     query typed into the course map's box must list first a section of
//     the page it names (the link's anchor a heading there).
//
// It prints, per page and mode, the page's size, load time and what it
// counted. More checks are added as entries of Checks (see check.go).
//
//	sitecheck [-budget 2097152] [-goal 409600] [-shots build/screenshots] [-queries FILE] build/html
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/descentlab/descent/internal/explorecheck"
	"github.com/descentlab/descent/internal/testenv"
)

func main() {
	chromium := flag.String("chromium", testenv.Chromium, "Chromium binary (Debian's); no browser is downloaded")
	shots := flag.String("shots", "", "folder for full-page screenshots (none when empty)")
	timeout := flag.Duration("timeout", 60*time.Second, "time allowed per page")
	budget := flag.Int64("budget", 0, "largest page allowed in bytes, besides the shared assets; a larger page fails (0: no limit)")
	goal := flag.Int64("goal", 400*1024, "page size goal in bytes, besides the shared assets; a larger page is reported, not failed")
	queries := flag.String("queries", "", "file of search queries (QUERY<tab>PAGE-PREFIX a line) whose first result must be a section of that page")
	repeat := flag.Int("repeat", 3, "loads per page and mode for its first screen and load time (medians reported)")
	speedOnly := flag.Bool("speed-only", false, "only measure the pages' sizes and speeds (no checks)")
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
	if *chromium != testenv.Chromium {
		fmt.Fprintf(os.Stderr, "sitecheck: only %s is supported\n", testenv.Chromium)
		os.Exit(2)
	}
	if _, err := exec.LookPath(*chromium); err != nil {
		fmt.Fprintf(os.Stderr, "sitecheck: %s not found: apt-get install chromium\n", *chromium)
		os.Exit(2)
	}
	sort.Strings(pages)
	c := Checker{Shots: *shots, Timeout: *timeout, Budget: *budget}
	defer c.Close()
	failed, over := 0, 0
	var latencies, firsts, readies []time.Duration
	explorables, checks := 0, 2*len(pages)
	var total int64
	var speeds []PageSpeed
	for _, p := range pages {
		if *speedOnly {
			checks -= 2
			if fi, err := os.Stat(p); err == nil {
				total += fi.Size()
			}
			speeds = c.measure(speeds, p, *repeat, &failed)
			continue
		}
		for _, scripts := range []bool{true, false} {
			rep, err := c.Check(p, scripts)
			mode := "scripts on "
			if !scripts {
				mode = "scripts off"
			}
			if scripts {
				total += rep.Bytes
				if *goal > 0 && rep.Bytes > *goal {
					over++
					fmt.Printf("note %-40s is %.0f KiB, over the %.0f KiB goal\n", filepath.Base(p), float64(rep.Bytes)/1024, float64(*goal)/1024)
				}
			}
			if err != nil {
				failed++
				fmt.Printf("FAIL %-40s %s: %v\n", filepath.Base(p), mode, err)
				continue
			}
			fmt.Printf("ok   %-40s %s: %s\n", filepath.Base(p), mode, rep)
		}
		speeds = c.measure(speeds, p, *repeat, &failed)
		if hasExplorables(p) {
			checks++
			rep, err := c.Explore(p)
			for _, e := range rep.Explorables {
				fmt.Printf("     %-40s explorable %s\n", filepath.Base(p), e)
			}
			explorables += len(rep.Explorables)
			latencies = append(latencies, rep.Latencies()...)
			readies = append(readies, rep.ReadyAfterScroll()...)
			if rep.FirstDraw > 0 {
				firsts = append(firsts, rep.FirstDraw)
			}
			if err != nil {
				failed++
				fmt.Printf("FAIL %-40s explorables: %v\n", filepath.Base(p), err)
			} else {
				fmt.Printf("ok   %-40s explorables: first drawn %.0f ms after navigation, all %d by %.0f ms\n",
					filepath.Base(p), ms(rep.FirstDraw), len(rep.Explorables), ms(rep.AllDrawn))
			}
		}
	}
	if *queries != "" && !*speedOnly {
		checks++
		qs, err := ReadQueries(*queries)
		if err == nil {
			var res []SearchResult
			res, err = c.Search(flag.Arg(0), qs)
			for _, r := range res {
				top := r.Hrefs
				if len(top) > 3 {
					top = top[:3]
				}
				fmt.Printf("     search %-28q %2d results in %4.0f ms, first: %s\n", r.Query.Query, len(r.Hrefs), ms(r.Took), strings.Join(top, " · "))
			}
		}
		if err != nil {
			failed++
			fmt.Printf("FAIL search: %v\n", err)
		} else {
			fmt.Printf("ok   search: %d queries found their sections (%s)\n", len(qs), searchIndexSize(flag.Arg(0)))
		}
	}
	if explorables > 0 {
		fmt.Printf("explorables: %d; slider-to-redraw median %.1f ms, worst %.1f ms over %d moves; "+
			"ready after scrolling into view median %.0f ms, worst %.0f ms; "+
			"navigation to the first drawn explorable median %.0f ms, worst %.0f ms over %d pages\n",
			explorables, ms(explorecheck.Median(latencies)), ms(explorecheck.Max(latencies)), len(latencies),
			ms(explorecheck.Median(readies)), ms(explorecheck.Max(readies)),
			ms(explorecheck.Median(firsts)), ms(explorecheck.Max(firsts)), len(firsts))
	}
	fmt.Printf("pages: %d, %.0f KiB together besides the shared assets (%s); %d over the %.0f KiB goal\n",
		len(pages), float64(total)/1024, assetSizes(flag.Arg(0)), over, float64(*goal)/1024)
	printSpeeds(os.Stdout, speeds, *repeat)
	fmt.Printf("%d passed, %d failed\n", checks-failed, failed)
	if failed > 0 {
		c.Close()
		os.Exit(1)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// searchIndexSize describes the search index asset.
func searchIndexSize(site string) string {
	m, _ := filepath.Glob(filepath.Join(site, "assets", "search-index-*.js"))
	if len(m) != 1 {
		return fmt.Sprintf("%d search index files", len(m))
	}
	fi, err := os.Stat(m[0])
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("index assets/%s: %.0f KiB, loaded on first use", filepath.Base(m[0]), float64(fi.Size())/1024)
}

// assetSizes describes the shared assets folder.
func assetSizes(site string) string {
	var n int
	var size int64
	filepath.Walk(filepath.Join(site, "assets"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n++
			size += fi.Size()
		}
		return nil
	})
	return fmt.Sprintf("assets/: %d files, %.0f KiB, loaded once", n, float64(size)/1024)
}
