package main

// The hard stops: nbrun runs testdata/escape-loop.ipynb, whose last cell
// spins forever, with a real gonb kernel, and is stopped the ways a user or a
// CI system stops it. The process table is the witness: every process the
// run causes carries testMarkEnv (set by the test on nbrun, inherited by
// nbconvert, the kernel guard, gonb, the go command and the cell's program),
// independent of the mark nbrun itself uses, but for the processes the
// notebook's first cells leave running with an empty environment, which
// record their pid and start time in the probe folder (escapees).

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testMarkEnv = "NBRUN_TEST_MARK"

// outlive is how long a process of the run may outlive nbrun.
const outlive = 5 * time.Second

type stopRun struct {
	t      *testing.T
	mark   string
	probe  string // $NBRUN_PROBE_DIR: where escape.ipynb's cells record their processes
	out    string // nbrun's -out
	log    string // nbrun's stdout and stderr
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // nbrun's exit, once exited is closed
}

// testMarked lists the live processes carrying the test's mark.
func testMarked(mark string) []procInfo {
	return markedProcs(testMarkEnv, func(v string) bool { return v == mark })
}

func psTable(ps []procInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%7s %7s %7s %7s  %s\n", "PID", "PPID", "PGID", "SID", "COMMAND")
	for _, p := range ps {
		args := p.Args
		if len(args) > 150 {
			args = args[:150] + "…"
		}
		fmt.Fprintf(&b, "%7d %7d %7d %7d  %s\n", p.PID, p.PPID, p.PGID, p.SID, args)
	}
	return b.String()
}

// startStopRun starts nbrun (the test binary as nbrun) in a process group of
// its own, as a shell job or a CI step runs it.
func startStopRun(t *testing.T, out string, args ...string) *stopRun {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	r := &stopRun{t: t, mark: hex.EncodeToString(b[:]), probe: t.TempDir(), out: out, log: filepath.Join(t.TempDir(), "nbrun.log"), exited: make(chan struct{})}
	logFile, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	r.cmd = exec.Command(os.Args[0], append([]string{"-root", repoRoot(t), "-out", out}, args...)...)
	r.cmd.Env = append(os.Environ(), testMainEnv+"=1", testMarkEnv+"="+r.mark, probeEnv+"="+r.probe)
	r.cmd.Stdout, r.cmd.Stderr = logFile, logFile
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.err = r.cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() {
		// Whatever the test found, end what it started: nbrun first, by
		// SIGTERM, so that it ends what a cell started that carries no
		// mark; then what is left, by pid.
		select {
		case <-r.exited:
		default:
			syscall.Kill(r.cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-r.exited:
			case <-time.After(15 * time.Second):
			}
		}
		for _, p := range testMarked(r.mark) {
			syscall.Kill(p.PID, syscall.SIGKILL)
		}
		for _, e := range r.escapees() {
			if e.alive() {
				syscall.Kill(e.PID, syscall.SIGKILL)
			}
		}
		<-r.exited
	})
	return r
}

func (r *stopRun) output() string { b, _ := os.ReadFile(r.log); return string(b) }

// waitForCell waits until the cell's program runs and returns the process
// table then; it returns nil if nbrun ended first.
func (r *stopRun) waitForCell() []procInfo {
	deadline := time.Now().Add(4 * time.Minute)
	for time.Now().Before(deadline) {
		ps := testMarked(r.mark)
		for _, p := range ps {
			if strings.HasPrefix(p.Comm, "gonb_") && strings.Contains(p.Args, "/gonb_") {
				return ps
			}
		}
		select {
		case <-r.exited:
			return nil
		case <-time.After(250 * time.Millisecond):
		}
	}
	r.t.Fatalf("the cell's program did not start within 4 minutes; nbrun says:\n%s", r.output())
	return nil
}

// waitExit waits for nbrun to end and returns when it did.
func (r *stopRun) waitExit(within time.Duration) time.Time {
	select {
	case <-r.exited:
		return time.Now()
	case <-time.After(within):
		r.t.Fatalf("nbrun still runs %v later; it says:\n%s\nprocesses:\n%s", within, r.output(), psTable(testMarked(r.mark)))
		return time.Time{}
	}
}

// checkNothingLeft fails the test if a process of the run outlives nbrun
// (ended at end) by more than outlive, or if the run's scratch folder, the
// kernel's temporary folder or its connection file is left.
func (r *stopRun) checkNothingLeft(end time.Time, before []procInfo) {
	t := r.t
	t.Helper()
	var left []procInfo
	for {
		left = testMarked(r.mark)
		if len(left) == 0 || time.Since(end) > outlive {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("ps after (%.1fs after nbrun ended):\n%s", time.Since(end).Seconds(), psTable(left))
	if len(left) > 0 {
		t.Errorf("%d processes outlive nbrun by more than %v:\n%s", len(left), outlive, psTable(left))
	}
	for _, e := range r.escapees() {
		for e.alive() && time.Since(end) < outlive {
			time.Sleep(100 * time.Millisecond)
		}
		if e.alive() {
			p, _ := readStat(e.PID)
			t.Errorf("%s: the cell's unmarked process outlives nbrun by more than %v: pid %d (%s), parent %d", e.name, outlive, e.PID, p.Comm, p.PPID)
		}
	}
	ents, _ := os.ReadDir(r.out)
	for _, e := range ents {
		t.Errorf("left in -out: %s", e.Name())
	}
	for _, p := range before {
		for _, path := range leftPaths(p.Args) {
			if _, err := os.Stat(path); err == nil {
				t.Errorf("left: %s", path)
			}
		}
	}
}

// probeEnv tells escape.ipynb's cells where to record the processes they
// leave running.
const probeEnv = "NBRUN_PROBE_DIR"

// escapee is a process a cell of escape.ipynb left running with no mark of
// the run: a session of its own, an empty environment, SIGTERM ignored.
type escapee struct {
	name string // its record in the probe folder: go.pid, shell.pid
	processIdentity
}

// escapees reads the records the cells wrote: "pid start-time".
func (r *stopRun) escapees() []escapee {
	var out []escapee
	for _, name := range []string{"go.pid", "shell.pid"} {
		b, err := os.ReadFile(filepath.Join(r.probe, name))
		if err != nil {
			continue
		}
		e := escapee{name: name}
		if _, err := fmt.Sscan(string(b), &e.PID, &e.Start); err != nil || e.PID <= 0 || e.Start == 0 {
			r.t.Fatalf("%s: bad record %q", name, b)
		}
		out = append(out, e)
	}
	return out
}

// requireEscapees waits until both cells of escape.ipynb have started their
// process, and fails the test if nbrun ends first: without them the test
// proves nothing.
func (r *stopRun) requireEscapees() {
	r.t.Helper()
	deadline := time.Now().Add(4 * time.Minute)
	for len(r.escapees()) < 2 && time.Now().Before(deadline) {
		select {
		case <-r.exited:
			deadline = time.Now()
		case <-time.After(250 * time.Millisecond):
		}
	}
	if es := r.escapees(); len(es) != 2 {
		r.t.Fatalf("the cells recorded %d processes, want 2 (go.pid, shell.pid); nbrun says:\n%s", len(es), r.output())
	}
}

var (
	cellProgram    = regexp.MustCompile(`^(\S*/gonb_[0-9a-f]+)/gonb_[0-9a-f]+$`)
	connectionFile = regexp.MustCompile(`--kernel (\S+\.json)`)
)

// leftPaths returns the files a process of the run names that must not
// outlive it: the kernel's temporary folder and its connection file.
func leftPaths(args string) []string {
	var out []string
	if m := cellProgram.FindStringSubmatch(args); m != nil {
		out = append(out, m[1])
	}
	if m := connectionFile.FindStringSubmatch(args); m != nil {
		out = append(out, m[1])
	}
	return out
}

func TestLeftPaths(t *testing.T) {
	got := leftPaths("/o/.nbrun-1-2-3-x/tmp/gonb_0a1b2c3d/gonb_0a1b2c3d")
	got = append(got, leftPaths("/r/.tools/bin/gonb --kernel /o/.nbrun-1-2-3-x/tmp/tmpab12.json -v=0")...)
	if strings.Join(got, " ") != "/o/.nbrun-1-2-3-x/tmp/gonb_0a1b2c3d /o/.nbrun-1-2-3-x/tmp/tmpab12.json" {
		t.Errorf("got %q", got)
	}
}

// TestHardStops stops nbrun in the middle of an endless cell every way it
// can be stopped and checks that no kernel or cell program outlives it by
// more than a few seconds and that no folder or connection file is left.
//
// Before the endless cell, escape-loop.ipynb's cells leave processes running
// that carry no mark of the run (see TestNoCellProcessOutlivesNbrun); they
// must not outlive nbrun either.
func TestHardStops(t *testing.T) {
	requireKernel(t)
	loop := filepath.Join(repoRoot(t), "cmd", "nbrun", "testdata", "escape-loop.ipynb")
	cases := []struct {
		name     string
		args     []string
		stop     func(r *stopRun, ps []procInfo) // nil: the run ends by itself
		exitCode int                             // -1: killed by a signal
		says     []string                        // in nbrun's output
	}{
		{"SIGTERM to nbrun (timeout(1))", nil, func(r *stopRun, _ []procInfo) {
			syscall.Kill(r.cmd.Process.Pid, syscall.SIGTERM)
		}, 143, []string{"stopped by terminated", "0 of 1 notebooks run"}},
		{"Ctrl-C: SIGINT to the process group", nil, func(r *stopRun, _ []procInfo) {
			syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT)
		}, 130, []string{"stopped by interrupt"}},
		{"SIGKILL of the process group (a CI cancel)", nil, func(r *stopRun, _ []procInfo) {
			syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		}, -1, nil},
		{"SIGKILL of nbrun alone", nil, func(r *stopRun, _ []procInfo) {
			syscall.Kill(r.cmd.Process.Pid, syscall.SIGKILL)
		}, -1, nil},
		{"SIGKILL of the kernel guard alone", nil, func(r *stopRun, ps []procInfo) {
			// The kernel and the cells' processes become nbrun's; the run fails.
			for _, p := range ps {
				if strings.Contains(p.Args, guardArg) {
					syscall.Kill(p.PID, syscall.SIGKILL)
				}
			}
		}, 1, []string{"FAIL", "escape-loop.ipynb"}},
		{"the whole-notebook deadline", []string{"-deadline", "90s"}, nil, 1,
			[]string{"the whole notebook took longer than the -deadline of 1m30s", "nbrun ended it"}},
		{"a per-cell timeout", []string{"-timeout", "40s"}, nil, 1,
			[]string{"escape-loop.ipynb: cell 5 (// Spins until it is stopped", "timed out after 40s"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := startStopRun(t, t.TempDir(), append(c.args, loop)...)
			r.requireEscapees() // then the next cell's program is the endless one
			before := r.waitForCell()
			if before == nil {
				t.Fatalf("nbrun ended before the cell's program ran:\n%s", r.output())
			}
			t.Logf("ps before:\n%s", psTable(before))
			within := 10 * time.Second
			if c.stop != nil {
				c.stop(r, before)
			} else {
				within = 3 * time.Minute
			}
			end := r.waitExit(within)
			r.checkNothingLeft(end, before)
			out := r.output()
			code := r.cmd.ProcessState.ExitCode()
			if code != c.exitCode {
				t.Errorf("nbrun exited with %d (%v), want %d; it says:\n%s", code, r.err, c.exitCode, out)
			}
			for _, w := range c.says {
				if !strings.Contains(out, w) {
					t.Errorf("nbrun does not say %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestNoCellProcessOutlivesNbrun: escape.ipynb's cells leave processes
// running that drop every mark of the run — a session of their own, an empty
// environment, SIGTERM ignored — one started by the cell's Go program, one by
// a `!` shell line. The notebook passes, and when nbrun has exited they are
// gone: nbrun owns its processes by ancestry.
func TestNoCellProcessOutlivesNbrun(t *testing.T) {
	requireKernel(t)
	r := startStopRun(t, t.TempDir(), filepath.Join(repoRoot(t), "cmd", "nbrun", "testdata", "escape.ipynb"))
	end := r.waitExit(4 * time.Minute)
	if code := r.cmd.ProcessState.ExitCode(); code != 0 || !strings.Contains(r.output(), "ok   escape.ipynb") {
		t.Fatalf("nbrun exited with %d, want 0 and ok; it says:\n%s", code, r.output())
	}
	r.requireEscapees()
	for _, e := range r.escapees() {
		t.Logf("%s: pid %d, start %d", e.name, e.PID, e.Start)
	}
	os.RemoveAll(filepath.Join(r.out, "escape.ipynb")) // the executed copy
	r.checkNothingLeft(end, nil)
}

// TestNextRunEndsLeftovers: SIGKILL of nbrun's process group together with
// the kernel guard (kill -9 of everything, the OOM killer) leaves the kernel
// and the cell running with no process of the run left to notice. The next
// nbrun ends them, removes the scratch folder, and says so.
func TestNextRunEndsLeftovers(t *testing.T) {
	requireKernel(t)
	root := repoRoot(t)
	out := t.TempDir()
	r := startStopRun(t, out, filepath.Join(root, "cmd", "nbrun", "testdata", "loop.ipynb"))
	before := r.waitForCell()
	if before == nil {
		t.Fatalf("nbrun ended before the cell's program ran:\n%s", r.output())
	}
	t.Logf("ps before:\n%s", psTable(before))
	var guards []int
	for _, p := range before {
		if strings.Contains(p.Args, guardArg) {
			guards = append(guards, p.PID)
		}
	}
	if len(guards) != 1 {
		t.Fatalf("want one kernel guard, found %d:\n%s", len(guards), psTable(before))
	}
	syscall.Kill(guards[0], syscall.SIGKILL)
	syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	r.waitExit(10 * time.Second)
	time.Sleep(2 * time.Second)
	left := testMarked(r.mark)
	t.Logf("ps 2s after SIGKILL of nbrun's process group and of the kernel guard:\n%s", psTable(left))
	kernelLeft := false
	for _, p := range left {
		kernelLeft = kernelLeft || strings.HasPrefix(p.Comm, "gonb")
	}
	if !kernelLeft {
		t.Fatalf("nothing of the run is left to sweep: the test proves nothing")
	}

	// The next run: its sweep happens before it reads the notebook, so a
	// notebook it refuses is enough.
	next := exec.Command(os.Args[0], "-root", root, "-out", out, filepath.Join(root, "cmd", "nbrun", "testdata", "not-json.ipynb"))
	next.Env = append(os.Environ(), testMainEnv+"=1")
	says, _ := next.CombinedOutput()
	t.Logf("the next nbrun says:\n%s", says)
	end := time.Now()
	for _, w := range []string{
		fmt.Sprintf("an earlier nbrun (pid %d) was killed and left %d processes running; ended them", r.cmd.Process.Pid, len(left)), // the kernel and the cell at least
		"removed " + filepath.Join(out, scratchPrefix),
	} {
		if !strings.Contains(string(says), w) {
			t.Errorf("the next nbrun does not say %q", w)
		}
	}
	r.checkNothingLeft(end, before)
}
