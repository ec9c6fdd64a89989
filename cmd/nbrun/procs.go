package main

// The process table, read from /proc: which processes carry a session's
// mark, whether a session's owner still runs, and ending processes.
//
// Every process a notebook run causes carries sessionEnv=<session id> in its
// environment: nbrun sets it for nbconvert, and the kernel guard, gonb, the go
// command, the compiler, the linker, each cell's program and any `!` shell
// line inherit it (gonb starts gopls in a process group of its own; the mark
// finds it too). Process groups alone cannot find them all: jupyter_client
// starts the kernel in a session of its own, so a signal to nbrun's group
// never reaches the kernel or the cell it runs.
//
// Without /proc (macOS), marked processes cannot be listed; the kernel guard
// then ends its own process group, which holds the kernel and its cells.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/descentlab/descent/internal/procfs"
)

// procInfo is what the runner reads of one process.
type procInfo struct {
	PID     int
	PPID    int
	PGID    int
	SID     int
	Start   uint64 // start time in clock ticks since boot: with PID, names the process
	State   byte   // R, S, D, Z, …
	Comm    string
	Session string // value of sessionEnv in its environment, "" if none
	Args    string // command line, spaces between arguments
}

func (p procInfo) dead() bool { return p.State == 'Z' || p.State == 'X' }

// String names the process for messages: "4711 gonb --kernel …".
func (p procInfo) String() string {
	args := p.Args
	if args == "" {
		args = p.Comm
	}
	if len(args) > 80 {
		args = args[:80] + "…"
	}
	return fmt.Sprintf("%d %s", p.PID, args)
}

// readStat reads the process's /proc/<pid>/stat.
func readStat(pid int) (procInfo, bool) {
	st, ok := procfs.ReadStat(pid)
	if !ok {
		return procInfo{}, false
	}
	return procInfo{PID: pid, State: st.State, PPID: st.PPID, PGID: st.PGID, SID: st.SID, Start: st.Start, Comm: st.Comm}, true
}

// environValue returns the value of key in the environment of pid.
func environValue(pid int, key string) (string, bool) {
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

func cmdline(pid int) string {
	b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return strings.TrimSpace(string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
}

// markedProcs lists the live processes whose environment holds key=value for
// a value that keep accepts. Processes of other users, whose environment
// cannot be read, are not listed.
func markedProcs(key string, keep func(value string) bool) []procInfo {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var out []procInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		v, ok := environValue(pid, key)
		if !ok || !keep(v) {
			continue
		}
		p, ok := readStat(pid)
		if !ok || p.dead() {
			continue
		}
		p.Session, p.Args = v, cmdline(pid)
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// sessionProcs lists the live processes of one session (the caller excluded).
func sessionProcs(id string) []procInfo {
	return markedProcs(sessionEnv, func(v string) bool { return v == id })
}

// endProcs sends SIGKILL to procs and rescans with list until nothing it
// returns is alive, for at most wait: a kernel can start a cell's program
// between a scan and the kill. It returns every process it signalled.
func endProcs(procs []procInfo, list func() []procInfo, wait time.Duration) []procInfo {
	var ended []procInfo
	seen := map[[2]uint64]bool{}
	deadline := time.Now().Add(wait)
	for {
		for _, p := range procs {
			key := [2]uint64{uint64(p.PID), p.Start}
			if seen[key] {
				continue
			}
			// Recheck the start time: the pid may have been reused since the scan.
			if q, ok := readStat(p.PID); !ok || q.Start != p.Start || q.dead() {
				continue
			}
			if err := syscall.Kill(p.PID, syscall.SIGKILL); err == nil {
				seen[key] = true
				ended = append(ended, p)
			}
		}
		procs = list()
		if len(procs) == 0 || time.Now().After(deadline) {
			return ended
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// processIdentity is how a session names its owner: the pid namespace, the
// pid and the start time. A pid alone is reused; the namespace keeps a run in
// a container and a run on its host apart.
type processIdentity struct {
	NS    uint64 // inode of /proc/<pid>/ns/pid, 0 when unknown
	PID   int
	Start uint64 // clock ticks since boot, 0 when unknown
}

// selfIdentity returns the identity of the running process.
func selfIdentity() processIdentity {
	id := processIdentity{NS: pidNamespace("self"), PID: os.Getpid()}
	if p, ok := readStat(id.PID); ok {
		id.Start = p.Start
	}
	return id
}

func pidNamespace(pid string) uint64 {
	link, err := os.Readlink(filepath.Join("/proc", pid, "ns", "pid"))
	if err != nil {
		return 0
	}
	// "pid:[4026531836]"
	v, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(link, "pid:["), "]"), 10, 64)
	return v
}

// alive reports whether the process id names still runs (a zombie does not).
// Without /proc (Start == 0) it can only ask whether the pid exists.
func (id processIdentity) alive() bool {
	if id.Start == 0 {
		return syscall.Kill(id.PID, 0) == nil || errors.Is(syscall.Kill(id.PID, 0), syscall.EPERM)
	}
	p, ok := readStat(id.PID)
	return ok && p.Start == id.Start && !p.dead()
}
