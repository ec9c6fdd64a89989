package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/descentlab/descent/internal/procfs"
)

// MarkerEnv is the environment variable that tags every process a test
// starts (servers, the kernels they start in sessions of their own, what the
// kernels start, the browser): Marked finds them through /proc even when
// they left the test's process group. Its value is NewMarker's
// "<pid of the test process>-<random>", so that Orphans can tell when the
// test that started a process has died.
const MarkerEnv = "DESCENT_TEST_MARKER"

// NewMarker returns a fresh marker of this process.
func NewMarker() (string, error) {
	tok, err := NewToken()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d-%s", os.Getpid(), tok[:12]), nil
}

// Proc is a running process.
type Proc struct {
	PID   int
	Start uint64 // its start time (procfs.Stat.Start): with PID, names it
	Cmd   string // base name of the executable and of its first argument
	Mark  string // its MarkerEnv value
}

func (p Proc) String() string { return fmt.Sprintf("%d %s", p.PID, p.Cmd) }

// procs lists the live (non-zombie) processes whose environment holds
// MarkerEnv with a value for which keep returns true, lowest pid first.
func procs(keep func(mark string) bool) []Proc {
	var out []Proc
	for _, m := range procfs.Marked(MarkerEnv, keep) {
		args := strings.Fields(m.Args)
		cmd := m.Comm
		if len(args) > 0 {
			cmd = filepath.Base(args[0])
		}
		if len(args) > 1 {
			cmd += " " + filepath.Base(args[1])
		}
		out = append(out, Proc{PID: m.PID, Start: m.Start, Cmd: cmd, Mark: m.Mark})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// kill sends sig to p unless its pid now names another process.
func (p Proc) kill(sig syscall.Signal) error {
	if !procfs.Same(procfs.Stat{PID: p.PID, Start: p.Start}) {
		return syscall.ESRCH
	}
	return syscall.Kill(p.PID, sig)
}

// Zombie reports whether pid is gone, a zombie or dead.
func Zombie(pid int) bool {
	st, ok := procfs.ReadStat(pid)
	return !ok || st.Dead()
}

// Marked lists the live processes carrying marker.
func Marked(marker string) []Proc {
	return procs(func(m string) bool { return m == marker })
}

// KillMarked sends SIGKILL to every process carrying marker until none is
// left or timeout passes, and returns those it signalled.
func KillMarked(marker string, timeout time.Duration) []Proc {
	seen := map[int]Proc{}
	deadline := time.Now().Add(timeout)
	for {
		left := Marked(marker)
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		for _, p := range left {
			seen[p.PID] = p
			p.kill(syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var out []Proc
	for _, p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// WaitUnmarked waits up to timeout for the processes carrying marker to end
// by themselves and returns those still alive.
func WaitUnmarked(marker string, timeout time.Duration) []Proc {
	deadline := time.Now().Add(timeout)
	for {
		left := Marked(marker)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ownerGone reports whether the test process named by a marker or folder
// name ("<pid>-…") no longer runs.
func ownerGone(pidText string) bool {
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false // not ours to judge
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// Orphans lists processes left by earlier runs whose test process died
// before it could clean up (a timeout panic, a kill -9): their marker names
// a pid that no longer runs.
func Orphans() []Proc {
	return procs(func(mark string) bool {
		pidText, _, _ := strings.Cut(mark, "-")
		return ownerGone(pidText)
	})
}

// KillOrphans kills what Orphans lists and returns it.
func KillOrphans() []Proc {
	var out []Proc
	for _, p := range Orphans() {
		if p.kill(syscall.SIGKILL) == nil {
			out = append(out, p)
		}
	}
	return out
}

// TempDir makes a temporary folder named after this process,
// descent-test-[kind-]<pid>-<random>, so that RemoveOrphanDirs can tell
// whether its owner still runs.
func TempDir(kind string) (string, error) {
	if kind != "" {
		kind += "-"
	}
	return os.MkdirTemp("", fmt.Sprintf("descent-test-%s%d-", kind, os.Getpid()))
}

var tempName = regexp.MustCompile(`^descent-test-(?:[a-z]+-)?(\d+)-`)

// OrphanDirs lists the folders TempDir made for test processes that no
// longer run.
func OrphanDirs() []string {
	entries, _ := os.ReadDir(os.TempDir())
	var out []string
	for _, e := range entries {
		if m := tempName.FindStringSubmatch(e.Name()); m != nil && e.IsDir() && ownerGone(m[1]) {
			out = append(out, filepath.Join(os.TempDir(), e.Name()))
		}
	}
	return out
}

// RemoveOrphanDirs removes what OrphanDirs lists and returns it.
func RemoveOrphanDirs() []string {
	var out []string
	for _, d := range OrphanDirs() {
		if os.RemoveAll(d) == nil {
			out = append(out, d)
		}
	}
	return out
}

// Sweep kills the processes and removes the folders earlier test runs left
// when they died, and says what it found.
func Sweep(logf func(format string, args ...any)) {
	if p := KillOrphans(); len(p) > 0 {
		logf("killed %d processes left by an earlier run that died: %v", len(p), p)
	}
	if d := RemoveOrphanDirs(); len(d) > 0 {
		logf("removed %d folders left by an earlier run that died: %v", len(d), d)
	}
}

// WithDeadline is context.WithDeadline for tests: the test's own deadline
// (go test -timeout) minus margin, so that cleanups still run when time is
// short, or now+fallback without one.
func WithDeadline(parent context.Context, deadline time.Time, ok bool, margin, fallback time.Duration) (context.Context, context.CancelFunc) {
	if ok {
		return context.WithDeadline(parent, deadline.Add(-margin))
	}
	return context.WithTimeout(parent, fallback)
}
