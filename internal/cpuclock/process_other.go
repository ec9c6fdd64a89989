//go:build !unix

package cpuclock

import "time"

// Process reports that there is no process CPU clock here (GOOS=js,
// wasip1, Windows, plan9): callers read the wall clock instead.
func Process() (time.Duration, bool) { return 0, false }
