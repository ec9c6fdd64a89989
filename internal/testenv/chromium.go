package testenv

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Chromium is Debian's Chromium. No test downloads a browser of its own.
const Chromium = "/usr/bin/chromium"

// NeedChromium calls Missing when Chromium is not installed.
func NeedChromium(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath(Chromium); err != nil {
		Missing(t, Chromium+" (apt-get install chromium)")
	}
}

// BrowserConfig says how to start Chromium; the zero value is a 1200×900
// window with no marker.
type BrowserConfig struct {
	Width, Height int
	// Marker, when set, is put in the browser's environment as MarkerEnv so
	// that its processes are found and swept with the test's others.
	Marker string
	// Flags are extra command-line switches (name → value, true for a bare one).
	Flags map[string]any
}

// Flags are the switches every check starts Chromium with: headless, no
// sandbox (tests run as root in CI), no GPU, and no request of the browser's
// own (no background networking, component updates, sync, extensions).
func Flags() []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-quic", true),
	}
}

// Browser is a running headless Chromium with a profile of its own.
type Browser struct {
	Ctx     context.Context // the browser's first tab; chromedp.NewContext(Ctx) opens another
	Profile string

	cancels []context.CancelFunc
}

// StartBrowser starts Chromium under parent (its deadline bounds the
// browser's life) with a temporary profile named after this process (see
// TempDir), and waits until it answers. Close ends it.
func StartBrowser(parent context.Context, cfg BrowserConfig) (*Browser, error) {
	if cfg.Width == 0 {
		cfg.Width, cfg.Height = 1200, 900
	}
	profile, err := TempDir("chromium")
	if err != nil {
		return nil, err
	}
	opts := append(Flags(), chromedp.UserDataDir(profile), chromedp.WindowSize(cfg.Width, cfg.Height))
	for k, v := range cfg.Flags {
		opts = append(opts, chromedp.Flag(k, v))
	}
	if cfg.Marker != "" {
		opts = append(opts, chromedp.Env(MarkerEnv+"="+cfg.Marker))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	b := &Browser{Ctx: bctx, Profile: profile, cancels: []context.CancelFunc{cancelAlloc, cancelBrowser}}
	if err := chromedp.Run(bctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("testenv: starting %s: %w", Chromium, err)
	}
	return b, nil
}

// NewBrowser starts Chromium for a test (Missing when it is not installed) and
// closes it when the test ends.
func NewBrowser(t testing.TB, cfg BrowserConfig) *Browser {
	t.Helper()
	NeedChromium(t)
	b, err := StartBrowser(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// Close ends the browser and removes its profile (Chromium may still write
// to it while it exits: the removal is retried for a moment).
func (b *Browser) Close() {
	for i := len(b.cancels) - 1; i >= 0; i-- {
		b.cancels[i]()
	}
	b.cancels = nil
	if b.Profile == "" {
		return
	}
	for range 20 {
		if os.RemoveAll(b.Profile) == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Profile = ""
}

// Watch records what goes wrong in a tab: console errors and assertions,
// uncaught exceptions, the browser's own error log, requests that leave the
// allowed hosts, and failed requests.
type Watch struct {
	// Allowed says whether a request may be made; nil allows file:, data:
	// and blob: URLs only (a page read from disk with no network).
	Allowed func(u *url.URL) bool
	// Benign lists substrings of messages that say nothing about the
	// project (keep it empty unless a message is understood and harmless).
	Benign []string
	// FailedRequests also records requests that failed (not those cancelled).
	FailedRequests bool

	mu       sync.Mutex
	problems []string
	requests []string
	urls     map[network.RequestID]string
}

// Listen starts recording the events of the tab ctx. Enable the network,
// runtime and log domains on the tab (see Domains) for all of them to arrive.
func (w *Watch) Listen(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				w.add("console error: %s", strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			w.add("uncaught exception: %s", msg)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError {
				w.add("browser log error: %s %s", e.Entry.Text, e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			w.mu.Lock()
			w.requests = append(w.requests, e.Request.URL)
			if w.urls == nil {
				w.urls = map[network.RequestID]string{}
			}
			w.urls[e.RequestID] = e.Request.URL
			w.mu.Unlock()
			if !w.allowed(e.Request.URL) {
				w.add("request to another host: %s", e.Request.URL)
			}
		case *network.EventLoadingFailed:
			if w.FailedRequests && !e.Canceled {
				w.mu.Lock()
				u := w.urls[e.RequestID]
				w.mu.Unlock()
				if len(u) > 120 {
					u = u[:120] + "…"
				}
				w.add("failed request %s (%s): %s", e.RequestID, u, e.ErrorText)
			}
		}
	})
}

// Domains enables the event domains Watch listens to.
func Domains() chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return chromedp.Run(ctx, network.Enable(), runtime.Enable(), log.Enable())
	})
}

func (w *Watch) allowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if w.Allowed != nil {
		return w.Allowed(u)
	}
	return u.Scheme == "file" || u.Scheme == "data" || u.Scheme == "blob"
}

func (w *Watch) add(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	for _, b := range w.Benign {
		if strings.Contains(msg, b) {
			return
		}
	}
	w.mu.Lock()
	w.problems = append(w.problems, msg)
	w.mu.Unlock()
}

// Problems returns what went wrong so far.
func (w *Watch) Problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.problems...)
}

// Requests returns every URL the tab requested so far.
func (w *Watch) Requests() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.requests...)
}

// AllowHost allows network requests (http, https, ws, wss) to one host
// (host:port) only; other schemes (file, data, blob) are allowed.
func AllowHost(host string) func(*url.URL) bool {
	return func(u *url.URL) bool {
		switch u.Scheme {
		case "http", "https", "ws", "wss":
			return u.Host == host
		}
		return true
	}
}
