package nb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/descentlab/descent/internal/vizrender"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// ExploreOption sets how Explore shows an explorable.
type ExploreOption func(*exploreOptions)

type exploreOptions struct {
	values map[string]float64
	data   map[string][]float64
}

// Start sets the value some controls open at, e.g.
// nb.Start(explore.Values{"alpha": 0.05}); the others open at their defaults.
// (nb takes lib/explore's map types without importing lib/explore, whose
// explorables would otherwise be linked into every cell that shows a chart.)
func Start(v map[string]float64) ExploreOption {
	return func(o *exploreOptions) {
		if o.values == nil {
			o.values = map[string]float64{}
		}
		for k, x := range v {
			o.values[k] = x
		}
	}
}

// WithData hands data to every run of the explorable, e.g. timings the
// notebook measured: nb.WithData(explore.CostData(rows, 10)).
func WithData(d map[string][]float64) ExploreOption { return func(o *exploreOptions) { o.data = d } }

// Explore shows the explorable named name (see lib/explore: "momentum",
// "schedule", …) in the cell's output: its controls, and charts that the
// library's own code, compiled to WebAssembly, redraws as the reader moves
// them. Like a chart, the output carries a static picture of the default
// setting, drawn natively from the same run, for readers without scripts
// (an executed notebook reopened untrusted, GitHub, nbviewer).
//
// The first explorable of a kernel session carries the WebAssembly module
// its explorable needs (lib/explore/web's asset, about 1.3 MB), and
// echarts when no chart has carried it yet; later ones reuse them, as
// charts reuse echarts. Reload sends them again. The module is read from
// build/explore, where `go run ./cmd/explore` builds it (make notes and
// make lab run it first): a cell never compiles WebAssembly.
//
// Explore panics if the explorable does not exist, its default run fails,
// or its module is missing or older than the library's sources (the
// message names the command that builds it); in a notebook that stops the
// cell. Use DisplayExplore to handle the error instead.
func Explore(name string, opts ...ExploreOption) {
	if err := DisplayExplore(name, opts...); err != nil {
		panic(err)
	}
}

// DisplayExplore is Explore returning the error instead of panicking.
func DisplayExplore(name string, opts ...ExploreOption) error {
	var o exploreOptions
	for _, opt := range opts {
		opt(&o)
	}
	restoreLooks()
	defer saveLooks()
	req := vizrender.Request{Explore: name, Values: o.values, Data: o.data}
	// Outside a notebook the fragment is still drawn (it reports bad
	// values), without the loaders.
	if inNotebook {
		req.Echarts = needLoader()
		req.Module, req.Sent = true, sentModules()
	}
	out, err := drawInHelper(req, nil)
	if err != nil {
		return fmt.Errorf("nb: %w", err)
	}
	if !inNotebook {
		return nil
	}
	if out.Warning != "" {
		fmt.Fprintln(os.Stderr, out.Warning)
	}
	err = send(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMETextHTML:  out.HTML,
		protocol.MIMETextPlain: "explorable: " + name,
	}})
	if err == nil {
		err = syncGoNB() // see Display
	}
	if err != nil {
		return fmt.Errorf("nb: showing explorable %q: %w", name, err)
	}
	if req.Echarts {
		markLoaded()
	}
	if out.Module {
		markModule(out.ModuleName)
	}
	return nil
}

var modulesSent = map[string]bool{} // by this process; guarded by mu

// moduleMarker is the file whose existence says a module was sent in this
// kernel session.
func moduleMarker(module string) string {
	dir := os.Getenv(protocol.GONB_TMP_DIR_ENV)
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "descent-explore-"+module+".sent")
}

// sentModules lists the modules sent in this kernel session.
func sentModules() []string {
	mu.Lock()
	defer mu.Unlock()
	var sent []string
	for m := range modulesSent {
		sent = append(sent, m)
	}
	if pattern := moduleMarker("*"); pattern != "" {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			m := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "descent-explore-"), ".sent")
			if !modulesSent[m] {
				sent = append(sent, m)
			}
		}
	}
	slices.Sort(sent)
	return sent
}

func markModule(module string) {
	mu.Lock()
	defer mu.Unlock()
	modulesSent[module] = true
	if m := moduleMarker(module); m != "" {
		_ = os.WriteFile(m, []byte(module+"\n"), 0o644) // best effort, as markLoaded
	}
}

// forgetModules makes the next explorables carry their modules again (Reload).
func forgetModules() error {
	mu.Lock()
	defer mu.Unlock()
	clear(modulesSent)
	var errs []error
	if pattern := moduleMarker("*"); pattern != "" {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("nb: %w", errors.Join(errs...))
	}
	return nil
}
