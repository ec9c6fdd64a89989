//go:build unix

package cpuclock

import (
	"syscall"
	"time"
)

// Process is the CPU time, user and system, that this process has used
// (getrusage), to the microsecond.
func Process() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
