package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/procfs"
)

// These tests need no kernel: plain processes (sleep, sh) stand in for the
// kernel and the cell's program, and the test binary is the kernel guard.

func requireProc(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads the process table from /proc (Linux)")
	}
}

// sessionProcs lists the live processes that carry the session's mark.
func sessionProcs(id string) []procInfo {
	return markedProcs(sessionEnv, func(v string) bool { return v == id })
}

// waitGone waits up to d for every process of the session to end and
// returns those still running.
func waitGone(id string, d time.Duration) []procInfo {
	deadline := time.Now().Add(d)
	for {
		left := sessionProcs(id)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// killSession ends what a failed test left (processes it started, by pid).
func killSession(id string) {
	for _, p := range sessionProcs(id) {
		_ = syscall.Kill(p.PID, syscall.SIGKILL)
	}
}

// startMarked starts name args with the session mark, in a session of its own.
func startMarked(t *testing.T, id, scratch string, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), sessionEnv+"="+id, scratchEnv+"="+scratch)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killSession(id) })
	return cmd
}

func sessionID(owner processIdentity, tag string) string {
	return fmt.Sprintf("%d-%d-%d-%s", owner.NS, owner.PID, owner.Start, tag)
}

// waitMarked waits until at least n processes carry the session's mark.
func waitMarked(t *testing.T, id string, n int) []procInfo {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ps := sessionProcs(id)
		if len(ps) >= n {
			return ps
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d processes carry the mark, want %d: %v", len(ps), n, ps)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestParseSessionID(t *testing.T) {
	id, ok := parseSessionID("4026531836-4711-123456-0a1b2c3d")
	if !ok || id != (processIdentity{NS: 4026531836, PID: 4711, Start: 123456}) {
		t.Errorf("got %+v, %v", id, ok)
	}
	for _, bad := range []string{"", "12345", "1-2-3", "a-2-3-x", "1-0-3-x", "1-2-3-4-5"} {
		if _, ok := parseSessionID(bad); ok {
			t.Errorf("%q parsed as a session id", bad)
		}
	}
}

func TestSessionEnvAndKernelSpec(t *testing.T) {
	s, err := newSession(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.end()
	owner, ok := parseSessionID(s.id)
	if !ok || owner.PID != os.Getpid() || !owner.alive() {
		t.Errorf("session id %q does not name this process (%+v)", s.id, owner)
	}
	env := s.env([]string{"HOME=/h", "TMPDIR=/elsewhere", sessionEnv + "=outer", "JUPYTER_PATH=/mine"})
	want := map[string]string{
		"HOME": "/h", sessionEnv: s.id, scratchEnv: s.dir, "TMPDIR": s.tmpDir(),
		"JUPYTER_RUNTIME_DIR": s.runtimeDir(), "JUPYTER_PATH": s.jupyterPath() + ":/mine",
	}
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := got[k]; dup {
			t.Errorf("%s set twice", k)
		}
		got[k] = v
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s=%q, want %q", k, got[k], v)
		}
	}

	src := filepath.Join(t.TempDir(), "kernel.json")
	os.WriteFile(src, []byte(`{"argv": ["/x/gonb", "--kernel", "{connection_file}"], "display_name": "Go (gonb)", "interrupt_mode": "message"}`), 0o644)
	if err := s.writeKernelSpec(src, "/bin/nbrun"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(s.kernelSpecDir(), "kernel.json"))
	var spec struct {
		Argv          []string `json:"argv"`
		DisplayName   string   `json:"display_name"`
		InterruptMode string   `json:"interrupt_mode"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	if strings.Join(spec.Argv, " ") != "/bin/nbrun -kernel-guard -- /x/gonb --kernel {connection_file}" || spec.DisplayName != "Go (gonb)" || spec.InterruptMode != "message" {
		t.Errorf("guarded spec: %s", b)
	}
	os.WriteFile(src, []byte(`{"argv": []}`), 0o644)
	if err := s.writeKernelSpec(src, "/bin/nbrun"); err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("a spec without argv: got %v, want an error telling to run make setup", err)
	}
	s.end()
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("end left the scratch folder: %v", err)
	}
}

// TestGuardEndsRunWhenNbrunIsGone: SIGKILL of nbrun (or of its process
// group) runs no handler of nbrun's; the kernel guard notices its owner is
// gone (a zombie counts as gone) and ends the session's processes — here a
// stand-in kernel and the "cell" it started — and removes the scratch folder.
func TestGuardEndsRunWhenNbrunIsGone(t *testing.T) {
	requireProc(t)
	owner := exec.Command("sleep", "300") // stands in for nbrun
	if err := owner.Start(); err != nil {
		t.Fatal(err)
	}
	defer owner.Process.Kill()
	st, _ := readStat(owner.Process.Pid)
	id := sessionID(processIdentity{NS: pidNamespace("self"), PID: owner.Process.Pid, Start: st.Start}, "guard001")
	scratch := filepath.Join(t.TempDir(), scratchPrefix+id)
	os.MkdirAll(filepath.Join(scratch, "tmp", "gonb_0123abcd"), 0o755)

	guard := startMarked(t, id, scratch, os.Args[0], guardArg, "--", "sh", "-c", "sleep 300 & sleep 300")
	waitMarked(t, id, 4) // guard, sh, two sleeps
	time.Sleep(2 * ownerPoll)
	if err := syscall.Kill(guard.Process.Pid, 0); err != nil {
		t.Fatalf("the guard ended while its owner runs: %v", err)
	}

	owner.Process.Signal(syscall.SIGKILL) // not waited for: a zombie
	t0 := time.Now()
	err := guard.Wait()
	if left := waitGone(id, 2*time.Second); len(left) > 0 {
		t.Errorf("still running %v after the owner died: %v", time.Since(t0), left)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("the guard took %v to end the run", d)
	}
	if _, err := os.Stat(scratch); !os.IsNotExist(err) {
		t.Errorf("the guard left the scratch folder: %v", err)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(fmt.Sprint(guard.Stderr), "is gone: ended 3 processes") {
		t.Errorf("guard: %v, output %q", err, guard.Stderr)
	}
	owner.Wait()
}

// TestGuardExitsWithKernel: when the kernel exits, the guard ends what the
// kernel left in its session and exits with the kernel's status.
func TestGuardExitsWithKernel(t *testing.T) {
	requireProc(t)
	id := sessionID(selfIdentity(), "guard002")
	scratch := t.TempDir()
	guard := startMarked(t, id, scratch, os.Args[0], guardArg, "--", "sh", "-c", "sleep 300 & sleep 0.5; exit 3")
	waitMarked(t, id, 3)
	err := guard.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Errorf("guard exited with %v, want the kernel's status 3", err)
	}
	if left := waitGone(id, time.Second); len(left) > 0 {
		t.Errorf("the kernel's leftover still runs: %v", left)
	}
	if _, err := os.Stat(scratch); err != nil {
		t.Errorf("the guard removed the scratch folder of a run whose owner still runs: %v", err)
	}
}

// TestGuardEndsWhatTheKernelLeaves: a kernel that exits leaves behind
// processes that try to escape — a session of their own with an empty
// environment and SIGTERM ignored, a double fork, one that forks as fast as
// it can, one that hops to a new pid every millisecond, a stopped one,
// one with a zombie child (testdata/leave-behind.sh). The guard, a child
// subreaper, adopts them and ends them all before it exits.
func TestGuardEndsWhatTheKernelLeaves(t *testing.T) {
	requireProc(t)
	tag := fmt.Sprintf("301.%d", time.Now().UnixNano()%1e9) // sleep's argument, names the processes
	dir := t.TempDir()
	tagged := func() []procInfo {
		var out []procInfo
		for _, p := range procTable() {
			if !p.dead() && strings.Contains(procfs.Cmdline(p.PID), tag) {
				out = append(out, p)
			}
		}
		return out
	}
	// The pid hopper is seldom seen in a look at the process table (its pid
	// changes between the list of /proc and the read of its command line):
	// it runs while its links touch the beat file.
	beat := filepath.Join(dir, "beat")
	hopping := func() bool {
		st, err := os.Stat(beat)
		if err != nil {
			return false
		}
		time.Sleep(300 * time.Millisecond)
		st2, err := os.Stat(beat)
		return err == nil && !st2.ModTime().Equal(st.ModTime())
	}
	t.Cleanup(func() { // whatever the guard left (processes this test started)
		os.WriteFile(filepath.Join(dir, "stop"), nil, 0o644)
		for i := 0; i < 100 && len(tagged()) > 0; i++ {
			for _, p := range tagged() {
				syscall.Kill(p.PID, syscall.SIGKILL)
			}
		}
	})
	id := sessionID(selfIdentity(), "guard005")
	guard := startMarked(t, id, dir, os.Args[0], guardArg, "--", "bash", filepath.Join("testdata", "leave-behind.sh"), tag, dir)
	deadline := time.Now().Add(30 * time.Second)
	for len(tagged()) < 50 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	before := len(tagged())
	if before < 50 {
		t.Fatalf("the kernel stand-in started %d processes, want at least 50: the test proves nothing", before)
	}
	t0 := time.Now()
	if err := guard.Wait(); err != nil {
		t.Errorf("guard: %v (%s)", err, guard.Stderr)
	}
	t.Logf("%d processes and more running; the guard exited %v later", before, time.Since(t0).Round(time.Millisecond))
	if left := tagged(); len(left) > 0 {
		t.Errorf("%d processes outlive the guard, e.g. %v", len(left), left[0])
	}
	if _, err := os.Stat(beat); err != nil {
		t.Errorf("the pid hopper did not start: %v", err)
	} else if hopping() {
		t.Errorf("the pid hopper outlives the guard")
	}
}

func TestGuardNeedsSession(t *testing.T) {
	cmd := exec.Command(os.Args[0], guardArg, "--", "true")
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), sessionEnv) {
		t.Errorf("guard outside a session: %v, %s", err, out)
	}
}

// TestSweepLeftovers: what a run killed together with its guard left — a
// marked process and a scratch folder whose owner is gone — the next nbrun
// ends and removes, and says so; a live run's folder stays.
func TestSweepLeftovers(t *testing.T) {
	requireProc(t)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := processIdentity{NS: pidNamespace("self"), PID: gone.Process.Pid, Start: 1}
	id := sessionID(dead, "sweep001")
	out := t.TempDir()
	orphanDir := filepath.Join(out, scratchPrefix+id)
	liveDir := filepath.Join(out, scratchPrefix+sessionID(selfIdentity(), "sweep002"))
	legacy := filepath.Join(out, scratchPrefix+"2099605006")
	for _, d := range []string{filepath.Join(orphanDir, "tmp", "gonb_0123abcd"), liveDir, legacy} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(legacy, old, old)

	orphan := startMarked(t, id, orphanDir, "sleep", "300")
	waitMarked(t, id, 1)
	var log bytes.Buffer
	sweepLeftovers(out, &log)
	if err := orphan.Wait(); err == nil || !strings.Contains(err.Error(), "signal: terminated") {
		t.Errorf("the orphan was not ended by SIGTERM: %v", err)
	}
	for dir, keep := range map[string]bool{orphanDir: false, legacy: false, liveDir: true} {
		if _, err := os.Stat(dir); (err == nil) != keep {
			t.Errorf("%s: exists=%v, want %v", filepath.Base(dir), err == nil, keep)
		}
	}
	for _, w := range []string{
		fmt.Sprintf("an earlier nbrun (pid %d) was killed and left 1 process running; ended them:\n    %d sleep 300", dead.PID, orphan.Process.Pid),
		fmt.Sprintf("removed %s, left by an earlier nbrun (pid %d)", orphanDir, dead.PID),
		fmt.Sprintf("removed %s, left empty", legacy),
	} {
		if !strings.Contains(log.String(), w) {
			t.Errorf("the sweep does not say %q:\n%s", w, log.String())
		}
	}
}

// TestGuardOnSIGTERM: jupyter_client signals the kernel's process group, so
// the kernel gets SIGTERM itself and the guard exits with it; a SIGTERM to the
// guard alone ends a kernel that ignores it after termGrace.
func TestGuardOnSIGTERM(t *testing.T) {
	requireProc(t)
	t.Run("to the process group", func(t *testing.T) {
		id := sessionID(selfIdentity(), "guard003")
		guard := startMarked(t, id, t.TempDir(), os.Args[0], guardArg, "--", "sleep", "300")
		waitMarked(t, id, 2)
		syscall.Kill(-guard.Process.Pid, syscall.SIGTERM)
		err := guard.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 128+int(syscall.SIGTERM) {
			t.Errorf("guard: %v, want exit status %d (the kernel's SIGTERM)", err, 128+int(syscall.SIGTERM))
		}
	})
	t.Run("to the guard alone", func(t *testing.T) {
		id := sessionID(selfIdentity(), "guard004")
		guard := startMarked(t, id, t.TempDir(), os.Args[0], guardArg, "--", "sh", "-c", `trap "" TERM; sleep 300`)
		waitMarked(t, id, 3)
		t0 := time.Now()
		syscall.Kill(guard.Process.Pid, syscall.SIGTERM)
		guard.Wait()
		if d := time.Since(t0); d < termGrace || d > termGrace+2*time.Second {
			t.Errorf("the guard ended the kernel after %v, want about %v", d, termGrace)
		}
		if left := waitGone(id, time.Second); len(left) > 0 {
			t.Errorf("still running: %v", left)
		}
	})
}
