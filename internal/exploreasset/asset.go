// Package exploreasset is what the builder of the explorables' WebAssembly
// modules (internal/explorebuild, run by cmd/explore) and their reader
// (lib/explore/web.Load, in a notebook's chart helper) agree on: where the
// built assets live, the manifest beside each, the hash that says whether
// an asset is older than its sources, and an asset's version. It runs no
// program.
package exploreasset

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Dir is where the assets are, relative to the root of the checkout.
const Dir = "build/explore"

// BuildCommand is what builds them, run at the root.
const BuildCommand = "go run ./cmd/explore"

// File is the file name of a module's asset of a version:
// explore-MODULE-VERSION.js.
func File(module, version string) string { return "explore-" + module + "-" + version + ".js" }

// Version is the version of an asset's script: 12 hex digits of its SHA-256.
func Version(script string) string {
	sum := sha256.Sum256([]byte(script))
	return hex.EncodeToString(sum[:])[:12]
}

// Manifest describes a built asset: build/explore/explore-MODULE.json,
// beside the asset it names.
//
// Staleness is decided without the Go toolchain, which a notebook's helper
// must not run: Sources is SourcesHash of Dirs — the folders of the
// packages the module is compiled from (as `go list -deps` listed them when
// it was built) and internal/explorebuild, whose front-end (explore.js) the
// asset carries. The reader recomputes it: a few hundred kilobytes read,
// 3–13 ms, at the first explorable of each module in a kernel session.
// Hashing whole folders rather than the files the build used catches a
// file added to one of them, and errs on the safe side for a file only
// another platform builds; a package newly imported is caught by the
// edited import. What it does not see is a change of Go version (the asset
// carries its own wasm_exec.js, so it still runs; cmd/explore rebuilds on
// one) and of lib/viz/draw's number formatters, which cmd/explore puts in
// the asset again at every run.
type Manifest struct {
	Module string `json:"module"`
	// Asset is the asset's file name (File) in the same folder.
	Asset string `json:"asset"`
	// Sources is SourcesHash of Dirs, relative to the root, with slashes.
	Sources string   `json:"sources"`
	Dirs    []string `json:"dirs"`
	// Go is the version of the Go toolchain that built the module.
	Go string `json:"go"`
	// WasmBytes and GzipBytes are the module's sizes, raw and compressed.
	WasmBytes int `json:"wasmBytes"`
	GzipBytes int `json:"gzipBytes"`
}

// ManifestPath is the manifest of a module under root.
func ManifestPath(root, module string) string {
	return filepath.Join(root, filepath.FromSlash(Dir), "explore-"+module+".json")
}

// ReadManifest reads the manifest of a module's asset under root; its
// error wraps fs.ErrNotExist when there is none.
func ReadManifest(root, module string) (*Manifest, error) {
	b, err := os.ReadFile(ManifestPath(root, module))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestPath(root, module), err)
	}
	return &m, nil
}

// SourcesHash is a SHA-256 (16 hex digits) of go.mod, go.sum and every
// non-test .go and .js file directly in the folders dirs (relative to
// root, with slashes), names and contents, in sorted order. Cost: reading
// those files.
func SourcesHash(root string, dirs []string) (string, error) {
	all := slices.Clone(dirs)
	slices.Sort(all)
	files := []string{"go.mod", "go.sum"}
	for _, d := range slices.Compact(all) {
		entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(d)))
		if err != nil {
			return "", err
		}
		for _, e := range entries {
			n := e.Name()
			if e.Type().IsRegular() && (strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") || strings.HasSuffix(n, ".js")) {
				files = append(files, path.Join(d, n))
			}
		}
	}
	h := sha256.New()
	for _, f := range files {
		r, err := os.Open(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return "", err
		}
		st, err := r.Stat()
		if err == nil {
			fmt.Fprintf(h, "%s %d\n", f, st.Size())
			_, err = io.Copy(h, r)
		}
		r.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
