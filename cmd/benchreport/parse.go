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
	"time"

	"golang.org/x/perf/benchfmt"
)

// BenchLine is one result line of `go test -bench` output.
type BenchLine struct {
	// Name is the benchmark name without the "Benchmark" prefix and the
	// -GOMAXPROCS suffix, e.g. "Step/Adam/d=1e+07".
	Name  string
	Procs int
	N     int
	// Metrics maps a unit ("ns/op", "MB/s", "B/op", "allocs/op", custom
	// units such as "ns/elem" or "GFLOP/s") to its value.
	Metrics map[string]float64
}

// ParseBench reads `go test -bench` output with golang.org/x/perf's
// benchfmt (the format benchstat reads) and returns its results in order;
// other lines (goos:, PASS, ok, logs) are skipped. A syntax error in a
// result line is returned with its line number.
func ParseBench(r io.Reader) ([]BenchLine, error) {
	var out []BenchLine
	br := benchfmt.NewReader(r, "bench")
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return out, rec
		case *benchfmt.Result:
			base, parts := rec.Name.Parts()
			b := BenchLine{Name: string(base), N: rec.Iters, Metrics: map[string]float64{}}
			for _, p := range parts {
				if v, ok := strings.CutPrefix(string(p), "-"); ok {
					b.Procs, _ = strconv.Atoi(v) // the -GOMAXPROCS suffix
					continue
				}
				b.Name += string(p)
			}
			for _, v := range rec.Values {
				// Keep the units as printed (ns/op, MB/s, ns/elem): benchfmt
				// normalises some to sec/op and B/s and keeps the originals.
				unit, val := v.OrigUnit, v.OrigValue
				if unit == "" {
					unit, val = v.Unit, v.Value
				}
				b.Metrics[unit] = val
			}
			out = append(out, b)
		}
	}
	return out, br.Err()
}

// Best groups lines by name (several when run with -count) and keeps, for
// each name, the line with the smallest ns/op: the least-disturbed
// repetition on a shared machine. The order of first appearance is kept.
func Best(lines []BenchLine) []BenchLine {
	idx := map[string]int{}
	var out []BenchLine
	for _, l := range lines {
		i, seen := idx[l.Name]
		if !seen {
			idx[l.Name] = len(out)
			out = append(out, l)
			continue
		}
		if l.Metrics["ns/op"] < out[i].Metrics["ns/op"] {
			out[i] = l
		}
	}
	return out
}

// Find returns the line named name, or false.
func Find(lines []BenchLine, name string) (BenchLine, bool) {
	for _, l := range lines {
		if l.Name == name {
			return l, true
		}
	}
	return BenchLine{}, false
}

// SizeName writes d as the Go benchmarks name it ("%.0e": 1e+03).
func SizeName(d int) string { return fmt.Sprintf("d=%.0e", float64(d)) }

// Percentile returns the p-th percentile (0 ≤ p ≤ 100) of xs by linear
// interpolation between closest ranks (numpy's default), NaN for no data.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if p <= 0 {
		return s[0]
	}
	if p >= 100 {
		return s[len(s)-1]
	}
	pos := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(s) {
		return s[lo]
	}
	frac := pos - float64(lo)
	return s[lo] + frac*(s[lo+1]-s[lo])
}

// CellTime is the execution time of one code cell, from the timestamps
// nbclient stores in the executed notebook's cell metadata.
type CellTime struct {
	Notebook string  `json:"notebook"`
	Cell     int     `json:"cell"` // 1-based index among all cells
	Seconds  float64 `json:"seconds"`
}

// NotebookCellTimes reads an executed notebook and returns the time of each
// code cell that has metadata.execution: shell.execute_reply minus
// iopub.execute_input.
func NotebookCellTimes(path string) ([]CellTime, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb struct {
		Cells []struct {
			CellType string `json:"cell_type"`
			Metadata struct {
				Execution map[string]string `json:"execution"`
			} `json:"metadata"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var out []CellTime
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		in, reply := c.Metadata.Execution["iopub.execute_input"], c.Metadata.Execution["shell.execute_reply"]
		if in == "" || reply == "" {
			continue
		}
		t0, err0 := time.Parse(time.RFC3339Nano, in)
		t1, err1 := time.Parse(time.RFC3339Nano, reply)
		if err0 != nil || err1 != nil {
			return nil, fmt.Errorf("%s: cell %d: bad timestamps %q, %q", path, i+1, in, reply)
		}
		out = append(out, CellTime{Notebook: filepath.Base(path), Cell: i + 1, Seconds: t1.Sub(t0).Seconds()})
	}
	return out, nil
}

// NbrunSummary is what nbrun printed: per-notebook seconds and the total.
type NbrunSummary struct {
	Notebooks map[string]float64 `json:"notebooks"`
	Total     float64            `json:"total_seconds"`
	Failed    int                `json:"failed"`
	Count     int                `json:"count"`
}

var (
	nbrunOK    = regexp.MustCompile(`^ok\s+(\S+)\s+([0-9.]+)s`)
	nbrunTotal = regexp.MustCompile(`^(\d+) notebooks, (\d+) failed, ([0-9.]+)s`)
)

// ParseNbrun reads nbrun's standard output.
func ParseNbrun(r io.Reader) (NbrunSummary, error) {
	s := NbrunSummary{Notebooks: map[string]float64{}, Total: math.NaN()}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := nbrunOK.FindStringSubmatch(line); m != nil {
			s.Notebooks[m[1]], _ = strconv.ParseFloat(m[2], 64)
		}
		if m := nbrunTotal.FindStringSubmatch(line); m != nil {
			s.Count, _ = strconv.Atoi(m[1])
			s.Failed, _ = strconv.Atoi(m[2])
			s.Total, _ = strconv.ParseFloat(m[3], 64)
		}
	}
	return s, sc.Err()
}

// ReadMeta reads KEY=VALUE lines (run.sh's record of the run).
func ReadMeta(r io.Reader) (map[string]string, error) {
	m := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && k != "" && !strings.HasPrefix(k, "#") {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m, sc.Err()
}

// CPU is what /proc/cpuinfo says about peak arithmetic.
type CPU struct {
	Model    string  `json:"model"`
	Logical  int     `json:"logical_cpus"`
	MHz      float64 `json:"mhz"`
	ISA      string  `json:"widest_isa"`
	FMA      bool    `json:"fma"`
	Lanes    int     `json:"float64_lanes"`
	PerCycle float64 `json:"flops_per_cycle_per_core"`
	// Peak is PerCycle × GHz × Logical, in GFLOP/s; PeakCore the same
	// for one core.
	Peak, PeakCore float64
	// SSE2Peak is the ceiling of code limited to 2-lane SSE2 without FMA
	// (gonum's pure-Go assembly kernels): 4 flops/cycle/core.
	SSE2Peak float64
}

// ParseCPUInfo derives the theoretical double-precision peak: the widest
// vector ISA in the flags (avx512f: 8 lanes, avx/avx2: 4, sse2: 2), × 2
// for a fused multiply-add when the fma flag is present (else an add and
// a multiply pipe), × 2 pipes per core, × the reported frequency
// (cpu MHz, the nominal clock in a VM; turbo is not visible) × the number
// of logical CPUs.
func ParseCPUInfo(r io.Reader) (CPU, error) {
	var c CPU
	var mhzSum float64
	var mhzN int
	flags := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "processor":
			c.Logical++
		case "model name":
			c.Model = v
		case "cpu MHz":
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				mhzSum += f
				mhzN++
			}
		case "flags":
			if len(flags) == 0 {
				for _, f := range strings.Fields(v) {
					flags[f] = true
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	if c.Logical == 0 || mhzN == 0 {
		return c, fmt.Errorf("cpuinfo: no processors or no cpu MHz")
	}
	c.MHz = mhzSum / float64(mhzN)
	switch {
	case flags["avx512f"]:
		c.ISA, c.Lanes = "AVX-512", 8
	case flags["avx2"]:
		c.ISA, c.Lanes = "AVX2", 4
	case flags["avx"]:
		c.ISA, c.Lanes = "AVX", 4
	case flags["sse2"]:
		c.ISA, c.Lanes = "SSE2", 2
	default:
		c.ISA, c.Lanes = "scalar", 1
	}
	c.FMA = flags["fma"]
	c.PerCycle = float64(c.Lanes) * 2 * 2 // FMA (or add+mul) × 2 pipes
	ghz := c.MHz / 1000
	c.PeakCore = c.PerCycle * ghz
	c.Peak = c.PeakCore * float64(c.Logical)
	c.SSE2Peak = 4 * ghz * float64(c.Logical)
	return c, nil
}
