package main

// The process table, read from /proc: which processes a run owns, whether a
// session's owner still runs, and ending processes.
//
// A run's processes are found by ancestry. nbrun and the kernel guard are
// child subreapers (prctl PR_SET_CHILD_SUBREAPER, see reaper_linux.go): a
// process whose parent exits becomes the child of the nearest of them, not
// of PID 1, whatever it did to itself — a session of its own (setsid), an
// empty environment, SIGTERM ignored, a double fork. So every process a run
// causes stays a descendant of nbrun, found by walking /proc by parent pid
// (descendants), and nbrun ends them all (SIGTERM, then SIGKILL: endProcs)
// and reaps those it adopted when the run ends, however it ends
// (session.end); the guard does the same below it when the kernel exits or
// nbrun is gone (guard.go). Process groups could not do this:
// jupyter_client starts the kernel in a session of its own, and a cell can
// start one more.
//
// The session mark, sessionEnv=<session id> in the environment, remains for
// what ancestry cannot reach: a run whose nbrun and kernel guard were both
// killed with SIGKILL leaves its processes with no owner, children of PID 1,
// and the next nbrun ends those that still carry the mark (sweepLeftovers).
// A process that also cleared its environment escapes that sweep, as does
// anything a cell hands to a process outside the run (systemd-run, a
// container engine, ssh): that was never nbrun's descendant.
//
// Without /proc (macOS) no process can be listed and there are no
// subreapers: nbrun ends nbconvert, its child, when it stops a run, and the
// kernel guard, when nbrun is gone, ends its own process group, which holds
// the kernel and the cells that stay in it.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/descentlab/descent/internal/procfs"
)

// How processes are ended (endProcs): SIGTERM, then SIGKILL to those still
// running endGrace later, and listing again until none is left or endWait
// has passed.
const (
	endGrace = time.Second
	endWait  = 4 * time.Second
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
	Session string // value of sessionEnv in its environment (markedProcs only)
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
	return fromStat(st), ok
}

func fromStat(st procfs.Stat) procInfo {
	return procInfo{PID: st.PID, State: st.State, PPID: st.PPID, PGID: st.PGID, SID: st.SID, Start: st.Start, Comm: st.Comm}
}

// procTable reads every process in /proc, zombies included, newest first.
// Without /proc it is empty.
func procTable() []procInfo {
	var out []procInfo
	for _, st := range procfs.Table() {
		out = append(out, fromStat(st))
	}
	return out
}

// eachChild calls f for each live child of the calling process the moment
// it reads it in /proc, newest first: a pid hopper (a process that starts
// its successor and exits, over and over) is then still there when f
// signals it, where a whole table read first has seen it already gone. It
// reaps the zombies among the children on the way, but for the pids in
// waited (children whose exec.Cmd waits for them): a child subreaper adopts
// the orphans of its descendants, and nothing else waits for them.
func eachChild(f func(procInfo), waited []int) {
	self := os.Getpid()
	for _, pid := range procfs.PIDs() {
		p, ok := readStat(pid)
		switch {
		case !ok || p.PPID != self:
		case !p.dead():
			f(p)
		case !slices.Contains(waited, pid):
			var st syscall.WaitStatus
			_, _ = syscall.Wait4(pid, &st, syscall.WNOHANG, nil)
		}
	}
}

// descendants lists the live descendants of pid (pid excluded), parents
// before their children, found by walking /proc by parent pid. A zombie has
// no children and is not listed.
func descendants(pid int) []procInfo {
	children := map[int][]procInfo{}
	for _, p := range procTable() {
		children[p.PPID] = append(children[p.PPID], p)
	}
	var out []procInfo
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		for _, c := range children[queue[0]] {
			if !c.dead() {
				out = append(out, c)
				queue = append(queue, c.PID)
			}
		}
	}
	return out
}

// markedProcs lists the live processes whose environment holds key=value for
// a value that keep accepts (procfs.Marked).
func markedProcs(key string, keep func(value string) bool) []procInfo {
	var out []procInfo
	for _, m := range procfs.Marked(key, keep) {
		p := fromStat(m.Stat)
		p.Session, p.Args = m.Mark, m.Args
		out = append(out, p)
	}
	return out
}

// endProcs ends the processes list returns: SIGTERM to each, then SIGKILL,
// endGrace after the first signal, to each still running (one that ignores
// SIGTERM), whether or not list still returns it. It lists again until
// nothing it signalled or list returns runs — at once after a list that held
// a new process, so that what a process starts between a list and its
// signal is ended too — or until endWait has passed since it last found a
// new process (one it cannot signal, or that hangs in the kernel). Before
// each signal it checks the process's start time: its pid may have been
// reused since the list.
//
// own says that the caller is a child subreaper ending all its
// descendants: then every child of the caller is signalled the moment a
// scan reads it (eachChild), nothing is left only after two scans in a row
// found nothing (a process that forks and exits every millisecond, hopping
// to a new pid, is adopted by the caller and caught so; one scan alone can
// miss it), and the zombies among the caller's children are reaped, but for
// the pids in waited. It returns every process it signalled.
func endProcs(list func() []procInfo, own bool, waited ...int) []procInfo {
	var ended []procInfo
	sent := map[[2]uint64]syscall.Signal{}
	start := time.Now()
	giveUp := start.Add(endWait)
	for empty := 0; ; {
		sig := syscall.SIGTERM
		if time.Since(start) >= endGrace {
			sig = syscall.SIGKILL
		}
		found, fresh := 0, false
		hit := func(p procInfo, recheck bool) {
			if recheck {
				if q, ok := readStat(p.PID); !ok || q.Start != p.Start || q.dead() {
					return
				}
			}
			found++
			key := [2]uint64{uint64(p.PID), p.Start}
			prev, seen := sent[key]
			if prev == sig {
				return
			}
			if !seen {
				p.Args = procfs.Cmdline(p.PID)
			}
			if syscall.Kill(p.PID, sig) == nil {
				sent[key] = sig
				if !seen {
					ended = append(ended, p)
					fresh = true
				}
			}
		}
		if own {
			// A child's pid is not reused before the caller reaps it.
			eachChild(func(p procInfo) { hit(p, false) }, waited)
		}
		for _, p := range list() {
			hit(p, true)
		}
		if !own {
			for _, p := range ended {
				hit(p, true) // no longer listed (its parent died first) but running
			}
		}
		if found > 0 {
			empty = 0
		} else if empty++; !own || empty == 2 {
			return ended
		}
		if fresh {
			giveUp = time.Now().Add(endWait)
		} else if time.Now().After(giveUp) {
			return ended
		} else if found > 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// reapChildren waits for the zombies among the caller's children, but for
// the pids in waited (eachChild).
func reapChildren(waited []int) { eachChild(func(procInfo) {}, waited) }

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
