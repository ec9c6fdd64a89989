//go:build !unix

package secondorder

import "time"

// processCPU reports no process CPU clock: stopwatch reads the wall clock.
func processCPU() (time.Duration, bool) { return 0, false }
