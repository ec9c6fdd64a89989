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
	// Notebooks are the course's notebooks run cell by cell in a fresh
	// kernel each (cells.py --notebook).
	Notebooks []CellNotebook `json:"notebooks,omitempty"`
}

// CellNotebook is one notebook run through the kernel: its cells' wall
// and CPU time and the sums of GoNB's phases over them, which split the
// warm run into building cells (goimports, go get, go build) and running
// them.
type CellNotebook struct {
	Notebook   string  `json:"notebook"`
	CodeCells  int     `json:"code_cells"`
	CellsRun   int     `json:"cells_run"`
	FailedCell int     `json:"failed_cell,omitempty"`
	Failure    string  `json:"failure,omitempty"`
	Wall       float64 `json:"cells_wall_s"`
	CPU        float64 `json:"cpu_s"`
	Build      float64 `json:"go_build_s"`
	Get        float64 `json:"go_get_s"`
	Imports    float64 `json:"goimports_s"`
	Run        float64 `json:"run_s"`
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
	Notebooks []struct {
		Notebook   string             `json:"notebook"`
		Checkout   string             `json:"checkout"`
		CodeCells  int                `json:"code_cells"`
		Cells      []json.RawMessage  `json:"cells"`
		FailedCell int                `json:"failed_cell"`
		Failure    string             `json:"failure"`
		CellsWall  float64            `json:"cells_wall"`
		CPU        float64            `json:"cpu"`
		Phases     map[string]float64 `json:"phases_sum"`
	} `json:"notebooks"`
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

// LoadCells reads raw/cells.json (the first checkout measured, when
// cells.py compared two).
func LoadCells(raw string) (*Cells, error) {
	var f cellsFile
	if err := readRawJSON(raw, "cells.json", &f); err != nil {
		return nil, err
	}
	c := &Cells{Rounds: f.Rounds, LoadStart: strings.Join(f.LoadStart, " "), LoadEnd: strings.Join(f.LoadEnd, " ")}
	for _, n := range f.Notebooks {
		if n.Checkout != f.Notebooks[0].Checkout {
			continue
		}
		c.Notebooks = append(c.Notebooks, CellNotebook{Notebook: n.Notebook, CodeCells: n.CodeCells, CellsRun: len(n.Cells),
			FailedCell: n.FailedCell, Failure: n.Failure, Wall: n.CellsWall, CPU: n.CPU, Build: n.Phases["go build"],
			Get: n.Phases["go get"], Imports: n.Phases["goimports"], Run: n.Phases["run"]})
	}
	if len(f.Checkouts) == 0 {
		if len(c.Notebooks) > 0 {
			return c, nil
		}
		return nil, fmt.Errorf("cells.json: nothing measured")
	}
	co := f.Checkouts[0]
	c.GOFLAGS = co.KernelEnv["GOFLAGS"]
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

// readRawJSON decodes the file name of the raw directory into v.
func readRawJSON(raw, name string, v any) error {
	b, err := os.ReadFile(filepath.Join(raw, name))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// LoadHub reads raw/hub.json.
func LoadHub(raw string) (*Hub, error) {
	var h Hub
	if err := readRawJSON(raw, "hub.json", &h); err != nil {
		return nil, err
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
	} else if len(c.Kinds) > 0 {
		fmt.Fprintf(&b, "`bench/cells/cells.py`: the course kernel (`.venv`'s gonb kernel spec, GOFLAGS `%s`) started once, one declaration cell, then %d rounds of one cell of each kind in turn (after a warm-up round), every cell's source unique so that GoNB compiles and links it, build cache warm. Wall: execute request to idle. CPU: the kernel and every process it waited for (goimports, go get, go build with compile and link, the cell's program), from /proc. Phases: GoNB's own log (median wall). Load average %s at start, %s at end.\n\n",
			c.GOFLAGS, c.Rounds, c.LoadStart, c.LoadEnd)
		b.WriteString("| cell | wall min | wall median | × empty | CPU min | CPU median | × empty | goimports | go get | go build | run |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, k := range c.Kinds {
			fmt.Fprintf(&b, "| %s | %.2f s | %.2f s | %.2f× | %.2f s | %.2f s | %.2f× | %s | %s | %s | %s |\n", k.Kind, k.WallMin, k.WallMedian, k.WallVsEmpty,
				k.CPUMin, k.CPUMedian, k.CPUVsEmpty, phase(k, "goimports"), phase(k, "go get"), phase(k, "go build"), phase(k, "run"))
		}
	}
	if c != nil && len(c.Notebooks) > 0 {
		b.WriteString("\nEach notebook's code cells run in order in a fresh kernel (`cells.py --notebook`): where a warm run's time goes. Wall and CPU are summed over the cells; go get, go build and run are the sums of GoNB's phases (wall).\n\n")
		b.WriteString("| notebook | cells run | wall | CPU | CPU per cell | goimports + go get | go build | run | |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, n := range c.Notebooks {
			state := "ok"
			if n.FailedCell > 0 {
				state = fmt.Sprintf("failed at cell %d: %s", n.FailedCell, strings.ReplaceAll(firstLine(n.Failure), "|", "\\|"))
			}
			perCell := 0.0
			if n.CellsRun > 0 {
				perCell = n.CPU / float64(n.CellsRun)
			}
			fmt.Fprintf(&b, "| %s | %d of %d | %.1f s | %.1f s | %.2f s | %.1f s | %.1f s | %.1f s | %s |\n", n.Notebook, n.CellsRun, n.CodeCells,
				n.Wall, n.CPU, perCell, n.Imports+n.Get, n.Build, n.Run, state)
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

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
