package viz

import (
	"fmt"
	"strconv"

	"github.com/descentlab/descent/lib/optim"
)

// Table is a table of results. Its HTML form is a plain <table> (it shows
// the same with or without scripts); its static picture is drawn text.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// NewTable returns a table; every row must have len(header) cells.
func NewTable(title string, header []string, rows ...[]string) *Table {
	return &Table{Title: title, Header: header, Rows: rows}
}

// AddRow appends a row of cells formatted with %v (floats with %.4g).
func (t *Table) AddRow(cells ...any) *Table {
	row := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case float64:
			row[i] = strconv.FormatFloat(v, 'g', 4, 64)
		default:
			row[i] = fmt.Sprint(v)
		}
	}
	t.Rows = append(t.Rows, row)
	return t
}

// RunTable summarises runs, one row each: the run's label, how it ended,
// iterations, f and ‖∇f‖ where it ended (Result.X), and the evaluations of
// f, ∇f and ∇²f it spent (wall time is left out so that re-running gives
// the same bytes). Cost O(len(runs)).
func RunTable(title string, runs ...optim.Result) *Table {
	t := NewTable(title, []string{"run", "status", "iterations", "f(x)", "‖∇f(x)‖", "f evaluations", "∇f evaluations", "Hessians"})
	for _, r := range runs {
		t.AddRow(r.Trace.Label, r.Status, r.Stats.Iterations, r.F, r.GradNorm, r.Stats.FuncEvals, r.Stats.GradEvals, r.Stats.HessEvals)
	}
	return t
}
