package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/secondorder"
	"gonum.org/v1/gonum/optimize"
)

// gradTol is the comparison test's stopping rule, ‖∇f‖∞ ≤ 1e-8.
const gradTol = 1e-8

// Run is one method on one problem: counts, end point quality and the mean
// wall time of one whole minimisation.
type Run struct {
	Iterations int     `json:"iterations"`
	FuncEvals  int     `json:"func_evals"`
	GradEvals  int     `json:"grad_evals"`
	HessEvals  int     `json:"hess_evals,omitempty"`
	F          float64 `json:"f"`
	GradInf    float64 `json:"grad_inf"`
	Converged  bool    `json:"converged"`
	Seconds    float64 `json:"seconds"`
	Reps       int     `json:"reps"`
	Note       string  `json:"note,omitempty"`
}

// CompareRow is one problem of the shared set.
type CompareRow struct {
	Problem string `json:"problem"`
	N       int    `json:"n"`
	// Runs maps "descent L-BFGS", "gonum LBFGS", "descent BFGS",
	// "gonum BFGS", "descent Newton" and "scipy L-BFGS-B" to runs; a method
	// not run (a dense method above -dense-max, scipy skipped) is absent.
	Runs map[string]Run `json:"runs"`
}

// Method names, in table order.
const (
	ourLBFGS   = "descent L-BFGS"
	gonumLBFGS = "gonum LBFGS"
	scipyLBFGS = "scipy L-BFGS-B"
	ourBFGS    = "descent BFGS"
	gonumBFGS  = "gonum BFGS"
	ourNewton  = "descent Newton"
)

var methodOrder = []string{ourLBFGS, gonumLBFGS, scipyLBFGS, ourBFGS, gonumBFGS, ourNewton}

// timed runs f until minTime has passed (at least once after a warm-up
// run, or only once when the first run is already slower than minTime)
// and returns the first result with the mean time.
func timed(minTime time.Duration, f func() Run) Run {
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

func gradInf(p problems.Problem, x []float64) float64 {
	g := make([]float64, len(x))
	p.Grad(g, x)
	m := 0.0
	for _, v := range g {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// lbfgsMemory is the L-BFGS history of the comparison, for every library.
const lbfgsMemory = 10

func runOurs(p problems.Problem, m optim.Method) Run {
	r := optim.Run(p, p.Start, m, optim.Settings{MaxIter: 10000, GradTol: gradTol})
	gi := gradInf(p, r.X)
	run := Run{Iterations: r.Stats.Iterations, FuncEvals: r.Stats.FuncEvals, GradEvals: r.Stats.GradEvals,
		HessEvals: r.Stats.HessEvals, F: r.F, GradInf: gi, Converged: r.Status == optim.GradientThreshold && gi <= gradTol}
	if !run.Converged {
		run.Note = fmt.Sprintf("ended %v", r.Status)
	}
	return run
}

func runGonum(p problems.Problem, m func() optimize.Method) Run {
	r, err := optimize.Minimize(optimize.Problem{Func: p.Func, Grad: p.Grad}, p.Start,
		&optimize.Settings{GradientThreshold: gradTol, Converger: &optimize.FunctionConverge{Iterations: math.MaxInt32}}, m())
	gi := gradInf(p, r.X)
	run := Run{Iterations: r.Stats.MajorIterations, FuncEvals: r.Stats.FuncEvaluations, GradEvals: r.Stats.GradEvaluations,
		F: r.F, GradInf: gi, Converged: err == nil && r.Status == optimize.GradientThreshold && gi <= gradTol}
	if !run.Converged {
		run.Note = fmt.Sprintf("ended %v", r.Status)
		if err != nil {
			run.Note += ": " + err.Error()
		}
	}
	return run
}

// scipyFile is bench/scipy/lbfgsb_timed.py's output (and, without the
// timing fields, lbfgsb_reference.py's).
type scipyFile struct {
	Scipy    string `json:"scipy"`
	Problems []struct {
		Name    string  `json:"name"`
		N       int     `json:"n"`
		Nit     int     `json:"nit"`
		Nfev    int     `json:"nfev"`
		F       float64 `json:"f"`
		GradInf float64 `json:"grad_inf"`
		Message string  `json:"message"`
		Seconds float64 `json:"seconds"`
		Reps    int     `json:"reps"`
	} `json:"problems"`
}

func readScipy(path string) (scipyFile, error) {
	var s scipyFile
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(b, &s)
}

// Compare runs the methods on the problems named in the reference file
// (lib/secondorder/testdata/lbfgsb_reference.json: the comparison test's
// set, in its order), with the test's settings, timing each. scipyPath,
// when not empty, adds scipy's timed runs. Dense methods run up to
// n = denseMax.
func Compare(refPath, scipyPath string, denseMax int, minTime time.Duration, log io.Writer) ([]CompareRow, error) {
	ref, err := readScipy(refPath)
	if err != nil {
		return nil, err
	}
	var sp scipyFile
	if scipyPath != "" {
		if sp, err = readScipy(scipyPath); err != nil {
			return nil, err
		}
	}
	byName := map[string]problems.Problem{}
	for _, p := range problems.GonumSet() {
		byName[p.Name] = p
	}
	var rows []CompareRow
	for _, rp := range ref.Problems {
		p, ok := byName[rp.Name]
		if !ok {
			return nil, fmt.Errorf("problems.GonumSet has no %q", rp.Name)
		}
		row := CompareRow{Problem: p.Name, N: len(p.Start), Runs: map[string]Run{}}
		row.Runs[ourLBFGS] = timed(minTime, func() Run { return runOurs(p, secondorder.NewLBFGS(lbfgsMemory)) })
		row.Runs[gonumLBFGS] = timed(minTime, func() Run {
			return runGonum(p, func() optimize.Method { return &optimize.LBFGS{Store: lbfgsMemory} })
		})
		if row.N <= denseMax {
			row.Runs[ourBFGS] = timed(minTime, func() Run { return runOurs(p, secondorder.NewBFGS()) })
			row.Runs[gonumBFGS] = timed(minTime, func() Run { return runGonum(p, func() optimize.Method { return &optimize.BFGS{} }) })
			row.Runs[ourNewton] = timed(minTime, func() Run {
				return runOurs(p, &secondorder.Newton{Modified: true, Beta: 1e-3, LineSearch: secondorder.StrongWolfe{C1: 1e-4, C2: 0.9, MaxTrials: 25}})
			})
		}
		for _, s := range sp.Problems {
			if s.Name == p.Name {
				r := Run{Iterations: s.Nit, FuncEvals: s.Nfev, GradEvals: s.Nfev, F: s.F, GradInf: s.GradInf,
					Converged: s.GradInf <= gradTol, Seconds: s.Seconds, Reps: s.Reps}
				if !r.Converged {
					r.Note = s.Message
				}
				row.Runs[scipyLBFGS] = r
			}
		}
		if log != nil {
			fmt.Fprintf(log, "compare %-28s n=%-5d L-BFGS fe %d (gonum %d) %.3gs\n", p.Name, row.N,
				row.Runs[ourLBFGS].FuncEvals, row.Runs[gonumLBFGS].FuncEvals, row.Runs[ourLBFGS].Seconds)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// LBFGSWins counts the problems where our L-BFGS used no more function
// evaluations than gonum's LBFGS (the comparison test's criterion).
func LBFGSWins(rows []CompareRow) (wins, total int) {
	for _, r := range rows {
		o, ok1 := r.Runs[ourLBFGS]
		g, ok2 := r.Runs[gonumLBFGS]
		if !ok1 || !ok2 {
			continue
		}
		total++
		if o.FuncEvals <= g.FuncEvals {
			wins++
		}
	}
	return wins, total
}
