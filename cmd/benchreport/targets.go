package main

import (
	"bytes"
	_ "embed" // the targets' texts
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"text/template"

	"github.com/descentlab/descent/internal/compare"
)

// targetsJSON holds each target's goal, limits and note texts: data, not
// prose in Go. Targets fills them with the measurements.
//
//go:embed targets.json
var targetsJSON []byte

// targetSpec is one entry of targets.json.
type targetSpec struct {
	Name     string            `json:"name"`
	Goal     string            `json:"goal"`
	Limit    float64           `json:"limit"`
	Low      float64           `json:"low"`
	Measured string            `json:"measured"`
	Notes    map[string]string `json:"notes"`
}

// loadTargets parses targets.json; it panics on a malformed file, which is
// embedded and tested.
func loadTargets() map[string]targetSpec {
	var f struct {
		Targets []targetSpec `json:"targets"`
	}
	if err := json.Unmarshal(targetsJSON, &f); err != nil {
		panic(fmt.Sprintf("benchreport: targets.json: %v", err))
	}
	m := map[string]targetSpec{}
	for _, t := range f.Targets {
		m[t.Name] = t
	}
	return m
}

var textFuncs = template.FuncMap{
	"f0": func(v float64) string { return fmt.Sprintf("%.0f", v) },
	"f2": func(v float64) string { return fmt.Sprintf("%.2f", v) },
}

// fill executes a text template of targets.json with data; the spec's
// Limit and Low are available as .Limit and .Low.
func (t targetSpec) fill(text string, data map[string]any) string {
	d := map[string]any{"Limit": t.Limit, "Low": t.Low}
	for k, v := range data {
		d[k] = v
	}
	tm, err := template.New(t.Name).Funcs(textFuncs).Option("missingkey=error").Parse(text)
	if err != nil {
		panic(fmt.Sprintf("benchreport: targets.json: %s: %v", t.Name, err))
	}
	var b bytes.Buffer
	if err := tm.Execute(&b, d); err != nil {
		panic(fmt.Sprintf("benchreport: targets.json: %s: %v", t.Name, err))
	}
	return b.String()
}

// target starts a Target from its spec, not yet measured.
func (t targetSpec) target(data map[string]any) Target {
	return Target{Name: t.Name, Goal: t.fill(t.Goal, data), Status: "not measured"}
}

// Targets evaluates the targets of targets.json against the measurements.
func Targets(rep *Report) []Target {
	specs := loadTargets()
	var ts []Target
	adam, haveAdam := step(rep, "Adam", 1e7)
	inCache, haveCache := step(rep, "Adam", 1e5)

	sp := specs["Adam bandwidth"]
	t := sp.target(nil)
	if haveAdam && !math.IsNaN(adam.VsBound) {
		d := map[string]any{"Adam": adam, "InCache": inCache, "InCachePct": 100 * inCache.NsPerElem / adam.BoundNs}
		t.Measured = sp.fill(sp.Measured, d)
		t.Status = status(adam.VsBound <= sp.Limit)
		switch {
		case adam.VsBound > sp.Limit && haveCache && inCache.NsPerElem >= 0.8*adam.BoundNs:
			t.Note = sp.fill(sp.Notes["compute_bound"], d)
		case adam.VsBound > sp.Limit:
			t.Note = sp.fill(sp.Notes["memory_bound"], d)
		case adam.VsBound < 1:
			t.Note = sp.fill(sp.Notes["below_one"], d)
		}
	}
	ts = append(ts, t)

	sp = specs["Adam vs numpy"]
	t = sp.target(nil)
	if haveAdam && !math.IsNaN(adam.Speedup) {
		d := map[string]any{"Adam": adam}
		t.Measured = sp.fill(sp.Measured, d)
		t.Status = status(adam.Speedup >= sp.Limit)
		if adam.Speedup < sp.Limit {
			t.Note = sp.fill(sp.Notes["missed"], d)
		}
	} else if haveAdam {
		t.Note = sp.fill(sp.Notes["no_numpy"], map[string]any{"NumpyStatus": rep.Meta["numpy_status"]})
	}
	ts = append(ts, t)

	sp = specs["Zero allocations"]
	t = sp.target(nil)
	if len(rep.Steps) > 0 {
		var bad []string
		for _, s := range rep.Steps {
			if s.AllocsOp != 0 {
				bad = append(bad, fmt.Sprintf("%s d=%.0e: %g allocs/op", s.Name, float64(s.D), s.AllocsOp))
			}
		}
		d := map[string]any{"ZeroAllocs": len(rep.Steps) - len(bad), "StepBenchmarks": len(rep.Steps), "Allocating": strings.Join(bad, "; ")}
		t.Measured = sp.fill(sp.Measured, d)
		t.Status = status(len(bad) == 0)
		if len(bad) > 0 {
			t.Note = sp.fill(sp.Notes["missed"], d)
		}
	}
	ts = append(ts, t)

	sp = specs["L-BFGS evaluations"]
	t = sp.target(nil)
	if rep.Total > 0 {
		var lost []string
		for _, r := range rep.Methods {
			if o, g := r.Runs[compare.OurLBFGS], r.Runs[compare.GonumLBFGS]; o.FuncEvals > g.FuncEvals {
				lost = append(lost, fmt.Sprintf("%s (%d vs %d)", r.Problem, o.FuncEvals, g.FuncEvals))
			}
		}
		d := map[string]any{"Wins": rep.Wins, "Total": rep.Total, "Lost": strings.Join(lost, ", ")}
		t.Measured = sp.fill(sp.Measured, d)
		t.Status = status(2*rep.Wins > rep.Total)
		if len(lost) > 0 {
			t.Note = sp.fill(sp.Notes["lost"], d)
		}
	}
	ts = append(ts, t)

	sp = specs["Factorisation slope"]
	t = sp.target(nil)
	if nw := rep.Newton; !math.IsNaN(nw.FactorSlope) && len(nw.Rows) > 0 {
		first, last := nw.Rows[0], nw.Rows[len(nw.Rows)-1]
		d := map[string]any{"Slope": nw.FactorSlope, "D0": first.D, "D1": last.D,
			"Rate0": first.FactorGFLOPS, "Rate1": last.FactorGFLOPS, "CPUs": nw.CPU.Logical}
		t.Measured = sp.fill(sp.Measured, d)
		t.Status = status(nw.FactorSlope >= sp.Low && nw.FactorSlope <= sp.Limit)
		if t.Status == "missed" {
			t.Note = sp.fill(sp.Notes["missed"], d)
		}
	}
	ts = append(ts, t)

	sp = specs["Warm course run"]
	t = sp.target(nil)
	if nb := rep.Notebooks; nb != nil && !math.IsNaN(nb.WarmSeconds) {
		var slow []string
		for _, c := range nb.Slowest {
			slow = append(slow, fmt.Sprintf("%s cell %d (%.0f s)", c.Notebook, c.Cell, c.Seconds))
		}
		d := map[string]any{"Warm": nb.WarmSeconds, "Cold": nb.ColdSeconds, "Failed": nb.Warm.Failed,
			"CellSum": nb.CellsWarm.Sum, "Slowest": strings.Join(slow, ", ")}
		t.Measured = sp.fill(sp.Measured, d)
		t.Status = status(nb.WarmSeconds <= sp.Limit && nb.Warm.Failed == 0)
		if nb.Warm.Failed > 0 {
			t.Note = sp.fill(sp.Notes["failed"], d)
		} else if nb.WarmSeconds > sp.Limit {
			t.Note = sp.fill(sp.Notes["slow"], d)
		}
	}
	ts = append(ts, t)

	sp = specs["Chart cell"]
	t = sp.target(nil)
	if c := rep.Cells; c != nil {
		empty, ok1 := c.Kind("empty")
		chart, ok2 := c.Kind("chart")
		if ok1 && ok2 {
			d := map[string]any{"Chart": chart.WallMedian, "Empty": empty.WallMedian, "Ratio": chart.WallVsEmpty,
				"CPURatio": chart.CPUVsEmpty, "ChartCPU": chart.CPUMedian, "EmptyCPU": empty.CPUMedian,
				"ChartBuild": chart.Phases["go build"], "EmptyBuild": empty.Phases["go build"],
				"ChartGet": chart.Phases["go get"], "EmptyGet": empty.Phases["go get"]}
			t.Measured = sp.fill(sp.Measured, d)
			t.Status = status(chart.WallVsEmpty <= sp.Limit)
			if t.Status == "missed" {
				t.Note = sp.fill(sp.Notes["missed"], d)
			}
		}
	}
	ts = append(ts, t)

	sp = specs["Hub CPU per cell"]
	t = sp.target(nil)
	if h := rep.Hub; h != nil {
		d := map[string]any{"PerCell": h.CPUPerCell, "Students": h.Students, "Notebook": h.Notebook,
			"Cells": h.CodeCells, "PeakMiB": h.PeakStudentMiB}
		t.Measured = sp.fill(sp.Measured, d)
		t.Status = status(h.CPUPerCell <= sp.Limit)
		if t.Status == "missed" {
			t.Note = sp.fill(sp.Notes["missed"], d)
		}
	}
	ts = append(ts, t)
	return ts
}
