package main

import (
	"fmt"
	"io"
	"time"

	"github.com/descentlab/descent/internal/compare"
)

// timed runs f until minTime has passed (at least once after a warm-up
// run, or only once when the first run is already slower than minTime)
// and returns the first result with the mean time.
func timed(minTime time.Duration, f func() compare.Run) compare.Run {
	t0 := time.Now()
	r := f()
	first := time.Since(t0)
	if first >= minTime {
		r.Seconds, r.Reps = first.Seconds(), 1
		return r
	}
	n := 0
	t0 = time.Now()
	for n == 0 || time.Since(t0) < minTime {
		f()
		n++
	}
	r.Seconds, r.Reps = time.Since(t0).Seconds()/float64(n), n
	return r
}

// Compare runs internal/compare's methods on the problems named in the
// reference file (lib/secondorder/testdata/lbfgsb_reference.json: the
// comparison test's set, in its order), exactly as the test does, timing
// each. scipyPath, when not empty, adds scipy's timed runs. Dense methods
// run up to n = denseMax.
func Compare(refPath, scipyPath string, denseMax int, minTime time.Duration, log io.Writer) ([]compare.Row, error) {
	ref, err := compare.ReadScipy(refPath)
	if err != nil {
		return nil, err
	}
	var sp compare.Scipy
	if scipyPath != "" {
		if sp, err = compare.ReadScipy(scipyPath); err != nil {
			return nil, err
		}
	}
	var names []string
	for _, rp := range ref.Problems {
		names = append(names, rp.Name)
	}
	ps, err := compare.Problems(names)
	if err != nil {
		return nil, err
	}
	var rows []compare.Row
	for _, p := range ps {
		row := compare.Row{Problem: p.Name, N: len(p.Start), Runs: map[string]compare.Run{}}
		for name, run := range compare.Methods(row.N <= denseMax) {
			row.Runs[name] = timed(minTime, func() compare.Run { return run(p) })
		}
		if s := sp.Find(p.Name); s != nil {
			row.Runs[compare.ScipyLBFGS] = s.Run()
		}
		if log != nil {
			fmt.Fprintf(log, "compare %-28s n=%-5d L-BFGS fe %d (gonum %d) %.3gs\n", p.Name, row.N,
				row.Runs[compare.OurLBFGS].FuncEvals, row.Runs[compare.GonumLBFGS].FuncEvals, row.Runs[compare.OurLBFGS].Seconds)
		}
		rows = append(rows, row)
	}
	return rows, nil
}
