package main

import (
	"syscall"
	"unsafe"
)

// prctl options (linux/prctl.h).
const (
	prSetChildSubreaper = 36
	prGetChildSubreaper = 37
)

// becomeSubreaper makes the calling process a child subreaper: the orphans
// among its descendants become its children instead of PID 1's (procs.go).
// It reports whether that worked.
func becomeSubreaper() bool {
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	return errno == 0
}

// isSubreaper reports whether the calling process is a child subreaper.
func isSubreaper() bool {
	var v int32
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prGetChildSubreaper, uintptr(unsafe.Pointer(&v)), 0)
	return errno == 0 && v != 0
}
