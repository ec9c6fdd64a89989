package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestParseBench(t *testing.T) {
	f, err := os.Open("testdata/raw/optim.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, err := ParseBench(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 6 {
		t.Fatalf("parsed %d result lines, want 6", len(lines))
	}
	l := lines[0]
	if l.Name != "Step/SGD/d=1e+07" || l.Procs != 2 || l.N != 20 || l.Metrics["ns/op"] != 12e6 || l.Metrics["allocs/op"] != 1 || l.Metrics["ns/elem"] != 1.2 {
		t.Errorf("first line parsed as %+v", l)
	}
	best := Best(lines)
	if len(best) != 5 {
		t.Fatalf("Best kept %d names, want 5", len(best))
	}
	if a, ok := Find(best, "Step/Adam/d=1e+07"); !ok || a.Metrics["ns/op"] != 56e6 {
		t.Errorf("Best kept %v for Adam 1e7, want the 56e6 ns/op repetition", a.Metrics)
	}
	if SizeName(1e7) != "d=1e+07" || SizeName(1e3) != "d=1e+03" {
		t.Errorf("SizeName: %s %s", SizeName(1e7), SizeName(1e3))
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{10, 1, 2} // unsorted on purpose
	for _, c := range []struct{ p, want float64 }{{0, 1}, {50, 2}, {95, 9.2}, {100, 10}, {25, 1.5}} {
		if got := Percentile(xs, c.p); !near(got, c.want) {
			t.Errorf("Percentile(%v, %g) = %g, want %g", xs, c.p, got, c.want)
		}
	}
	if xs[0] != 10 {
		t.Error("Percentile sorted its argument in place")
	}
	if !math.IsNaN(Percentile(nil, 50)) {
		t.Error("Percentile of no data is not NaN")
	}
	if got := Percentile([]float64{4}, 95); got != 4 {
		t.Errorf("Percentile of one value = %g", got)
	}
}

func TestNotebookCellTimes(t *testing.T) {
	ts, err := NotebookCellTimes("testdata/raw/notebooks-warm/a.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	// Three timed code cells (cells 2–4); the markdown cell and the cell
	// without execution metadata are skipped.
	if len(ts) != 3 || ts[0].Cell != 2 || ts[2].Cell != 4 || ts[0].Seconds != 1 || ts[1].Seconds != 2 || ts[2].Seconds != 10 {
		t.Errorf("cell times %+v", ts)
	}
}

func TestParseCPUInfo(t *testing.T) {
	f, err := os.Open("testdata/raw/cpuinfo.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := ParseCPUInfo(f)
	if err != nil {
		t.Fatal(err)
	}
	// AVX-512: 8 lanes × 2 (FMA) × 2 pipes = 32 flop/cycle; × 2 GHz × 2 CPUs.
	if c.ISA != "AVX-512" || !c.FMA || c.Logical != 2 || c.PerCycle != 32 || !near(c.PeakCore, 64) || !near(c.Peak, 128) || !near(c.SSE2Peak, 16) {
		t.Errorf("cpu %+v", c)
	}
	if _, err := ParseCPUInfo(strings.NewReader("nothing")); err == nil {
		t.Error("no error for an empty cpuinfo")
	}
}

func TestLoadComputesRatiosAndTargets(t *testing.T) {
	rep, err := Load("testdata/raw")
	if err != nil {
		t.Fatal(err)
	}
	// Triad at 1e7: 2.4 ns/elem → 10 GB/s; Adam's bound 56 B / 10 GB/s = 5.6 ns.
	if len(rep.Triad) != 2 || !near(rep.Triad[1].GBps, 10) {
		t.Fatalf("triad %+v", rep.Triad)
	}
	adam, ok := step(rep, "Adam", 1e7)
	if !ok {
		t.Fatal("no Adam 1e7 row")
	}
	if !near(adam.NsPerElem, 5.6) || !near(adam.GBps, 10) || !near(adam.BoundNs, 5.6) || !near(adam.VsBound, 1) || !near(adam.NumpyNs, 28) || !near(adam.Speedup, 5) {
		t.Errorf("Adam row %+v", adam)
	}
	if a5, _ := step(rep, "Adam", 1e5); !near(a5.BoundNs, 56.0/24) || !math.IsNaN(a5.Speedup) {
		t.Errorf("Adam 1e5 row %+v (bound 56 B at 24 GB/s, no numpy)", a5)
	}
	nw := rep.Newton
	if len(nw.Rows) != 3 || !near(nw.FactorSlope, 3) || !near(nw.AssembleSlope, 2) || !near(nw.SolveSlope, 2) || nw.GemmBest != 6 {
		t.Errorf("newton %+v", nw)
	}
	if r := nw.Rows[2]; !near(r.FactorGFLOPS, 400.0*400*400/3/0.064/1e9) || !near(r.SolveGFLOPS, 2*400.0*400/0.00032/1e9) {
		t.Errorf("dense row %+v", r)
	}
	if rep.Wins != 1 || rep.Total != 2 {
		t.Errorf("wins %d of %d, want 1 of 2", rep.Wins, rep.Total)
	}
	if !strings.Contains(rep.TestCross, "passed") || !strings.Contains(rep.TestCross, "match") {
		t.Errorf("cross-check %q", rep.TestCross)
	}
	nb := rep.Notebooks
	if nb == nil {
		t.Fatalf("notebooks not loaded: %v", rep.Unmeasured)
	}
	if nb.WarmSeconds != 200.5 || nb.ColdSeconds != 300.5 || nb.CellsWarm.Count != 3 || !near(nb.CellsWarm.P50, 2) || !near(nb.CellsWarm.P95, 9.2) || nb.CellsCold.Max != 30 {
		t.Errorf("notebooks %+v", nb)
	}
	want := map[string]string{
		"Adam bandwidth":      "met",
		"Adam vs numpy":       "met",
		"Zero allocations":    "missed", // SGD's fixture line has 1 alloc/op
		"L-BFGS evaluations":  "missed", // 1 of 2 is not most
		"Factorisation slope": "met",
		"Warm course run":     "missed", // 200.5 s
		"Chart cell":          "missed", // 1.5 s vs 0.6 s: 2.5×
		"Hub CPU per cell":    "met",    // 6 s over 20 cells
	}
	for _, tg := range rep.Targets {
		if w, ok := want[tg.Name]; !ok || tg.Status != w {
			t.Errorf("target %q: %s (%s), want %s", tg.Name, tg.Status, tg.Measured, w)
		}
		if tg.Status == "missed" && tg.Note == "" {
			t.Errorf("target %q missed without a note", tg.Name)
		}
		delete(want, tg.Name)
	}
	if len(want) > 0 {
		t.Errorf("targets not reported: %v", want)
	}

	if c := rep.Cells; c == nil || len(c.Kinds) != 3 || !near(c.Kinds[2].WallVsEmpty, 2.5) || !near(c.Kinds[2].CPUVsEmpty, 2) || c.GOFLAGS != "-ldflags=-s" {
		t.Errorf("cells %+v", rep.Cells)
	}
	if h := rep.Hub; h == nil || !near(h.CPUPerCell, 0.3) || h.PeakStudentMiB != 410 {
		t.Errorf("hub %+v", rep.Hub)
	}
	md := Markdown(rep)
	for _, s := range []string{"| chart | 1.20 s | 1.50 s | 2.50× | 0.90 s | 1.00 s | 2.00× | 0.02 s | 0.30 s | 1.00 s | 0.03 s |", "**0.30 CPU-seconds per cell**", "| 07-training-a-network.ipynb | 2 of 3 | 3.0 s | 2.4 s | 1.20 s | 0.3 s | 1.0 s | 1.5 s | failed at cell 2: ERROR: failed to run \"go build\" |", "| Adam | 1e+07 | 56 | 5.600 | 10.00 | 5.600 | 1.00× | 28.00 | 5.00× | 0 |", "Cholesky **3.00**", "**1 of 2**", "| warm | 3 | 2.0 s | 9.2 s |"} {
		if !strings.Contains(md, s) {
			t.Errorf("report.md lacks %q", s)
		}
	}
	if sec := ReadmeSection(rep); !strings.Contains(sec, "## Benchmarks") || !strings.Contains(sec, "tools/bench/run.sh") ||
		!strings.Contains(sec, "target: warm ≤ 60 s") || !strings.Contains(sec, "| 2.50× |") || !strings.Contains(sec, "0.30 CPU-s per cell") {
		t.Errorf("README section:\n%s", sec)
	}
	dir := t.TempDir()
	if err := Charts(rep, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"adam.svg", "bandwidth.svg", "newton-factor.svg", "lbfgs-evals.svg", "notebook-cells.svg"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || !strings.Contains(string(b), "<svg") {
			t.Errorf("%s: %v", f, err)
		}
	}
	// NaN (no numpy at 1e5) must become null, not break the JSON.
	b, err := json.Marshal(jsonSafe(rep))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"speedup_vs_numpy":null`) {
		t.Error("NaN speed-up not written as null")
	}
}

// TestTargetsJSON: every target's texts are valid templates that fill
// with the limits alone (goals) — the rest is exercised by the report tests.
func TestTargetsJSON(t *testing.T) {
	specs := loadTargets()
	for _, name := range []string{"Adam bandwidth", "Adam vs numpy", "Zero allocations", "L-BFGS evaluations", "Factorisation slope", "Warm course run", "Chart cell", "Hub CPU per cell"} {
		sp, ok := specs[name]
		if !ok {
			t.Fatalf("targets.json has no %q", name)
		}
		if g := sp.fill(sp.Goal, nil); g == "" || strings.Contains(g, "{{") {
			t.Errorf("%s: goal %q", name, g)
		}
		if sp.Measured == "" || len(sp.Notes) == 0 && name != "Zero allocations" {
			t.Errorf("%s: no measured template or notes", name)
		}
	}
}
