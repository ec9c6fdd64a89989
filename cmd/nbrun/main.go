// Command nbrun executes the course notebooks headlessly with the gonb kernel
// and fails, naming the notebook, the cell and the error, when any cell fails.
//
//	nbrun [-out build/notebooks] [-timeout 300s] [-deadline 0] notebook.ipynb ...
//
// Each notebook is executed by `jupyter nbconvert --to notebook --execute`
// with the repository's gonb kernel (installed in .venv by `make setup`).
// A cell fails when it has an error output (GoNB gives one for a compile
// error, a panic, log.Fatal, a failed nb.Claim and any non-zero exit of the
// cell's program), when a `!` shell line in it fails, or when it stops before
// checking the claims it contains (an os.Exit(0) or a return before its
// nb.Claim calls: see claims.go). Text a cell merely prints to stderr fails
// nothing. Executed copies are written under -out only when a notebook
// passes; a failing notebook leaves no copy behind, and the previous copy, if
// any, stays as it was.
//
// nbrun owns the processes a run causes, by ancestry: it is a child
// subreaper, so a process a cell leaves running stays its descendant even in
// a session of its own with an empty environment. However a run ends — it
// passes or fails, Ctrl-C, SIGTERM or SIGHUP, a per-cell timeout, the
// whole-notebook -deadline, or SIGKILL of nbrun or of its process group — no
// kernel, cell program or process a cell started outlives it by more than a
// few seconds, and its scratch folder (<out>/.nbrun-*, with GoNB's temporary
// folder and the kernel connection file inside) is removed: see procs.go,
// session.go and guard.go. What a run killed together with its kernel guard
// leaves behind, the next nbrun ends and removes, and says so (all but
// processes that cleared their environment).
//
// nbrun finds the repository from its own working directory or from the
// notebooks' paths (the nearest folder holding go.mod and .venv), so it runs
// from anywhere. It runs on Linux (and other Unix systems, where with no
// /proc to walk and no subreaper only the kernel's process group is guarded).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	guardMain()
	becomeSubreaper()
	out := flag.String("out", "", "folder for the executed notebooks (default <repo>/build/notebooks)")
	timeout := flag.Duration("timeout", 300*time.Second, "per-cell timeout")
	deadline := flag.Duration("deadline", 0, "whole-notebook limit (default: number of cells × -timeout + 2m)")
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
	ctx, stop := stopOnSignals()
	defer stop()
	r := Runner{Root: *root, OutDir: *out, CellTimeout: *timeout, Deadline: *deadline, Log: os.Stderr}
	if err := r.init(flag.Args()[0]); err != nil {
		fmt.Fprintln(os.Stderr, "nbrun:", err)
		os.Exit(2)
	}
	failed, ran := 0, 0
	start := time.Now()
	for _, nb := range flag.Args() {
		t0 := time.Now()
		dst, claims, err := r.RunContext(ctx, nb)
		if errors.Is(err, ErrStopped) {
			fmt.Fprintf(os.Stderr, "nbrun: %v\n", err)
			fmt.Printf("%d of %d notebooks run, %d failed, stopped after %.1fs\n", ran, flag.NArg(), failed, time.Since(start).Seconds())
			os.Exit(exitCode(context.Cause(ctx)))
		}
		ran++
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

// signalError is the cause of a run stopped by a signal.
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return e.sig.String() }

// stopOnSignals returns a context cancelled, with a signalError as its
// cause, when nbrun gets SIGINT (Ctrl-C), SIGTERM (timeout(1), a CI cancel)
// or SIGHUP (its terminal closed): the run in progress then ends its
// processes and removes its scratch folder before nbrun exits.
func stopOnSignals() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		if sig, ok := <-sigs; ok {
			cancel(signalError{sig})
		}
	}()
	return ctx, func() { signal.Stop(sigs); cancel(nil) }
}

// exitCode is the shell's status for a process ended by the signal in
// cause: 128 + the signal's number.
func exitCode(cause error) int {
	var se signalError
	if errors.As(cause, &se) {
		if s, ok := se.sig.(syscall.Signal); ok {
			return 128 + int(s)
		}
	}
	return 1
}
