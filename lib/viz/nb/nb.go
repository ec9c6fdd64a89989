// Package nb shows lib/viz charts in a GoNB notebook cell, in one line
// (see the example):
//
//	nb.Show(viz.LossCurves("Rosenbrock", viz.ByIter, sgd, adam))
//
// where sgd and adam are the optim.Results of two runs. Each chart is one
// Jupyter display_data output whose text/html holds the static picture (an
// <img> with a data: URI) followed by a script that replaces it with the
// interactive echarts chart. So the reader sees the interactive chart in a
// live JupyterLab and in an exported HTML page, and the picture where
// scripts do not run: a reopened, untrusted notebook, GitHub, nbviewer, or
// a page read with JavaScript off.
//
// The echarts bundle (about 450 kB) travels once per kernel session: the
// first chart shown carries lib/viz/draw's EChartsLoader and leaves a
// marker file in $GONB_TMP_DIR (which lives as long as the kernel); later
// charts wait for window.echarts. An executed notebook therefore holds the
// bundle once, in its first chart. If that output is later cleared and the
// page reloaded, charts fall back to their pictures; Reload forces the
// bundle again.
//
// nb does not draw: the chart helper does (cmd/vizrender, installed as
// .tools/bin/descent-vizrender by make setup; see internal/vizrender), so
// a cell links neither gonum/plot nor go-echarts, and a chart cell costs
// about what a plain cell costs to build. The helper is started for each
// chart and waited for. When it is missing, or was built from other
// sources than the cell's library, Show fails with an error that says to
// run make setup.
//
// Outside a notebook (go test, go run) nothing is displayed: Display
// still draws, through the helper, so it still reports bad data, and
// Progress is silent. This is the only package of the project that talks
// to GoNB; it speaks GoNB's display protocol itself (gonb.go) rather than
// importing gonbui, whose dependencies would be linked into every cell.
package nb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/descentlab/descent/internal/vizrender"
	"github.com/descentlab/descent/internal/vizstate"
	"github.com/descentlab/descent/lib/viz"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Options given to every chart shown; set them at the top of a cell, e.g.
// nb.Defaults = []viz.HTMLOption{viz.StaticFormat("png")}.
var Defaults []viz.HTMLOption

// Show displays c and panics if it cannot be drawn (mismatched lengths,
// values ≤ 0 on a log axis): in a notebook a chart that cannot be drawn
// should stop the cell, and the headless runner reports the panic with
// its cell. Use Display to handle the error instead.
func Show(c viz.Chart, opts ...viz.HTMLOption) {
	if err := Display(c, opts...); err != nil {
		panic(err)
	}
}

// Display renders c and shows it in the cell's output. It returns the
// rendering error, naming the chart and series, and shows nothing then.
// Cost: one static and one interactive render (milliseconds for a few
// thousand points).
func Display(c viz.Chart, opts ...viz.HTMLOption) error {
	cfg := viz.ConfigOf(append(append([]viz.HTMLOption(nil), Defaults...), opts...)...)
	restoreLooks()
	defer saveLooks()
	loader := wantsLoader(c)
	if loader {
		cfg.WithLoader = true
	}
	req, grid, err := chartRequest(c, cfg, "")
	if err != nil {
		return err
	}
	out, err := drawInHelper(req, grid)
	if err != nil {
		return err
	}
	if !inNotebook {
		return nil
	}
	err = send(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMETextHTML:  out.HTML,
		protocol.MIMETextPlain: "chart: " + out.ID,
	}})
	if err == nil {
		// Wait until GoNB has the output (see syncGoNB).
		err = syncGoNB()
	}
	if err != nil {
		return fmt.Errorf("nb: showing chart %q: %w", out.ID, err)
	}
	if loader {
		markLoaded()
	}
	return nil
}

// chartRequest is the request that draws c as output (see
// vizrender.Request), and the answer to the helper's questions about c's
// contour values.
func chartRequest(c viz.Chart, cfg viz.HTMLConfig, output string) (vizrender.Request, vizrender.GridFunc, error) {
	req := vizrender.ChartRequest(c, cfg)
	req.Output = output
	if req.Chart() == nil && output != "loader" {
		return req, nil, fmt.Errorf("nb: nothing to show: %T(%v)", c, c)
	}
	var grid vizrender.GridFunc
	if p, ok := c.(*viz.Plot); ok {
		grid = vizstate.Of(p).Grid
	}
	return req, grid, nil
}

// Reload makes the next chart carry the echarts bundle again, and the next
// explorables their WebAssembly modules, for a page that lost them (the
// first output that carried them was cleared and the page reloaded).
func Reload() error {
	mu.Lock()
	sent = false
	if m := marker(); m != "" {
		if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
			mu.Unlock()
			return fmt.Errorf("nb: %w", err)
		}
	}
	mu.Unlock()
	return forgetModules()
}

var (
	mu   sync.Mutex
	sent bool // bundle sent by this process
)

// marker is the file whose existence says the bundle was sent in this kernel session.
func marker() string {
	dir := os.Getenv(protocol.GONB_TMP_DIR_ENV)
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "descent-viz-echarts.sent")
}

// wantsLoader reports whether c should carry the echarts bundle: the first
// chart of the session does. A table is plain HTML: it carries no echarts,
// so it must not use up the session's one copy.
func wantsLoader(c viz.Chart) bool {
	if _, isTable := c.(*viz.Table); isTable {
		return false
	}
	return needLoader()
}

func needLoader() bool {
	mu.Lock()
	defer mu.Unlock()
	if sent {
		return false
	}
	if m := marker(); m != "" {
		if _, err := os.Stat(m); err == nil {
			sent = true
			return false
		}
	}
	return true
}

func markLoaded() {
	mu.Lock()
	defer mu.Unlock()
	sent = true
	if m := marker(); m != "" {
		// Best effort: if the marker cannot be written, the next cell
		// sends the bundle again, which costs size, not correctness.
		_ = os.WriteFile(m, []byte("sent\n"), 0o644)
	}
}

// looksFile keeps viz.Default's name → look bindings for the kernel
// session, so that a method drawn in one cell keeps its colour and dash in
// every later cell of the notebook (each cell is a new program).
func looksFile() string {
	dir := os.Getenv(protocol.GONB_TMP_DIR_ENV)
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "descent-viz-looks.json")
}

var looksOnce sync.Once

// restoreLooks loads the session's bindings once per process.
func restoreLooks() {
	looksOnce.Do(func() {
		if f := looksFile(); f != "" {
			if b, err := os.ReadFile(f); err == nil {
				// A damaged file only costs colours their meaning: start afresh.
				if viz.Default.UnmarshalJSON(b) != nil {
					viz.Default.Reset()
				}
			}
		}
	})
}

// saveLooks writes the bindings back (best effort, atomically).
func saveLooks() {
	f := looksFile()
	if f == "" {
		return
	}
	b, err := viz.Default.MarshalJSON()
	if err != nil {
		return
	}
	tmp := f + fmt.Sprintf(".%d", os.Getpid())
	if os.WriteFile(tmp, b, 0o644) == nil {
		_ = os.Rename(tmp, f)
	}
}
