// Package procfs reads what the project's runners and tests need of a
// process from Linux's /proc/<pid>/stat: its name, state, parent, process
// group, session, CPU time, start time and resident memory.
//
// Without /proc (macOS) every read reports false.
package procfs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Stat is one process's line of /proc/<pid>/stat (proc(5)).
type Stat struct {
	PID   int
	Comm  string // the executable's name, up to 15 bytes
	State byte   // R, S, D, Z, X, …
	PPID  int
	PGID  int
	SID   int
	// CPUTicks is utime+stime+cutime+cstime in clock ticks: the process's
	// own CPU time and that of the children it has waited for.
	CPUTicks uint64
	// Start is the start time in clock ticks since boot: with PID it names
	// the process (a PID can be reused, a (PID, Start) pair cannot).
	Start uint64
	// RSSPages is the resident set size in pages (os.Getpagesize bytes).
	RSSPages int64
}

// Dead reports whether the process is a zombie or dying.
func (s Stat) Dead() bool { return s.State == 'Z' || s.State == 'X' }

// ReadStat reads /proc/<pid>/stat. It reports false when the process is
// gone, /proc does not exist or the line cannot be parsed.
func ReadStat(pid int) (Stat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return Stat{}, false
	}
	return parseStat(pid, string(b))
}

// parseStat parses a stat line: "pid (comm) state ppid pgrp session …".
// comm may hold spaces and parentheses, so it runs to the last ')'.
func parseStat(pid int, s string) (Stat, bool) {
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return Stat{}, false
	}
	f := strings.Fields(s[j+1:]) // f[0] is field 3 (state)
	if len(f) < 22 || len(f[0]) == 0 {
		return Stat{}, false
	}
	n := func(field int) uint64 { v, _ := strconv.ParseUint(f[field-3], 10, 64); return v }
	return Stat{
		PID:      pid,
		Comm:     s[i+1 : j],
		State:    f[0][0],
		PPID:     int(n(4)),
		PGID:     int(n(5)),
		SID:      int(n(6)),
		CPUTicks: n(14) + n(15) + n(16) + n(17),
		Start:    n(22),
		RSSPages: int64(n(24)),
	}, true
}
