// Command nbrun executes the course notebooks headlessly with the gonb kernel
// and fails, naming the notebook, the cell and the error, when any cell fails.
//
//	nbrun [-out build/notebooks] [-timeout 300s] notebook.ipynb ...
//
// Each notebook is executed by `jupyter nbconvert --to notebook --execute`
// with the repository's gonb kernel (installed in .venv by `make setup`).
// A cell fails when it has an error output, or when its stderr holds
// "panic:" or "exit status" (a Go panic, log.Fatal, a failed claim, or a
// failing `!` shell line). Executed copies are written under -out only
// when a notebook passes; a failing notebook leaves no copy behind, and the
// previous copy, if any, stays as it was.
//
// nbrun finds the repository from its own working directory or from the
// notebooks' paths (the nearest folder holding go.mod and .venv), so it runs
// from anywhere.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	out := flag.String("out", "", "folder for the executed notebooks (default <repo>/build/notebooks)")
	timeout := flag.Duration("timeout", 300*time.Second, "per-cell timeout")
	root := flag.String("root", "", "repository root (default: found from the working directory or the notebooks)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: nbrun [flags] notebook.ipynb ...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	r := Runner{Root: *root, OutDir: *out, CellTimeout: *timeout, Log: os.Stderr}
	if err := r.init(flag.Args()[0]); err != nil {
		fmt.Fprintln(os.Stderr, "nbrun:", err)
		os.Exit(2)
	}
	failed := 0
	start := time.Now()
	for _, nb := range flag.Args() {
		t0 := time.Now()
		dst, claims, err := r.RunCounting(nb)
		if err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "FAIL %s\n%v\n", nb, err)
			continue
		}
		rel, _ := filepath.Rel(r.Root, dst)
		fmt.Printf("ok   %-40s %6.1fs  %3d claims checked  -> %s\n", filepath.Base(nb), time.Since(t0).Seconds(), claims, rel)
	}
	fmt.Printf("%d notebooks, %d failed, %.1fs\n", flag.NArg(), failed, time.Since(start).Seconds())
	if failed > 0 {
		os.Exit(1)
	}
}
