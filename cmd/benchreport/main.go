// Command benchreport measures descent's second-order methods beside gonum's
// and scipy's, and turns the raw outputs of one benchmark run into
// build/bench/report.md, report.json, README-section.md and SVG charts.
// tools/bench/run.sh drives it; see that script for the whole run.
//
//	benchreport compare [-ref lib/secondorder/testdata/lbfgsb_reference.json] [-scipy raw/scipy.json] [-o raw/compare.json]
//	benchreport report [-raw build/bench/raw] [-out build/bench]
//
// compare runs descent's L-BFGS, BFGS and Newton and gonum's LBFGS and BFGS
// on the comparison test's problems (the names in -ref, problems from
// gonumset.Problems) with its stopping rule, timing each whole
// minimisation; -scipy joins scipy's timed runs. report reads raw/ (go test
// -bench outputs, numpy's and scipy's JSON, nbrun's outputs and executed
// notebooks, /proc/cpuinfo, run.sh's meta.env) and writes the report. It
// computes, it does not measure: its logic is tested on fixed inputs.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchreport compare|report [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "compare":
		err = compareCmd(os.Args[2:])
	case "report":
		err = reportCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q (compare or report)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func compareCmd(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	ref := fs.String("ref", "lib/secondorder/testdata/lbfgsb_reference.json", "the comparison test's scipy reference (names the problems)")
	scipy := fs.String("scipy", "", "bench/scipy/lbfgsb_timed.py's output (empty: no scipy column)")
	out := fs.String("o", "build/bench/raw/compare.json", "output JSON")
	denseMax := fs.Int("dense-max", 1000, "largest n on which the dense methods (BFGS, Newton) run")
	minTime := fs.Duration("mintime", 50*time.Millisecond, "least time spent repeating each minimisation")
	fs.Parse(args)
	rows, err := Compare(*ref, *scipy, *denseMax, *minTime, os.Stderr)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(jsonSafe(rows), "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

func reportCmd(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	raw := fs.String("raw", "build/bench/raw", "folder of raw outputs")
	out := fs.String("out", "build/bench", "folder for report.md, report.json, README-section.md and charts")
	fs.Parse(args)
	rep, err := Load(*raw)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(jsonSafe(rep), "", " ")
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"report.json":       append(b, '\n'),
		"report.md":         []byte(Markdown(rep)),
		"README-section.md": []byte(ReadmeSection(rep)),
	} {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			return err
		}
	}
	if err := Charts(rep, *out); err != nil {
		return err
	}
	for _, t := range rep.Targets {
		fmt.Printf("%-20s %-7s %s\n", t.Name, t.Status, t.Measured)
	}
	return nil
}
