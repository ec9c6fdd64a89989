package testenv

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestRepoRoot(t *testing.T) {
	root := Root(t)
	if _, err := os.Stat(filepath.Join(root, "internal", "testenv", "testenv.go")); err != nil {
		t.Errorf("RepoRoot = %s, which does not hold this package", root)
	}
	t.Chdir(t.TempDir())
	if r, err := RepoRoot(); err == nil {
		t.Errorf("RepoRoot outside the checkout = %s, want an error", r)
	}
}

// TestMissing: a missing prerequisite skips, or fails under CI.
func TestMissing(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		var skipped, failed bool
		done := make(chan struct{})
		go func() { // Skip and Fatal end their goroutine
			defer close(done)
			ft := &fakeT{}
			defer func() { skipped, failed = ft.skipped, ft.failed }()
			Need(ft, t.TempDir(), Prereq{"nothing-here", "make it"})
		}()
		<-done
		if ci == "" && (!skipped || failed) || ci != "" && !failed {
			t.Errorf("CI=%q: skipped %v, failed %v", ci, skipped, failed)
		}
	}
}

type fakeT struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeT) Helper()              {}
func (f *fakeT) Skip(...any)          { f.skipped = true; runtimeGoexit() }
func (f *fakeT) Fatal(...any)         { f.failed = true; runtimeGoexit() }
func (f *fakeT) Skipf(string, ...any) { f.skipped = true; runtimeGoexit() }

// TestWatch: the listener reports a console error, an exception and a
// request to another host, and lets a clean page through.
func TestWatch(t *testing.T) {
	b := NewBrowser(t, BrowserConfig{})
	dir := t.TempDir()
	page := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("<!DOCTYPE html><title>t</title>"+body), 0o644); err != nil {
			t.Fatal(err)
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	run := func(u string) []string {
		ctx, cancel := chromedp.NewContext(b.Ctx)
		defer cancel()
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		w := &Watch{}
		w.Listen(ctx)
		if err := chromedp.Run(ctx, Domains(), chromedp.Navigate(u), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		return w.Problems()
	}
	if p := run(page("ok.html", "<p>fine</p>")); len(p) != 0 {
		t.Errorf("a clean page reported %v", p)
	}
	bad := run(page("bad.html", `<script>console.error("boom")</script><script>nope()</script><img src="http://example.invalid/x.png">`))
	for _, want := range []string{"console error: boom", "uncaught exception", "request to another host: http://example.invalid/x.png"} {
		if !strings.Contains(strings.Join(bad, "\n"), want) {
			t.Errorf("problems %q lack %q", bad, want)
		}
	}
}

func runtimeGoexit() { runtime.Goexit() }
