//go:build !(js && wasm)

// Command explore builds the WebAssembly modules of the explorables
// (lib/explore): one per package of explorables (web.Modules), each the
// main in cmd/explore/wasm/MODULE built with GOOS=js GOARCH=wasm
// (internal/explorebuild), into the script assets the pages load (a module
// compressed in base64 with wasm_exec.js and the front-end), written with
// a manifest into build/explore, where lib/viz/nb.Explore reads them
// (lib/explore/web.Load). A module whose sources did not change is not
// compiled again (its asset is assembled again). It reports the sizes:
//
//	go run ./cmd/explore [-o folder] [-page build/explore/all.html]
//
// -o copies the assets into another folder too. -page writes a standalone
// page with every explorable, for a look outside the course (it opens from
// disk, offline). -oracle runs explorables for the browser check instead:
// one JSON request per line on standard input ({"name", "values", "data"}),
// one figure per line on standard output.
//
// `make notes`, `make lab` and `make test-notebooks` run it before
// executing the notebooks, and the course image's provisioning before it
// executes them once.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/descentlab/descent/internal/explorebuild"
	"github.com/descentlab/descent/lib/explore/web"
)

func main() {
	out := flag.String("o", "", "copy the script assets into this folder too")
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
	results, err := explorebuild.All(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var assets []*web.Asset
	for _, r := range results {
		a := r.Asset
		assets = append(assets, a)
		if *out != "" {
			if err := os.WriteFile(filepath.Join(*out, a.File()), []byte(a.Script), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		state := "up to date"
		if r.Built {
			state = "built"
		}
		fmt.Printf("explore: module %-11s %7d bytes, %6d gzip (%.0f KiB), asset %s %d bytes, %s\n",
			a.Module, a.WasmBytes, a.GzipBytes, float64(a.GzipBytes)/1024, a.File(), len(a.Script), state)
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
