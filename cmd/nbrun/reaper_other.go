//go:build !linux

package main

// Only Linux has child subreapers: elsewhere orphans go to PID 1 (procs.go).

func becomeSubreaper() bool { return false }

func isSubreaper() bool { return false }
