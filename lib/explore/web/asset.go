// Package web puts the explorables of lib/explore on a page: the script
// asset that carries the WebAssembly build of cmd/explore and the
// front-end that binds sliders to it (Load, Asset), and the HTML of one
// explorable with its static picture (HTML).
//
// # The assets
//
// There is one asset per WebAssembly module (Modules: the
// first-order explorables, the second-order ones with gonum's LAPACK, and
// the compression ones),
// so that a page downloads only what its explorables run. A .wasm file
// cannot be fetched from a page opened from disk (Chromium
// refuses fetch() on file://), so the module travels inside a script:
// gzip-compressed, in base64, inflated by the browser's DecompressionStream
// and instantiated with wasm_exec.js, the glue of the Go toolchain that
// builds it (copied from $(go env GOROOT)/lib/wasm at build time, never
// committed). The script also holds the front-end
// (internal/explorebuild/explore.js)
// and lib/viz's number formatters (draw.FormattersJS). Several assets on one
// page share the glue and the front-end; one loaded twice does nothing the
// second time. An asset starts its module as soon as it runs (the base64
// decoded by fetch() of a data: URL and compiled while it inflates, where
// the browser allows), before any explorable is reached; the front-end
// sets up the explorables near the viewport at once and the others in the
// browser's idle time, and runs a reader's moves at most once an animation
// frame.
//
// A module is built by cmd/explore (go run ./cmd/explore; make notes, make
// lab and make test-notebooks run it first; internal/explorebuild), never
// by this package, which runs no program: Load reads the asset and its
// manifest from build/explore and refuses one that is missing or older
// than its sources (internal/exploreasset.Manifest), naming the command
// that builds it.
//
// # Where it goes
//
// In a notebook, lib/viz/nb.Explore puts Asset.Loader() in the first
// explorable of a kernel session, as it does with the echarts bundle; the
// site builder (tools/site/build.py) takes that copy out of every page and
// writes it once as assets/explore-VERSION.js, which every page references.
package web

import (
	"bytes"
	_ "embed" // the front-end
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/descentlab/descent/internal/exploreasset"
	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/compression"
	"github.com/descentlab/descent/lib/explore/firstorder"
	"github.com/descentlab/descent/lib/explore/secondorder"
)

// LoaderAttr marks the <script> element that carries an asset; its value
// is MODULE-VERSION (e.g. firstorder-0123456789ab). A page needs each
// module it uses once.
const LoaderAttr = "data-descent-explore"

// Class is the class of an explorable's container; its attribute data-runs
// counts the runs its Go code has completed.
const Class = "descent-explore"

// Modules lists the WebAssembly modules, one per package of explorables.
func Modules() []string {
	return []string{firstorder.Module, secondorder.Module, compression.Module}
}

// Explorables returns every explorable of every module, sorted by name:
// what a native program (a notebook's chart helper, the site check) looks
// names up in. Cost: a copy of the three lists.
func Explorables() explore.Catalog {
	var all explore.Catalog
	all = append(all, firstorder.Explorables()...)
	all = append(all, secondorder.Explorables()...)
	all = append(all, compression.Explorables()...)
	return all.Sorted()
}

// Asset is the built script asset of one module.
type Asset struct {
	// Module is the module it carries (one of Modules).
	Module string
	// Script is the JavaScript source of the asset (without <script> tags).
	Script string
	// Version is a hash of Script (12 hex digits): the same bytes, the same version.
	Version string
	// WasmBytes and GzipBytes are the sizes of the module, raw and gzip-compressed.
	WasmBytes, GzipBytes int
}

// Loader returns the asset as an inline <script> element.
func (a *Asset) Loader() string {
	return `<script ` + LoaderAttr + `="` + a.Module + "-" + a.Version + `">` + a.Script + "</script>"
}

// File is the asset's file name on a site: explore-MODULE-VERSION.js.
func (a *Asset) File() string { return exploreasset.File(a.Module, a.Version) }

// Root returns the folder of the descent module this package was compiled
// from (its source path, as the compiler recorded it), or, when that is not
// available (a -trimpath build), the first folder from the working
// directory up whose go.mod declares the descent module.
func Root() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		if isRoot(root) {
			return filepath.Clean(root), nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("web: cannot find the descent module: %w", err)
	}
	for {
		if isRoot(dir) {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("web: cannot find the descent module: no go.mod of github.com/descentlab/descent above the working directory")
		}
		dir = up
	}
}

func isRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && bytes.HasPrefix(b, []byte("module github.com/descentlab/descent\n"))
}

// Load returns the asset of a module (one of Modules) built by cmd/explore
// under root (in build/explore). It fails, naming the command that builds
// it, when the asset is missing or older than its sources (see
// internal/exploreasset.Manifest). Cost: reading the asset (about 1.3 MB)
// and hashing its sources, a few milliseconds.
func Load(root, module string) (*Asset, error) {
	if !slices.Contains(Modules(), module) {
		return nil, fmt.Errorf("web: no module %q (have %v)", module, Modules())
	}
	rebuild := fmt.Sprintf("run `%s` in %s (make notes and make lab run it first)", exploreasset.BuildCommand, root)
	m, err := exploreasset.ReadManifest(root, module)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("web: the WebAssembly module %q of the explorables is not built: %s", module, rebuild)
	}
	if err != nil {
		return nil, fmt.Errorf("web: %w; %s", err, rebuild)
	}
	sum, err := exploreasset.SourcesHash(root, m.Dirs)
	if err != nil {
		return nil, fmt.Errorf("web: the WebAssembly module %q: %w; %s", module, err, rebuild)
	}
	if sum != m.Sources {
		return nil, fmt.Errorf("web: the WebAssembly module %q of the explorables is older than the library's sources: %s", module, rebuild)
	}
	script, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(exploreasset.Dir), filepath.Base(m.Asset)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("web: the WebAssembly module %q of the explorables is not built (%s is missing): %s", module, m.Asset, rebuild)
	}
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	a := &Asset{Module: module, Script: string(script), Version: exploreasset.Version(string(script)), WasmBytes: m.WasmBytes, GzipBytes: m.GzipBytes}
	if a.File() != m.Asset {
		return nil, fmt.Errorf("web: %s does not hold what %s says: %s", m.Asset, exploreasset.ManifestPath(root, module), rebuild)
	}
	return a, nil
}
