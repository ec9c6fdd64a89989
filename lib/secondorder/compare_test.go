package secondorder_test

import (
	"flag"
	"os"
	"testing"

	"github.com/descentlab/descent/internal/compare"
)

var update = flag.Bool("update", false, "rewrite testdata/comparison.md (this also runs the dense methods on the n = 1000 problem, ~60 s)")

// TestCompareWithGonumAndScipy runs our L-BFGS, BFGS and modified Newton
// beside gonum's LBFGS and BFGS on the same problems and starts, and reads
// scipy's L-BFGS-B counts from the committed reference (internal/compare,
// which cmd/benchreport times too). Every method of ours must reach
// ‖∇f‖∞ ≤ 1e-8; our L-BFGS must need no more function evaluations than
// gonum's LBFGS on most problems and never more than 1.2× the best
// converged of gonum's LBFGS and scipy's L-BFGS-B.
func TestCompareWithGonumAndScipy(t *testing.T) {
	ref, err := compare.ReadScipy("testdata/lbfgsb_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := compare.Problems(compare.Set)
	if err != nil {
		t.Fatal(err)
	}
	var rows []compare.Row
	for _, p := range ps {
		sp := ref.Find(p.Name)
		if sp == nil {
			t.Fatalf("no scipy reference for %q", p.Name)
		}
		if err := sp.Check(p); err != nil {
			t.Fatal(err)
		}
		// The dense methods on n = 1000 take ~60 s together (O(n²) per BFGS
		// iteration over ~5500 iterations, O(n³) per Newton one), so they
		// run when the table is regenerated.
		row := compare.Row{Problem: p.Name, N: len(p.Start), Runs: map[string]compare.Run{compare.ScipyLBFGS: sp.Run()}}
		for name, run := range compare.Methods(p.Dim <= 100 || *update) {
			r := run(p)
			row.Runs[name] = r
			if !r.Converged && (name == compare.OurLBFGS || name == compare.OurBFGS || name == compare.OurNewton) {
				t.Errorf("%s: %s ended with ‖∇f‖∞ = %g %s", p.Name, name, r.GradInf, r.Note)
			}
		}
		if ratio := row.Ratio(); ratio > 1.2 {
			t.Errorf("%s: our L-BFGS used %d function evaluations, %.2f× the best of gonum's (%d) and scipy's (%d)",
				p.Name, row.Runs[compare.OurLBFGS].FuncEvals, ratio, row.Runs[compare.GonumLBFGS].FuncEvals, sp.Nfev)
		}
		// A table row (cmd/benchreport's CrossCheck reads these):
		// | problem | n | our L-BFGS | gonum LBFGS | scipy L-BFGS-B |
		t.Logf("| %s | %d | %s | %s | %s |", p.Name, row.N, row.Runs[compare.OurLBFGS].Cell(),
			row.Runs[compare.GonumLBFGS].Cell(), row.Runs[compare.ScipyLBFGS].Cell())
		rows = append(rows, row)
	}
	wins, total := compare.LBFGSWins(rows)
	if 10*wins < 7*total {
		t.Errorf("our L-BFGS needed no more function evaluations than gonum's on only %d of %d problems", wins, total)
	}
	t.Logf("our L-BFGS ≤ gonum's LBFGS in function evaluations on %d of %d problems", wins, total)
	if *update {
		if err := os.WriteFile("testdata/comparison.md", []byte(compare.Markdown(rows, ref.Scipy)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
