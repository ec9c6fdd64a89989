package optim

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// TestRunNilStartIsPStart: a nil x0 runs from p.Start, exactly as passing
// p.Start does, and leaves p.Start alone; without a Start it panics with
// the package's prefix.
func TestRunNilStartIsPStart(t *testing.T) {
	p := problems.Rosenbrock()
	start := slices.Clone(p.Start)
	s := Settings{MaxIter: 50}
	a, b := Run(p, nil, NewAdam(0.01), s), Run(p, p.Start, NewAdam(0.01), s)
	if !slices.Equal(a.X, b.X) || a.F != b.F || a.Stats.Iterations != b.Stats.Iterations || len(a.Trace.Records) != len(b.Trace.Records) {
		t.Errorf("Run(p, nil): X %v F %v; Run(p, p.Start): X %v F %v", a.X, a.F, b.X, b.F)
	}
	for i := range a.Trace.Records {
		ra, rb := a.Trace.Records[i], b.Trace.Records[i]
		ra.Elapsed, rb.Elapsed = 0, 0
		if !reflect.DeepEqual(ra, rb) {
			t.Fatalf("record %d: %+v, want %+v", i, ra, rb)
		}
	}
	if !slices.Equal(a.Trace.Records[0].X, start) || !slices.Equal(p.Start, start) {
		t.Errorf("first record %v, p.Start now %v; want both %v", a.Trace.Records[0].X, p.Start, start)
	}
	defer func() {
		if r, _ := recover().(string); !strings.HasPrefix(r, "optim: Run: x0 is nil") {
			t.Errorf("Run(p without Start, nil): panic %q", r)
		}
	}()
	p.Start = nil
	Run(p, nil, NewAdam(0.01), s)
}
