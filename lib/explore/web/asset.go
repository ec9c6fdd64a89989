// Package web puts the explorables of lib/explore on a page: the script
// asset that carries the WebAssembly build of cmd/explore and the
// front-end that binds sliders to it (Build, Asset), and the HTML of one
// explorable with its static picture (HTML).
//
// # The assets
//
// There is one asset per WebAssembly module (explore.Modules: the
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
// A module is cmd/explore built with GOOS=js GOARCH=wasm, -trimpath,
// -ldflags=-s -w, the build tags descent_explore (which leaves gonum's
// optimize/functions test set, and with it package testing, out of
// lib/problems) and descent_explore_MODULE (which leaves the other modules'
// explorables out), and without inlining in packages runtime and fmt
// (-gcflags=runtime=-l -gcflags=fmt=-l: 35 kB less gzip, no measurable
// change in speed; inlining stays on in the library and the rest of the
// standard library). Building takes seconds with a warm Go build cache
// (minutes on a cold one), so Build keeps each compressed module in a cache
// folder, keyed by the SHA-256 of every Go file it is built from, go.mod,
// go.sum and the Go version: it rebuilds only when one of them changed.
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
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/viz/draw"
)

// LoaderAttr marks the <script> element that carries an asset; its value
// is MODULE-VERSION (e.g. firstorder-0123456789ab). A page needs each
// module it uses once.
const LoaderAttr = "data-descent-explore"

// Class is the class of an explorable's container; its attribute data-runs
// counts the runs its Go code has completed.
const Class = "descent-explore"

// Package is the import path of the WebAssembly program.
const Package = "github.com/descentlab/descent/cmd/explore"

// buildTags are the build tags of a module.
func buildTags(module string) string { return "descent_explore descent_explore_" + module }

// buildFlags are the go build flags of a module (see the package doc).
var buildFlags = []string{"-trimpath", "-ldflags=-s -w", "-gcflags=runtime=-l", "-gcflags=fmt=-l"}

//go:embed explore.js
var frontEnd string

// Asset is the built script asset of one module.
type Asset struct {
	// Module is the module it carries (explore.ModuleFirstOrder, …).
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
// from (its source path, as the compiler recorded it), or, when that is
// not available (a -trimpath build), what `go list -m` says.
func Root() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return filepath.Clean(root), nil
		}
	}
	out, err := exec.Command(goTool(), "list", "-m", "-f", "{{.Dir}}", "github.com/descentlab/descent").Output()
	if err != nil {
		return "", fmt.Errorf("web: cannot find the descent module: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// goTool is the go command: the one on PATH, else the one of the toolchain
// this program was built with.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

var (
	buildMu sync.Mutex
	built   = map[string]built1{} // by module: the last key and its compressed module
)

type built1 struct {
	key string
	gz  []byte
}

// Build returns the asset of a module (explore.ModuleFirstOrder, …) of the
// descent checkout at root, building the WebAssembly module if its cache is
// stale (see the package doc). The cache is root/build/explore when it is
// writable, else a folder under the system's temporary folder; concurrent
// builds (several notebooks executed at once) are serialised by a lock file
// in it. It returns an error naming the command and its output when the
// build fails.
func Build(root, module string) (*Asset, error) {
	if !contains(explore.Modules(), module) {
		return nil, fmt.Errorf("web: no module %q (have %v)", module, explore.Modules())
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	key, err := inputsKey(root, module)
	if err != nil {
		return nil, err
	}
	b := built[module]
	if key != b.key {
		gz, err := cachedModule(root, module, key)
		if err != nil {
			return nil, err
		}
		b = built1{key, gz}
		built[module] = b
	}
	return assemble(root, module, b.gz)
}

// BuildAll builds every module's asset.
func BuildAll(root string) ([]*Asset, error) {
	var out []*Asset
	for _, m := range explore.Modules() {
		a, err := Build(root, m)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// inputsKey hashes what the module is built from: the Go files of every
// package of the descent module that cmd/explore imports (as go list sees
// them for js/wasm with the build tags), go.mod, go.sum and the Go version.
func inputsKey(root, module string) (string, error) {
	cmd := exec.Command(goTool(), "list", "-deps", "-tags", buildTags(module),
		"-f", `{{if not .Standard}}{{.Dir}}{{"\t"}}{{join .GoFiles " "}}{{end}}`, "./cmd/explore")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("web: listing the packages of cmd/explore: %w%s", err, stderrOf(err))
	}
	h := sha256.New()
	version, err := exec.Command(goTool(), "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("web: go env GOVERSION: %w", err)
	}
	h.Write(version)
	fmt.Fprintf(h, "%s %v\n", module, buildFlags)
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dir, names, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		for _, n := range strings.Fields(names) {
			files = append(files, filepath.Join(dir, n))
		}
	}
	files = append(files, filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum"))
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("web: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return ":\n" + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// cacheDir returns a writable cache folder.
func cacheDir(root string) (string, error) {
	dirs := []string{filepath.Join(root, "build", "explore"),
		filepath.Join(os.TempDir(), fmt.Sprintf("descent-explore-%d", os.Getuid()))}
	var errs []error
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		probe, err := os.CreateTemp(d, ".probe-*")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		probe.Close()
		os.Remove(probe.Name())
		return d, nil
	}
	return "", fmt.Errorf("web: no writable cache folder: %w", errors.Join(errs...))
}

// cachedModule returns the gzip-compressed module for key, building it
// when the cache does not hold it.
func cachedModule(root, module, key string) ([]byte, error) {
	dir, err := cacheDir(root)
	if err != nil {
		return nil, err
	}
	want := filepath.Join(dir, "explore-"+module+"-"+key+".wasm.gz")
	if b, err := os.ReadFile(want); err == nil {
		return b, nil
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, fmt.Errorf("web: locking %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if b, err := os.ReadFile(want); err == nil { // built while we waited
		return b, nil
	}
	raw := filepath.Join(dir, fmt.Sprintf(".explore-%s-%d.wasm", module, os.Getpid()))
	defer os.Remove(raw)
	args := append(append([]string{"build"}, buildFlags...), "-tags", buildTags(module), "-o", raw, "./cmd/explore")
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("web: GOOS=js GOARCH=wasm go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	wasm, err := os.ReadFile(raw)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	gz, err := Gzip(wasm)
	if err != nil {
		return nil, err
	}
	tmp := want + fmt.Sprintf(".%d", os.Getpid())
	if err := os.WriteFile(tmp, gz, 0o644); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if err := os.Rename(tmp, want); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	// Older modules are of no use any more.
	old, _ := filepath.Glob(filepath.Join(dir, "explore-"+module+"-*.wasm.gz"))
	for _, f := range old {
		if f != want {
			os.Remove(f)
		}
	}
	return gz, nil
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

// wasmExec returns wasm_exec.js of the Go toolchain that builds the module.
func wasmExec(root string) (string, error) {
	cmd := exec.Command(goTool(), "env", "GOROOT")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("web: go env GOROOT: %w", err)
	}
	goroot := strings.TrimSpace(string(out))
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} { // Go ≥ 1.24, older
		if b, err := os.ReadFile(filepath.Join(goroot, p)); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("web: no wasm_exec.js under %s (lib/wasm or misc/wasm)", goroot)
}

// assemble writes the script: wasm_exec.js and the front-end with lib/viz's
// formatters (each run once per page, whichever asset comes first), and the
// module, booted once per page.
func assemble(root, module string, gz []byte) (*Asset, error) {
	glue, err := wasmExec(root)
	if err != nil {
		return nil, err
	}
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
	b.WriteString("// wasm_exec.js of the Go toolchain (" + runtime.Version() + "), BSD-style license: https://go.dev/LICENSE\n")
	b.WriteString(glue)
	b.WriteString("\n}\nif(!(window.descentExplore&&window.descentExplore.mount)){\n(function(){\n// lib/draw.FormattersJS\n")
	b.WriteString(draw.FormattersJS)
	b.WriteString("\nwindow.__descentFormatters=formatters;})();\n// lib/explore/web/explore.js\n")
	b.WriteString(strings.ReplaceAll(frontEnd, "</script", `<\/script`))
	b.WriteString("\n}\nwindow.descentExplore.boot(\"" + module + "\",\"")
	b.WriteString(base64.StdEncoding.EncodeToString(gz))
	b.WriteString("\");\n})();\n")
	script := b.String()
	sum := sha256.Sum256([]byte(script))
	return &Asset{Module: module, Script: script, Version: hex.EncodeToString(sum[:])[:12], WasmBytes: int(n), GzipBytes: len(gz)}, nil
}
