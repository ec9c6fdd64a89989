// Package explorebuild builds the WebAssembly modules of the explorables
// with the Go toolchain: what cmd/explore runs (and the tests that need the
// modules), so that no library package runs a program. A module is
// cmd/explore/wasm/MODULE built with GOOS=js GOARCH=wasm, -trimpath,
// -ldflags=-s -w and without inlining in packages runtime and fmt
// (-gcflags=runtime=-l -gcflags=fmt=-l: 35 kB less gzip, no measurable
// change in speed; inlining stays on in the library and the rest of the
// standard library), gzip-compressed and assembled with wasm_exec.js into
// the script asset that lib/explore/web.Load reads back from build/explore.
package explorebuild

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

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

// Module builds one module's asset into root/build/explore (web.Save)
// unless the one there has the manifest this build would write: the same
// sources hash over the same package folders, and the same Go version.
func Module(root, module string) (Result, error) {
	goVersion, err := goOutput(root, nil, "env", "GOVERSION")
	if err != nil {
		return Result{}, err
	}
	dirs, err := packageDirs(root, module)
	if err != nil {
		return Result{}, err
	}
	sum, err := web.SourcesHash(root, dirs)
	if err != nil {
		return Result{}, err
	}
	if old, err := web.ReadManifest(root, module); err == nil && old.Sources == sum && old.Go == goVersion &&
		strings.Join(old.Dirs, " ") == strings.Join(dirs, " ") {
		if a, err := web.Load(root, module); err == nil {
			return Result{Asset: a}, nil
		}
	}
	tmp, err := os.MkdirTemp("", "descent-explore-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(tmp)
	raw := filepath.Join(tmp, module+".wasm")
	args := append(append([]string{"build"}, Flags...), "-o", raw, "./cmd/explore/wasm/"+module)
	if _, err := goOutput(root, []string{"GOOS=js", "GOARCH=wasm"}, args...); err != nil {
		return Result{}, err
	}
	wasm, err := os.ReadFile(raw)
	if err != nil {
		return Result{}, err
	}
	gz, err := web.Gzip(wasm)
	if err != nil {
		return Result{}, err
	}
	glue, err := wasmExec(root)
	if err != nil {
		return Result{}, err
	}
	a, err := web.Assemble(module, gz, glue, goVersion)
	if err != nil {
		return Result{}, err
	}
	if err := web.Save(root, a, web.Manifest{Sources: sum, Dirs: dirs, Go: goVersion}); err != nil {
		return Result{}, err
	}
	return Result{Asset: a, Built: true}, nil
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
