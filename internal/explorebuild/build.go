// Package explorebuild builds the WebAssembly modules of the explorables
// with the Go toolchain: what cmd/explore runs (and the tests that need the
// modules), so that no library package runs a program. A module is
// cmd/explore/wasm/MODULE built with GOOS=js GOARCH=wasm, -trimpath,
// -ldflags=-s -w and without inlining in packages runtime and fmt
// (-gcflags=runtime=-l -gcflags=fmt=-l: 35 kB less gzip, no measurable
// change in speed; inlining stays on in the library and the rest of the
// standard library), gzip-compressed and assembled with wasm_exec.js, the
// front-end (explore.js) and lib/viz/draw's number formatters into the
// script asset that lib/explore/web.Load reads back from build/explore,
// beside its manifest (internal/exploreasset).
//
// The compressed module is kept there too (explore-MODULE.wasm.gz): a
// module whose sources and Go version did not change is not compiled
// again, but its asset is assembled again at every run, so that it always
// carries the current front-end and formatters.
package explorebuild

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the front-end
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/descentlab/descent/internal/exploreasset"
	"github.com/descentlab/descent/lib/viz/draw"

	"github.com/descentlab/descent/lib/explore/web"
)

// Flags are the go build flags of a module (see the package doc).
var Flags = []string{"-trimpath", "-ldflags=-s -w", "-gcflags=runtime=-l", "-gcflags=fmt=-l"}

// Main is the import path of a module's main package.
func Main(module string) string { return "github.com/descentlab/descent/cmd/explore/wasm/" + module }

// Result is one module's asset and whether it was built now (false: the
// one in build/explore was up to date).
type Result struct {
	Asset *web.Asset
	Built bool
}

// All builds every module (web.Modules) under root, each only when its
// asset is missing or stale (Module). Cost: seconds with a warm Go build
// cache, minutes on a cold one; milliseconds when nothing changed.
func All(root string) ([]Result, error) {
	var out []Result
	for _, m := range web.Modules() {
		r, err := Module(root, m)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Module builds one module's asset into root/build/explore, compiling
// the module only when the kept one was built from other sources (the
// manifest's hash over the same package folders) or by another Go.
func Module(root, module string) (Result, error) {
	goVersion, err := goOutput(root, nil, "env", "GOVERSION")
	if err != nil {
		return Result{}, err
	}
	dirs, err := packageDirs(root, module)
	if err != nil {
		return Result{}, err
	}
	dirs = append(dirs, "internal/explorebuild") // the front-end
	sum, err := exploreasset.SourcesHash(root, dirs)
	if err != nil {
		return Result{}, err
	}
	dir := filepath.Join(root, filepath.FromSlash(exploreasset.Dir))
	kept := filepath.Join(dir, "explore-"+module+".wasm.gz")
	var gz []byte
	if old, err := exploreasset.ReadManifest(root, module); err == nil && old.Sources == sum && old.Go == goVersion &&
		slices.Equal(old.Dirs, dirs) {
		gz, _ = os.ReadFile(kept)
	}
	built := gz == nil
	if built {
		if gz, err = compile(root, module); err != nil {
			return Result{}, err
		}
	}
	glue, err := wasmExec(root)
	if err != nil {
		return Result{}, err
	}
	a, err := Assemble(module, gz, glue, goVersion)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, err
	}
	if built {
		if err := writeAtomic(kept, gz); err != nil {
			return Result{}, err
		}
	}
	if err := Save(root, a, exploreasset.Manifest{Sources: sum, Dirs: dirs, Go: goVersion}); err != nil {
		return Result{}, err
	}
	return Result{Asset: a, Built: built}, nil
}

// compile builds a module's main for js/wasm and returns it compressed.
func compile(root, module string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "descent-explore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	raw := filepath.Join(tmp, module+".wasm")
	args := append(append([]string{"build"}, Flags...), "-o", raw, "./cmd/explore/wasm/"+module)
	if _, err := goOutput(root, []string{"GOOS=js", "GOARCH=wasm"}, args...); err != nil {
		return nil, err
	}
	wasm, err := os.ReadFile(raw)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	if _, err := zw.Write(wasm); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

//go:embed explore.js
var frontEnd string

// Assemble returns the asset of a module from the module gzip-compressed
// and wasm_exec.js of the Go toolchain that built it (goVersion): a script
// that runs wasm_exec.js and the front-end with lib/viz/draw's formatters
// (each once per page, whichever asset comes first), and boots the module
// once per page. Cost O(len(gz)).
func Assemble(module string, gz []byte, wasmExec, goVersion string) (*web.Asset, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("explorebuild: the module is damaged: %w", err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		return nil, fmt.Errorf("explorebuild: the module is damaged: %w", err)
	}
	var b strings.Builder
	b.WriteString("(function(){\"use strict\";\nif(!globalThis.Go){\n")
	b.WriteString("// wasm_exec.js of the Go toolchain (" + goVersion + "), BSD-style license: https://go.dev/LICENSE\n")
	b.WriteString(wasmExec)
	b.WriteString("\n}\nif(!(window.descentExplore&&window.descentExplore.mount)){\n(function(){\n// lib/viz/draw.FormattersJS\n")
	b.WriteString(draw.FormattersJS)
	b.WriteString("\nwindow.__descentFormatters=formatters;})();\n// internal/explorebuild/explore.js\n")
	b.WriteString(strings.ReplaceAll(frontEnd, "</script", `<\/script`))
	b.WriteString("\n}\nwindow.descentExplore.boot(\"" + module + "\",\"")
	b.WriteString(base64.StdEncoding.EncodeToString(gz))
	b.WriteString("\");\n})();\n")
	script := b.String()
	return &web.Asset{Module: module, Script: script, Version: exploreasset.Version(script), WasmBytes: int(n), GzipBytes: len(gz)}, nil
}

// Save writes a and its manifest m into root/build/explore, each
// atomically, and removes the module's older assets. m's Module, Asset and
// sizes are taken from a. Cost: writing the asset.
func Save(root string, a *web.Asset, m exploreasset.Manifest) error {
	dir := filepath.Join(root, filepath.FromSlash(exploreasset.Dir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m.Module, m.Asset, m.WasmBytes, m.GzipBytes = a.Module, a.File(), a.WasmBytes, a.GzipBytes
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, a.File()), []byte(a.Script)); err != nil {
		return err
	}
	if err := writeAtomic(exploreasset.ManifestPath(root, a.Module), append(js, '\n')); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "explore-"+a.Module+"-*"))
	for _, f := range old {
		if filepath.Base(f) != a.File() {
			os.Remove(f) // of no use any more (a former cache's .wasm.gz too)
		}
	}
	os.Remove(filepath.Join(dir, ".lock")) // the lock of the former in-kernel builds
	return nil
}

// writeAtomic writes b to name through a temporary file renamed over it,
// so that a reader sees the old file or the new one.
func writeAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
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
	}
	return err
}

// packageDirs lists the folders, relative to root with slashes, of the
// packages of this module that a module's main is built from (for
// js/wasm).
func packageDirs(root, module string) ([]string, error) {
	out, err := goOutput(root, []string{"GOOS=js", "GOARCH=wasm"}, "list", "-deps",
		"-f", `{{if and .Module (eq .Module.Path "github.com/descentlab/descent")}}{{.Dir}}{{end}}`, "./cmd/explore/wasm/"+module)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, d := range strings.Fields(out) {
		rel, err := filepath.Rel(root, d)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("explorebuild: package folder %s outside %s", d, root)
		}
		dirs = append(dirs, filepath.ToSlash(rel))
	}
	return dirs, nil
}

// wasmExec returns wasm_exec.js of the Go toolchain that builds the module.
func wasmExec(root string) (string, error) {
	goroot, err := goOutput(root, nil, "env", "GOROOT")
	if err != nil {
		return "", err
	}
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} { // Go ≥ 1.24, older
		if b, err := os.ReadFile(filepath.Join(goroot, p)); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("explorebuild: no wasm_exec.js under %s (lib/wasm or misc/wasm)", goroot)
}

// goOutput runs the go command at root with env added, and returns its
// output trimmed, or an error naming the command with its output.
func goOutput(root string, env []string, args ...string) (string, error) {
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("explorebuild: %s go %s: %w\n%s", strings.Join(env, " "), strings.Join(args, " "), err, stderr.String())
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
