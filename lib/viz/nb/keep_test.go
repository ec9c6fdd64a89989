package nb

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

func TestKeepAndKept(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	type row struct {
		D    int
		Took time.Duration
		Fit  float64
	}
	in := []row{{100, time.Millisecond, 2.9}, {200, 8 * time.Millisecond, math.Inf(1)}}
	if err := Keep("cost-rows", in); err != nil {
		t.Fatal(err)
	}
	var out []row
	if err := Kept("cost-rows", &out); err != nil || len(out) != 2 || out[1] != in[1] {
		t.Fatalf("Kept: %v %v", out, err)
	}
	// A whole run, trace included, survives.
	r := optim.Run(quadratic(), []float64{1, 1}, optim.NewSGD(0.1), optim.Settings{MaxIter: 20})
	if err := Keep("run", r); err != nil {
		t.Fatal(err)
	}
	var back optim.Result
	if err := Kept("run", &back); err != nil || back.F != r.F || back.Trace.Len() != r.Trace.Len() || back.Status != r.Status {
		t.Fatalf("run round trip: %v, %+v", err, back.Stats)
	}
	// Keeping again replaces.
	if err := Keep("cost-rows", []row{{1, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	if err := Kept("cost-rows", &out); err != nil || len(out) != 1 {
		t.Fatalf("replaced value: %v %v", out, err)
	}
	// Bad input.
	if err := Kept("never-kept", &out); err == nil || !strings.Contains(err.Error(), `run the cell that calls nb.Keep("never-kept"`) {
		t.Errorf("missing name: %v", err)
	}
	var wrong string
	if err := Kept("cost-rows", &wrong); err == nil || !strings.Contains(err.Error(), "*string") {
		t.Errorf("wrong type: %v", err)
	}
	for _, bad := range []string{"", "../x", "a/b", "..", strings.Repeat("x", 101)} {
		if err := Keep(bad, 1); err == nil {
			t.Errorf("Keep(%q): no error", bad)
		}
	}
	if err := Keep("func", func() {}); err == nil || !strings.Contains(err.Error(), `Keep("func")`) {
		t.Errorf("an unencodable value: %v", err)
	}
}

// quadratic is f = ½‖x‖².
func quadratic() problems.Problem {
	return problems.Problem{Name: "bowl", Dim: 2,
		Func: func(x []float64) float64 { return 0.5 * (x[0]*x[0] + x[1]*x[1]) },
		Grad: func(g, x []float64) { g[0], g[1] = x[0], x[1] }}
}
