// Package procfs reads what the project's runners and tests need of the
// processes in Linux's /proc: each one's /proc/<pid>/stat (name, state,
// parent, process group, session, CPU time, start time and resident
// memory), its environment and command line, and the processes that carry a
// marker variable in their environment — the one scan that cmd/nbrun and
// internal/testenv both use, with the start-time check against pid reuse.
//
// Without /proc (macOS) every read reports false.
package procfs

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
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

// PIDs lists the processes in /proc, newest (highest) pid first: a scan
// that reads them in this order reaches a process that was just started
// while it still runs (until pids wrap around). Without /proc it is empty.
func PIDs() []int {
	f, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	var out []int
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil {
			out = append(out, pid)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

// Table reads every process in /proc, zombies included, newest first.
func Table() []Stat {
	var out []Stat
	for _, pid := range PIDs() {
		if st, ok := ReadStat(pid); ok {
			out = append(out, st)
		}
	}
	return out
}

// EnvironValue returns the value of key in the environment of pid. It
// reports false when the variable is absent or the environment cannot be
// read (another user's process, a process that is gone).
func EnvironValue(pid int, key string) (string, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "environ"))
	if err != nil {
		return "", false
	}
	prefix := []byte(key + "=")
	for _, kv := range bytes.Split(b, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, prefix); ok {
			return string(v), true
		}
	}
	return "", false
}

// Cmdline returns pid's command line, its arguments separated by spaces
// ("" when it cannot be read).
func Cmdline(pid int) string {
	b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return strings.TrimSpace(string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
}

// MarkedProc is a live process found by Marked.
type MarkedProc struct {
	Stat
	Mark string // the value of the marker variable in its environment
	Args string // its command line (Cmdline)
}

// Marked lists the live processes other than the caller whose environment
// holds key=value for a value that keep accepts, newest first. Processes of
// other users, whose environment cannot be read, are not listed.
func Marked(key string, keep func(value string) bool) []MarkedProc {
	self := os.Getpid()
	var out []MarkedProc
	for _, st := range Table() {
		if st.PID == self || st.Dead() {
			continue
		}
		v, ok := EnvironValue(st.PID, key)
		if !ok || !keep(v) {
			continue
		}
		out = append(out, MarkedProc{Stat: st, Mark: v, Args: Cmdline(st.PID)})
	}
	return out
}

// Same reports whether the process st describes still runs: pid st.PID is
// alive, not a zombie, and started at st.Start (a pid can be reused once
// its process is gone; its start time tells the new process apart).
func Same(st Stat) bool {
	now, ok := ReadStat(st.PID)
	return ok && now.Start == st.Start && !now.Dead()
}
