package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Cells is bench/cells/cells.py's measurement: kinds of notebook cell run
// side by side, in rounds, through the real gonb kernel with a warm build
// cache, every cell's source unique so that GoNB compiles and links it.
type Cells struct {
	Rounds    int        `json:"rounds"`
	LoadStart string     `json:"load_start"`
	LoadEnd   string     `json:"load_end"`
	GOFLAGS   string     `json:"kernel_goflags"`
	Kinds     []CellKind `json:"kinds"`
}

// CellKind is one kind of cell: wall and CPU seconds (minimum and median
// over the rounds), the medians as multiples of the empty cell's, and
// GoNB's phases (median wall seconds).
type CellKind struct {
	Kind        string             `json:"kind"`
	WallMin     float64            `json:"wall_min_s"`
	WallMedian  float64            `json:"wall_median_s"`
	CPUMin      float64            `json:"cpu_min_s"`
	CPUMedian   float64            `json:"cpu_median_s"`
	WallVsEmpty float64            `json:"wall_median_vs_empty"`
	CPUVsEmpty  float64            `json:"cpu_median_vs_empty"`
	Phases      map[string]float64 `json:"phases_median_s"`
}

// cellsFile is the part of cells.py's output read here.
type cellsFile struct {
	Rounds    int      `json:"rounds"`
	LoadStart []string `json:"load_start"`
	LoadEnd   []string `json:"load_end"`
	Kinds     []string `json:"kinds"`
	Checkouts []struct {
		Label     string            `json:"label"`
		KernelEnv map[string]string `json:"kernel_env"`
		Kinds     map[string]struct {
			Wall   struct{ Min, Median float64 } `json:"wall"`
			CPU    struct{ Min, Median float64 } `json:"cpu"`
			Phases map[string]float64            `json:"phases_median"`
		} `json:"kinds"`
	} `json:"checkouts"`
}

// LoadCells reads raw/cells.json (the first checkout measured).
func LoadCells(raw string) (*Cells, error) {
	b, err := os.ReadFile(filepath.Join(raw, "cells.json"))
	if err != nil {
		return nil, err
	}
	var f cellsFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("cells.json: %v", err)
	}
	if len(f.Checkouts) == 0 {
		return nil, fmt.Errorf("cells.json: no checkout measured")
	}
	co := f.Checkouts[0]
	c := &Cells{Rounds: f.Rounds, LoadStart: strings.Join(f.LoadStart, " "), LoadEnd: strings.Join(f.LoadEnd, " "),
		GOFLAGS: co.KernelEnv["GOFLAGS"]}
	empty, ok := co.Kinds["empty"]
	if !ok {
		return nil, fmt.Errorf("cells.json: no empty cell measured")
	}
	for _, k := range f.Kinds {
		m, ok := co.Kinds[k]
		if !ok {
			return nil, fmt.Errorf("cells.json: kind %q listed but not measured", k)
		}
		c.Kinds = append(c.Kinds, CellKind{Kind: k, WallMin: m.Wall.Min, WallMedian: m.Wall.Median,
			CPUMin: m.CPU.Min, CPUMedian: m.CPU.Median,
			WallVsEmpty: m.Wall.Median / empty.Wall.Median, CPUVsEmpty: m.CPU.Median / empty.CPU.Median,
			Phases: m.Phases})
	}
	return c, nil
}

// Kind returns the named kind's row.
func (c *Cells) Kind(name string) (CellKind, bool) {
	for _, k := range c.Kinds {
		if k.Kind == name {
			return k, true
		}
	}
	return CellKind{}, false
}

// Hub is the JupyterHub test's measurement (hub/hub_test.go with
// DESCENT_HUB_REPORT): students running one notebook at once.
type Hub struct {
	Students       int     `json:"students"`
	Notebook       string  `json:"notebook"`
	CodeCells      int     `json:"code_cells"`
	CPUPerRun      float64 `json:"cpu_seconds_per_run"`
	CPUPerCell     float64 `json:"cpu_seconds_per_cell"`
	WallPerRun     float64 `json:"wall_seconds_per_run_concurrent"`
	PeakStudentMiB float64 `json:"peak_student_mib"`
	IdleStudentMiB float64 `json:"idle_student_mib"`
	PeakAllMiB     float64 `json:"peak_all_students_mib"`
}

// LoadHub reads raw/hub.json.
func LoadHub(raw string) (*Hub, error) {
	b, err := os.ReadFile(filepath.Join(raw, "hub.json"))
	if err != nil {
		return nil, err
	}
	var h Hub
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("hub.json: %v", err)
	}
	if h.CodeCells <= 0 || h.Students <= 0 {
		return nil, fmt.Errorf("hub.json: %d students, %d code cells", h.Students, h.CodeCells)
	}
	h.CPUPerCell = h.CPUPerRun / float64(h.CodeCells)
	return &h, nil
}

// cellsMarkdown is the report's section on cells through the kernel and
// on the class on one hub.
func cellsMarkdown(rep *Report) string {
	var b strings.Builder
	b.WriteString("\n## Cells through the kernel\n\n")
	c := rep.Cells
	if c == nil {
		b.WriteString("Not measured (see skipped above).\n")
	} else {
		fmt.Fprintf(&b, "`bench/cells/cells.py`: the course kernel (`.venv`'s gonb kernel spec, GOFLAGS `%s`) started once, one declaration cell, then %d rounds of one cell of each kind in turn (after a warm-up round), every cell's source unique so that GoNB compiles and links it, build cache warm. Wall: execute request to idle. CPU: the kernel and every process it waited for (goimports, go get, go build with compile and link, the cell's program), from /proc. Phases: GoNB's own log (median wall). Load average %s at start, %s at end.\n\n",
			c.GOFLAGS, c.Rounds, c.LoadStart, c.LoadEnd)
		b.WriteString("| cell | wall min | wall median | × empty | CPU min | CPU median | × empty | goimports | go get | go build | run |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, k := range c.Kinds {
			fmt.Fprintf(&b, "| %s | %.2f s | %.2f s | %.2f× | %.2f s | %.2f s | %.2f× | %s | %s | %s | %s |\n", k.Kind, k.WallMin, k.WallMedian, k.WallVsEmpty,
				k.CPUMin, k.CPUMedian, k.CPUVsEmpty, phase(k, "goimports"), phase(k, "go get"), phase(k, "go build"), phase(k, "run"))
		}
	}
	b.WriteString("\n## A class on one hub\n\n")
	if h := rep.Hub; h == nil {
		b.WriteString("Not measured (see skipped above).\n")
	} else {
		fmt.Fprintf(&b, "`go test ./hub` (TestClassOnOneHub with DESCENT_HUB_REPORT): a real JupyterHub on 127.0.0.1, %d students running `%s` (%d code cells) at once. Per student: **%.2f CPU-seconds per cell** (%.1f s per run: server, kernel and every go process), peak memory **%.0f MiB** (idle %.0f MiB); all students at one instant %.0f MiB; wall per run with all at once %.1f s.\n",
			h.Students, h.Notebook, h.CodeCells, h.CPUPerCell, h.CPUPerRun, h.PeakStudentMiB, h.IdleStudentMiB, h.PeakAllMiB, h.WallPerRun)
	}
	return b.String()
}

func phase(k CellKind, name string) string {
	if v, ok := k.Phases[name]; ok {
		return fmt.Sprintf("%.2f s", v)
	}
	return "—"
}
