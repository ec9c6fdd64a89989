package secondorder

import (
	"runtime"
	"testing"
	"time"
)

// TestTimeOpCountsCPUNotWaiting: with a process CPU clock, an operation
// that waits (as a timing does when other programs hold the cores) costs
// almost nothing, and one that computes costs about its duration.
func TestTimeOpCountsCPUNotWaiting(t *testing.T) {
	if _, ok := processCPU(); !ok {
		t.Skipf("no process CPU clock on %s: timings read the wall clock", runtime.GOOS)
	}
	if wait := timeOp(0, func() { time.Sleep(30 * time.Millisecond) }); wait > 10*time.Millisecond {
		t.Errorf("sleeping 30 ms cost %v of CPU time", wait)
	}
	spin := timeOp(0, func() {
		for start := time.Now(); time.Since(start) < 30*time.Millisecond; {
		}
	})
	if spin < 3*time.Millisecond || spin > 200*time.Millisecond {
		t.Errorf("30 ms of computing cost %v of CPU time", spin)
	}
}
