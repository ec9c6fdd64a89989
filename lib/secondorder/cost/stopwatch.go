package cost

import (
	"time"

	"github.com/descentlab/descent/internal/cpuclock"
)

// stopwatch times an operation by the CPU time the process spends on it
// (user + system), where the system has a process CPU clock (internal/cpuclock;
// getrusage on Unix), so that other programs do not count: on a busy
// machine, or in a container held to one CPU and throttled, a timing reads
// about what it reads on an idle machine. The wall clock would count every
// moment the process waited for a core; a fitted slope or a ratio of two
// timings then measures the load as much as the algorithm. Where there is
// no process CPU clock (GOOS=js in the browser, Windows) it reads the wall
// clock. It includes the garbage collector's work and, for gonum's
// parallel products, every core's time: a step that runs on n cores
// finishes up to n times sooner than its CPU time says.
type stopwatch struct {
	wall time.Time
	cpu  time.Duration
}

func startStopwatch() stopwatch {
	cpu, _ := cpuclock.Process()
	return stopwatch{wall: time.Now(), cpu: cpu}
}

// minCPU is the least CPU time a reading must span to be used: the process
// CPU clock counts microseconds (scheduler ticks on some systems), so a
// shorter span could read 0. Below it the wall clock, exact to the
// nanosecond, is read instead (a single run of a tiny operation, MinTime 0).
const minCPU = time.Millisecond

// elapsed is the CPU time since the start, or the wall time without a
// process CPU clock or when less than minCPU of CPU time has passed.
func (s stopwatch) elapsed() time.Duration {
	wall := time.Since(s.wall)
	if cpu, ok := cpuclock.Process(); ok && cpu-s.cpu >= minCPU {
		return cpu - s.cpu
	}
	return wall
}
