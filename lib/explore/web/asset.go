// Package web puts the explorables of lib/explore on a page: the script
// asset that carries the WebAssembly build of cmd/explore and the
// front-end that binds sliders to it (Build, Asset), and the HTML of one
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
// committed). The script also holds the front-end (explore.js, committed)
// and lib/viz's number formatters (draw.FormattersJS). Several assets on one
// page share the glue and the front-end; one loaded twice does nothing the
// second time.
//
// A module is built by cmd/explore (go run ./cmd/explore; make notes, make
// lab and make test-notebooks run it first), never by this package, which
// runs no program: Save writes the asset and its manifest into
// build/explore, Load reads them back and refuses an asset older than its
// sources, naming the command that rebuilds it.
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
	"compress/gzip"
	"crypto/sha256"
	_ "embed" // the front-end
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/compression"
	"github.com/descentlab/descent/lib/explore/firstorder"
	"github.com/descentlab/descent/lib/explore/secondorder"
	"github.com/descentlab/descent/lib/viz/draw"
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

//go:embed explore.js
var frontEnd string

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
func (a *Asset) File() string { return "explore-" + a.Module + "-" + a.Version + ".js" }

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

// Dir is where cmd/explore writes the assets, relative to the root.
const Dir = "build/explore"

// BuildCommand is what builds the assets, run at the root.
const BuildCommand = "go run ./cmd/explore"

// Manifest describes a built asset: build/explore/explore-MODULE.json,
// beside the asset it names.
//
// Staleness is decided without the Go toolchain, which a notebook's helper
// must not run: Sources is a SHA-256 of go.mod, go.sum and every non-test
// .go and .js file of Dirs — the folders of the packages the module is
// compiled from (as `go list -deps` listed them when it was built) and
// lib/explore/web, whose front-end the asset carries. Load recomputes it:
// a few hundred kilobytes read, a few milliseconds, at the first
// explorable of each module in a kernel session. Hashing whole folders
// rather than the files the build used catches a file added to one of
// them, and errs on the safe side for a file only another platform builds;
// a package newly imported is caught by the edited import. What it does not
// see is a change of Go version (the asset carries its own wasm_exec.js, so
// it still runs) and of lib/viz's number formatters, which cmd/explore's
// own check (the same hash and the Go version, compared before each build)
// picks up at the next make notes or make lab.
type Manifest struct {
	Module string `json:"module"`
	// Asset is the asset's file name (Asset.File) in the same folder.
	Asset string `json:"asset"`
	// Sources is the hash of the sources (see above), Dirs the folders
	// hashed, relative to the root, with slashes.
	Sources string   `json:"sources"`
	Dirs    []string `json:"dirs"`
	// Go is the version of the Go toolchain that built the module.
	Go string `json:"go"`
	// WasmBytes and GzipBytes are the module's sizes (Asset's).
	WasmBytes int `json:"wasmBytes"`
	GzipBytes int `json:"gzipBytes"`
}

func manifestPath(root, module string) string {
	return filepath.Join(root, filepath.FromSlash(Dir), "explore-"+module+".json")
}

// ReadManifest reads the manifest of a module's built asset under root.
func ReadManifest(root, module string) (*Manifest, error) {
	b, err := os.ReadFile(manifestPath(root, module))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("web: %s: %w", manifestPath(root, module), err)
	}
	return &m, nil
}

// SourcesHash hashes the sources under root that an asset built from the
// packages in dirs depends on (see Manifest). Cost: reading those files.
func SourcesHash(root string, dirs []string) (string, error) {
	h := sha256.New()
	all := append(slices.Clone(dirs), "lib/explore/web")
	slices.Sort(all)
	all = slices.Compact(all)
	var files []string
	for _, d := range all {
		entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(d)))
		if err != nil {
			return "", fmt.Errorf("web: %w", err)
		}
		for _, e := range entries {
			n := e.Name()
			if e.Type().IsRegular() && (strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") || strings.HasSuffix(n, ".js")) {
				files = append(files, path.Join(d, n))
			}
		}
	}
	files = append([]string{"go.mod", "go.sum"}, files...)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return "", fmt.Errorf("web: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Load returns the asset of a module (one of Modules) built by cmd/explore
// under root. It fails, naming the command that builds it, when the asset
// is missing or older than its sources (see Manifest). Cost: reading the
// asset (about 1.3 MB) and hashing its sources.
func Load(root, module string) (*Asset, error) {
	if !slices.Contains(Modules(), module) {
		return nil, fmt.Errorf("web: no module %q (have %v)", module, Modules())
	}
	rebuild := fmt.Sprintf("run `%s` in %s (make notes and make lab run it first)", BuildCommand, root)
	m, err := ReadManifest(root, module)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("web: the WebAssembly module %q of the explorables is not built: %s", module, rebuild)
	}
	if err != nil {
		return nil, err
	}
	sum, err := SourcesHash(root, m.Dirs)
	if err != nil {
		return nil, fmt.Errorf("web: the WebAssembly module %q: %w; %s", module, err, rebuild)
	}
	if sum != m.Sources {
		return nil, fmt.Errorf("web: the WebAssembly module %q of the explorables is older than the library's sources: %s", module, rebuild)
	}
	script, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(Dir), filepath.Base(m.Asset)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("web: the WebAssembly module %q of the explorables is not built (%s is missing): %s", module, m.Asset, rebuild)
	}
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	a := &Asset{Module: module, Script: string(script), Version: version(string(script)), WasmBytes: m.WasmBytes, GzipBytes: m.GzipBytes}
	if a.File() != m.Asset {
		return nil, fmt.Errorf("web: %s does not hold what %s says: %s", m.Asset, manifestPath(root, module), rebuild)
	}
	return a, nil
}

// Save writes a (Assemble's) and its manifest m into root/build/explore,
// each atomically, and removes the module's older assets. m's Module,
// Asset and sizes are taken from a. Cost: writing the asset.
func Save(root string, a *Asset, m Manifest) error {
	dir := filepath.Join(root, filepath.FromSlash(Dir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("web: %w", err)
	}
	m.Module, m.Asset, m.WasmBytes, m.GzipBytes = a.Module, a.File(), a.WasmBytes, a.GzipBytes
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, a.File()), []byte(a.Script)); err != nil {
		return err
	}
	if err := writeAtomic(manifestPath(root, a.Module), append(js, '\n')); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "explore-"+a.Module+"-*"))
	for _, f := range old {
		if filepath.Base(f) != a.File() {
			os.Remove(f) // of no use any more (a former cache's .wasm.gz too)
		}
	}
	return nil
}

// writeAtomic writes b to name through a temporary file renamed over it,
// so that a reader sees the old file or the new one.
func writeAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("web: %w", err)
	}
	return nil
}

// Gzip compresses b at the best compression level.
func Gzip(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("web: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("web: gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// Assemble returns the asset of a module from the module gzip-compressed
// (Gzip) and wasm_exec.js of the Go toolchain that built it (goVersion):
// a script that runs wasm_exec.js and the front-end with lib/viz's
// formatters (each once per page, whichever asset comes first), and boots
// the module once per page. Cost O(len(gz)).
func Assemble(module string, gz []byte, wasmExec, goVersion string) (*Asset, error) {
	glue := wasmExec
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("web: the cached module is damaged: %w", err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		return nil, fmt.Errorf("web: the cached module is damaged: %w", err)
	}
	var b strings.Builder
	b.WriteString("(function(){\"use strict\";\nif(!globalThis.Go){\n")
	b.WriteString("// wasm_exec.js of the Go toolchain (" + goVersion + "), BSD-style license: https://go.dev/LICENSE\n")
	b.WriteString(glue)
	b.WriteString("\n}\nif(!(window.descentExplore&&window.descentExplore.mount)){\n(function(){\n// lib/draw.FormattersJS\n")
	b.WriteString(draw.FormattersJS)
	b.WriteString("\nwindow.__descentFormatters=formatters;})();\n// lib/explore/web/explore.js\n")
	b.WriteString(strings.ReplaceAll(frontEnd, "</script", `<\/script`))
	b.WriteString("\n}\nwindow.descentExplore.boot(\"" + module + "\",\"")
	b.WriteString(base64.StdEncoding.EncodeToString(gz))
	b.WriteString("\");\n})();\n")
	script := b.String()
	return &Asset{Module: module, Script: script, Version: version(script), WasmBytes: int(n), GzipBytes: len(gz)}, nil
}

// version is the Version of an asset's script.
func version(script string) string {
	sum := sha256.Sum256([]byte(script))
	return hex.EncodeToString(sum[:])[:12]
}
