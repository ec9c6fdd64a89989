//go:build !(js && wasm)

// Command explore is the WebAssembly program of the explorables
// (lib/explore): built with GOOS=js GOARCH=wasm it exposes
// window.descentExploreGo.run(name, values, data), which runs an explorable
// with the library's own code and returns its figure as JSON.
//
// Run natively, it builds that module into the script asset the pages load
// (lib/explore/web.Build: the module compressed in base64 with wasm_exec.js
// and the front-end), fills the cache that lib/viz/nb.Explore reads, and
// reports the sizes:
//
//	go run ./cmd/explore [-o build/explore/explore.js] [-page build/explore/all.html]
//
// -page writes a standalone page with every explorable, for a look outside
// the course (it opens from disk, offline).
//
// `make notes` and `make test` run it before executing the notebooks.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/web"
)

func main() {
	out := flag.String("o", "", "write the script asset to this file (default: only fill the cache)")
	page := flag.String("page", "", "write a standalone page with every explorable to this file")
	flag.Parse()
	root, err := web.Root()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	a, err := web.Build(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *out != "" {
		if err := os.WriteFile(*out, []byte(a.Script), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if *page != "" {
		f, err := os.Create(*page)
		if err == nil {
			err = web.WritePage(f, "descent: the explorables", a, explore.Names()...)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Printf("explore: WebAssembly module %d bytes, %d gzip (%.0f KiB); asset %s, %d bytes\n",
		a.WasmBytes, a.GzipBytes, float64(a.GzipBytes)/1024, a.Version, len(a.Script))
}
