//go:build !(js && wasm)

// Command explore is the WebAssembly program of the explorables
// (lib/explore): built with GOOS=js GOARCH=wasm it puts one function per
// explorable of its module in window.descentExploreModules, which runs it
// with the library's own code and returns its figure as JSON.
//
// It is built once per module (explore.Modules), with the build tags
// descent_explore and descent_explore_MODULE, which keep that module's
// explorables only.
//
// Run natively, it builds the modules into the script assets the pages
// load (lib/explore/web.Build: a module compressed in base64 with
// wasm_exec.js and the front-end), fills the cache that lib/viz/nb.Explore
// reads, and reports the sizes:
//
//	go run ./cmd/explore [-o build/explore] [-page build/explore/all.html]
//
// -page writes a standalone page with every explorable, for a look outside
// the course (it opens from disk, offline). -oracle runs explorables for
// the browser check instead: one JSON request per line on standard input
// ({"name", "values", "data"}), one figure per line on standard output.
//
// `make notes` and `make test` run it before executing the notebooks.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/descentlab/descent/lib/explore/web"
)

func main() {
	out := flag.String("o", "", "write the script assets into this folder (default: only fill the cache)")
	page := flag.String("page", "", "write a standalone page with every explorable to this file")
	oracleMode := flag.Bool("oracle", false, "answer run requests on stdin (see the doc)")
	flag.Parse()
	if *oracleMode {
		if err := oracle(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	root, err := web.Root()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	assets, err := web.BuildAll(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, a := range assets {
		if *out != "" {
			if err := os.WriteFile(filepath.Join(*out, a.File()), []byte(a.Script), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		fmt.Printf("explore: module %-11s %7d bytes, %6d gzip (%.0f KiB), asset %s %d bytes\n",
			a.Module, a.WasmBytes, a.GzipBytes, float64(a.GzipBytes)/1024, a.File(), len(a.Script))
	}
	if *page != "" {
		f, err := os.Create(*page)
		if err == nil {
			err = web.WritePage(f, "descent: the explorables", assets, web.AllItems()...)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
