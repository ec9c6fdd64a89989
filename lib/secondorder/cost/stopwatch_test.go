package cost

import (
	"runtime"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/cpuclock"
)

// TestTimeOpCountsCPUNotWaiting: with a process CPU clock, the time an
// operation waits (as a timing does when other programs hold the cores)
// does not count, the time it computes does, and an operation too short
// for that clock reads the wall clock rather than 0.
func TestTimeOpCountsCPUNotWaiting(t *testing.T) {
	if _, ok := cpuclock.Process(); !ok {
		t.Skipf("no process CPU clock on %s: timings read the wall clock", runtime.GOOS)
	}
	spinFor := func(d time.Duration) {
		for start := time.Now(); time.Since(start) < d; {
		}
	}
	if c := timeOp(0, func() { spinFor(5 * time.Millisecond); time.Sleep(30 * time.Millisecond) }); c > 20*time.Millisecond {
		t.Errorf("5 ms of computing and 30 ms of sleeping cost %v of CPU time", c)
	}
	if tiny := timeOp(0, func() {}); tiny <= 0 {
		t.Errorf("an operation too short for the CPU clock cost %v: want its wall time, > 0", tiny)
	}
	spin := timeOp(0, func() { spinFor(30 * time.Millisecond) })
	if spin < 3*time.Millisecond || spin > 200*time.Millisecond {
		t.Errorf("30 ms of computing cost %v of CPU time", spin)
	}
}
