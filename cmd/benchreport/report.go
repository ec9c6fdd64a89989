package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/descentlab/descent/internal/compare"
	"github.com/descentlab/descent/lib/measure"
)

// Sizes of the first-order benchmarks (lib/optim's benchSizes).
var stepSizes = []int{1e3, 1e5, 1e6, 1e7}

// Optimizers of lib/optim's BenchmarkStep with the float64 words each moves
// per element (its SetBytes / 8).
var stepOpts = []struct {
	Name  string
	Words int
}{
	{"SGD", 3}, {"Momentum", 5}, {"Nesterov", 5}, {"AdaGrad", 5}, {"RMSProp", 5},
	{"Adam", 7}, {"AdamW", 7}, {"Adam-AMSGrad", 9},
}

// StepRow is one optimizer at one size.
type StepRow struct {
	Name  string `json:"name"`
	D     int    `json:"d"`
	Bytes int    `json:"bytes_per_elem"`
	// NsPerElem and GBps are descent's measured time per element and
	// effective bandwidth (Bytes/NsPerElem).
	NsPerElem float64 `json:"ns_per_elem"`
	GBps      float64 `json:"gb_per_s"`
	AllocsOp  float64 `json:"allocs_per_op"`
	BytesOp   float64 `json:"alloc_bytes_per_op"`
	// BoundNs is Bytes at the triad bandwidth of the same d; VsBound is
	// NsPerElem / BoundNs (1 = at the bound).
	BoundNs float64 `json:"bound_ns_per_elem"`
	VsBound float64 `json:"vs_bound"`
	// NumpyNs is numpy's time per element for the same update, Speedup
	// NumpyNs / NsPerElem (NaN when numpy was not run).
	NumpyNs float64 `json:"numpy_ns_per_elem"`
	Speedup float64 `json:"speedup_vs_numpy"`
}

// TriadRow is the STREAM triad at one size (24 bytes per element).
type TriadRow struct {
	D         int     `json:"d"`
	NsPerElem float64 `json:"ns_per_elem"`
	GBps      float64 `json:"gb_per_s"`
}

// DenseRow is one Newton dimension: seconds per operation and rates.
type DenseRow struct {
	D              int     `json:"d"`
	Assemble       float64 `json:"assemble_s"`
	Factor         float64 `json:"factor_s"`
	Solve          float64 `json:"solve_s"`
	FactorGFLOPS   float64 `json:"factor_gflops"`
	SolveGFLOPS    float64 `json:"solve_gflops"`
	AssembleNsElem float64 `json:"assemble_ns_per_entry"`
}

// Newton is the dense section.
type Newton struct {
	Rows                                   []DenseRow         `json:"rows"`
	AssembleSlope, FactorSlope, SolveSlope float64            `json:"-"`
	Slopes                                 map[string]float64 `json:"slopes"`
	Gemm                                   map[string]float64 `json:"gemm_gflops"`
	GemmBest                               float64            `json:"gemm_best_gflops"`
	CPU                                    CPU                `json:"cpu"`
}

// Notebooks is the course-execution section.
type Notebooks struct {
	Cold, Warm         NbrunSummary `json:"-"`
	ColdSeconds        float64      `json:"cold_seconds"`
	WarmSeconds        float64      `json:"warm_seconds"`
	ColdWall, WarmWall float64      `json:"-"`
	PerNotebook        []NbRow      `json:"per_notebook"`
	CellsCold          CellStats    `json:"cells_cold"`
	CellsWarm          CellStats    `json:"cells_warm"`
	Slowest            []CellTime   `json:"slowest_warm_cells"`
	WarmCells          []CellTime   `json:"-"`
}

// NbRow is one notebook, cold and warm.
type NbRow struct {
	Notebook string  `json:"notebook"`
	Cold     float64 `json:"cold_seconds"`
	Warm     float64 `json:"warm_seconds"`
	Cells    int     `json:"code_cells"`
	P50      float64 `json:"warm_cell_p50_s"`
	P95      float64 `json:"warm_cell_p95_s"`
}

// CellStats summarises per-cell times.
type CellStats struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_s"`
	P95   float64 `json:"p95_s"`
	Max   float64 `json:"max_s"`
	Sum   float64 `json:"sum_s"`
}

func cellStats(ts []CellTime) CellStats {
	xs := make([]float64, len(ts))
	s := CellStats{Count: len(ts)}
	for i, t := range ts {
		xs[i] = t.Seconds
		s.Sum += t.Seconds
		s.Max = math.Max(s.Max, t.Seconds)
	}
	s.P50, s.P95 = Percentile(xs, 50), Percentile(xs, 95)
	return s
}

// Target is one of issue 10's targets, reported, not asserted.
type Target struct {
	Name     string `json:"name"`
	Goal     string `json:"goal"`
	Measured string `json:"measured"`
	// Status is "met", "missed" or "not measured".
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
}

// Report is everything build/bench/report.json holds.
type Report struct {
	Meta       map[string]string `json:"meta"`
	Triad      []TriadRow        `json:"triad"`
	Steps      []StepRow         `json:"steps"`
	NumpyInfo  string            `json:"numpy"`
	Newton     Newton            `json:"newton"`
	Methods    []compare.Row     `json:"methods"`
	Wins       int               `json:"lbfgs_wins_vs_gonum"`
	Total      int               `json:"lbfgs_problems"`
	TestCross  string            `json:"comparison_test_crosscheck"`
	Notebooks  *Notebooks        `json:"notebooks,omitempty"`
	Cells      *Cells            `json:"cells,omitempty"`
	Hub        *Hub              `json:"hub,omitempty"`
	Targets    []Target          `json:"targets"`
	AdamPprof  string            `json:"adam_pprof_top,omitempty"`
	Unmeasured []string          `json:"skipped,omitempty"`
}

func nan() float64 { return math.NaN() }

// numpyFile is bench/numpy/steps.py's output.
type numpyFile struct {
	Numpy   string `json:"numpy"`
	Python  string `json:"python"`
	Path    string `json:"numpy_path"`
	Results []struct {
		Name      string  `json:"name"`
		D         int     `json:"d"`
		NsPerElem float64 `json:"ns_per_elem"`
	} `json:"results"`
}

// FirstOrder joins the Go step and triad benchmarks with numpy's results.
func FirstOrder(lines []BenchLine, np *numpyFile) ([]TriadRow, []StepRow) {
	lines = Best(lines)
	var triad []TriadRow
	triadGB := map[int]float64{}
	for _, d := range stepSizes {
		l, ok := Find(lines, "Triad/"+SizeName(d))
		if !ok {
			continue
		}
		ns := l.Metrics["ns/op"] / float64(d)
		triad = append(triad, TriadRow{D: d, NsPerElem: ns, GBps: 24 / ns})
		triadGB[d] = 24 / ns
	}
	var steps []StepRow
	for _, o := range stepOpts {
		for _, d := range stepSizes {
			l, ok := Find(lines, "Step/"+o.Name+"/"+SizeName(d))
			if !ok {
				continue
			}
			ns := l.Metrics["ns/op"] / float64(d)
			r := StepRow{Name: o.Name, D: d, Bytes: 8 * o.Words, NsPerElem: ns, GBps: float64(8*o.Words) / ns,
				AllocsOp: l.Metrics["allocs/op"], BytesOp: l.Metrics["B/op"], BoundNs: nan(), VsBound: nan(), NumpyNs: nan(), Speedup: nan()}
			if gb, ok := triadGB[d]; ok {
				r.BoundNs = float64(r.Bytes) / gb
				r.VsBound = ns / r.BoundNs
			}
			if np != nil {
				for _, x := range np.Results {
					if x.Name == o.Name && x.D == d {
						r.NumpyNs = x.NsPerElem
						r.Speedup = x.NsPerElem / ns
					}
				}
			}
			steps = append(steps, r)
		}
	}
	return triad, steps
}

// Dense builds the Newton section from lib/secondorder/cost's benchmarks.
func Dense(lines []BenchLine, cpu CPU) Newton {
	lines = Best(lines)
	nw := Newton{Gemm: map[string]float64{}, Slopes: map[string]float64{}, CPU: cpu}
	dims := map[int]bool{}
	re := regexp.MustCompile(`^(Assemble|Cholesky|CholeskySolve)/d=(\d+)$`)
	for _, l := range lines {
		if m := re.FindStringSubmatch(l.Name); m != nil {
			d, _ := strconv.Atoi(m[2])
			dims[d] = true
		}
		if strings.HasPrefix(l.Name, "Gemm/") {
			g := l.Metrics["GFLOP/s"]
			nw.Gemm[strings.TrimPrefix(l.Name, "Gemm/")] = g
			nw.GemmBest = math.Max(nw.GemmBest, g)
		}
	}
	var ds []int
	for d := range dims {
		ds = append(ds, d)
	}
	sort.Ints(ds)
	sec := func(name string) float64 {
		if l, ok := Find(lines, name); ok {
			return l.Metrics["ns/op"] * 1e-9
		}
		return nan()
	}
	var xd, asm, fac, sol []float64
	for _, d := range ds {
		fd := float64(d)
		r := DenseRow{D: d, Assemble: sec(fmt.Sprintf("Assemble/d=%d", d)), Factor: sec(fmt.Sprintf("Cholesky/d=%d", d)),
			Solve: sec(fmt.Sprintf("CholeskySolve/d=%d", d))}
		r.FactorGFLOPS = fd * fd * fd / 3 / r.Factor / 1e9
		r.SolveGFLOPS = 2 * fd * fd / r.Solve / 1e9
		r.AssembleNsElem = r.Assemble * 1e9 / (fd * (fd + 1) / 2)
		nw.Rows = append(nw.Rows, r)
		if r.Assemble > 0 && r.Factor > 0 && r.Solve > 0 {
			xd, asm, fac, sol = append(xd, fd), append(asm, r.Assemble), append(fac, r.Factor), append(sol, r.Solve)
		}
	}
	nw.AssembleSlope, nw.FactorSlope, nw.SolveSlope = nan(), nan(), nan()
	if len(xd) >= 2 {
		slope := func(y []float64) float64 {
			s, _, err := measure.FitLogLog(xd, y)
			if err != nil {
				return nan()
			}
			return s
		}
		nw.AssembleSlope, nw.FactorSlope, nw.SolveSlope = slope(asm), slope(fac), slope(sol)
	}
	nw.Slopes["assemble"], nw.Slopes["factor"], nw.Slopes["solve"] = nw.AssembleSlope, nw.FactorSlope, nw.SolveSlope
	return nw
}

// CrossCheck compares our L-BFGS's function evaluations with the rows
// TestCompareWithGonumAndScipy logged (go test -v output), returning a
// one-line verdict.
func CrossCheck(testOut io.Reader, rows []compare.Row) string {
	logged := map[string]int{}
	passed, failed := false, false
	sc := bufio.NewScanner(testOut)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "--- PASS: TestCompareWithGonumAndScipy") {
			passed = true
		}
		if strings.HasPrefix(strings.TrimSpace(line), "--- FAIL: TestCompareWithGonumAndScipy") {
			failed = true
		}
		i := strings.Index(line, "| ")
		if i < 0 {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line[i:]), "|"), "|")
		if len(cells) < 3 {
			continue
		}
		parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(cells[2]), "✗ "), "/")
		if len(parts) < 2 {
			continue
		}
		if fe, err := strconv.Atoi(strings.TrimSpace(parts[1])); err == nil {
			logged[strings.TrimSpace(cells[0])] = fe
		}
	}
	if len(logged) == 0 {
		return "comparison test output not found or not parsed"
	}
	var diff []string
	for _, r := range rows {
		fe, ok := logged[r.Problem]
		if !ok {
			diff = append(diff, r.Problem+" (not in the test log)")
		} else if fe != r.Runs[compare.OurLBFGS].FuncEvals {
			diff = append(diff, fmt.Sprintf("%s (test %d, here %d)", r.Problem, fe, r.Runs[compare.OurLBFGS].FuncEvals))
		}
	}
	verdict := "passed"
	if failed || !passed {
		verdict = "FAILED"
	}
	if len(diff) == 0 {
		return fmt.Sprintf("TestCompareWithGonumAndScipy %s in this run; its L-BFGS evaluation counts match these on all %d problems", verdict, len(rows))
	}
	return fmt.Sprintf("TestCompareWithGonumAndScipy %s in this run; counts differ on: %s", verdict, strings.Join(diff, ", "))
}

// LoadNotebooks reads nbrun's outputs for the cold and warm runs.
func LoadNotebooks(raw string) (*Notebooks, error) {
	read := func(name string) (NbrunSummary, error) {
		f, err := os.Open(filepath.Join(raw, name))
		if err != nil {
			return NbrunSummary{}, err
		}
		defer f.Close()
		return ParseNbrun(f)
	}
	cold, err := read("nb-cold.txt")
	if err != nil {
		return nil, err
	}
	warm, err := read("nb-warm.txt")
	if err != nil {
		return nil, err
	}
	nb := &Notebooks{Cold: cold, Warm: warm, ColdSeconds: cold.Total, WarmSeconds: warm.Total}
	cells := func(dir string) ([]CellTime, map[string][]CellTime, error) {
		files, _ := filepath.Glob(filepath.Join(raw, dir, "*.ipynb"))
		sort.Strings(files)
		var all []CellTime
		per := map[string][]CellTime{}
		for _, f := range files {
			ts, err := NotebookCellTimes(f)
			if err != nil {
				return nil, nil, err
			}
			all = append(all, ts...)
			per[filepath.Base(f)] = ts
		}
		return all, per, nil
	}
	coldCells, _, err := cells("notebooks-cold")
	if err != nil {
		return nil, err
	}
	warmCells, warmPer, err := cells("notebooks-warm")
	if err != nil {
		return nil, err
	}
	nb.CellsCold, nb.CellsWarm, nb.WarmCells = cellStats(coldCells), cellStats(warmCells), warmCells
	var names []string
	for n := range cold.Notebooks {
		names = append(names, n)
	}
	for n := range warm.Notebooks {
		if _, ok := cold.Notebooks[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		st := cellStats(warmPer[n])
		c, ok := cold.Notebooks[n]
		if !ok {
			c = nan()
		}
		w, ok := warm.Notebooks[n]
		if !ok {
			w = nan()
		}
		nb.PerNotebook = append(nb.PerNotebook, NbRow{Notebook: n, Cold: c, Warm: w, Cells: st.Count, P50: st.P50, P95: st.P95})
	}
	s := append([]CellTime(nil), warmCells...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Seconds > s[j].Seconds })
	if len(s) > 5 {
		s = s[:5]
	}
	nb.Slowest = s
	return nb, nil
}

// Load reads every raw input in dir (missing optional parts are listed in
// Unmeasured) and computes the report, targets included.
func Load(raw string) (*Report, error) {
	rep := &Report{Meta: map[string]string{}}
	if f, err := os.Open(filepath.Join(raw, "meta.env")); err == nil {
		rep.Meta, err = ReadMeta(f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	benchFile := func(name string) ([]BenchLine, error) {
		f, err := os.Open(filepath.Join(raw, name))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return ParseBench(f)
	}
	optimLines, err := benchFile("optim.txt")
	if err != nil {
		return nil, err
	}
	var np *numpyFile
	if b, err := os.ReadFile(filepath.Join(raw, "numpy.json")); err == nil {
		np = new(numpyFile)
		if err := json.Unmarshal(b, np); err != nil {
			return nil, fmt.Errorf("numpy.json: %v", err)
		}
		rep.NumpyInfo = fmt.Sprintf("numpy %s (python %s, %s)", np.Numpy, np.Python, np.Path)
	} else {
		rep.Unmeasured = append(rep.Unmeasured, "numpy: "+rep.Meta["numpy_status"])
	}
	rep.Triad, rep.Steps = FirstOrder(optimLines, np)

	var cpu CPU
	if f, err := os.Open(filepath.Join(raw, "cpuinfo.txt")); err == nil {
		cpu, err = ParseCPUInfo(f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	soLines, err := benchFile("secondorder.txt")
	if err != nil {
		return nil, err
	}
	rep.Newton = Dense(soLines, cpu)

	if b, err := os.ReadFile(filepath.Join(raw, "compare.json")); err == nil {
		if err := json.Unmarshal(b, &rep.Methods); err != nil {
			return nil, fmt.Errorf("compare.json: %v", err)
		}
		rep.Wins, rep.Total = compare.LBFGSWins(rep.Methods)
		if f, err := os.Open(filepath.Join(raw, "comparetest.txt")); err == nil {
			rep.TestCross = CrossCheck(f, rep.Methods)
			f.Close()
		}
	} else {
		rep.Unmeasured = append(rep.Unmeasured, "method comparison: compare.json missing")
	}
	if s := rep.Meta["scipy_status"]; s != "" && !strings.HasPrefix(s, "ok") {
		rep.Unmeasured = append(rep.Unmeasured, "scipy: "+s)
	}
	if nb, err := LoadNotebooks(raw); err == nil {
		rep.Notebooks = nb
	} else {
		rep.Unmeasured = append(rep.Unmeasured, "notebooks: "+err.Error())
	}
	if c, err := LoadCells(raw); err == nil {
		rep.Cells = c
	} else {
		rep.Unmeasured = append(rep.Unmeasured, "cells through the kernel: "+err.Error())
	}
	if h, err := LoadHub(raw); err == nil {
		rep.Hub = h
	} else {
		reason := err.Error()
		if s := rep.Meta["hub_status"]; s != "" {
			reason = s
		}
		rep.Unmeasured = append(rep.Unmeasured, "hub: "+reason)
	}
	if b, err := os.ReadFile(filepath.Join(raw, "adam-pprof.txt")); err == nil {
		rep.AdamPprof = strings.TrimSpace(string(b))
	}
	rep.Targets = Targets(rep)
	return rep, nil
}

func step(rep *Report, name string, d int) (StepRow, bool) {
	for _, s := range rep.Steps {
		if s.Name == name && s.D == d {
			return s, true
		}
	}
	return StepRow{}, false
}

func status(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}
