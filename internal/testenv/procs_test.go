package testenv

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// startMarked starts `sleep 60` in a session of its own (as Jupyter starts
// kernels) carrying marker.
func startMarked(t *testing.T, marker string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	cmd.Env = append(os.Environ(), MarkerEnv+"="+marker)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	go cmd.Wait() // reap it, so that a killed one does not linger as a zombie
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd
}

func TestMarkedAndKillMarked(t *testing.T) {
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	marker := strconv.Itoa(os.Getpid()) + "-" + tok[:12]
	a, b := startMarked(t, marker), startMarked(t, marker)
	other := startMarked(t, marker+"x")
	got := Marked(marker)
	if len(got) != 2 || got[0].PID != min(a.Process.Pid, b.Process.Pid) || got[1].PID != max(a.Process.Pid, b.Process.Pid) {
		t.Fatalf("Marked = %v, want pids %d and %d", got, a.Process.Pid, b.Process.Pid)
	}
	if got[0].Cmd != "sleep 60" {
		t.Errorf("Cmd = %q, want %q", got[0].Cmd, "sleep 60")
	}
	killed := KillMarked(marker, 5*time.Second)
	if len(killed) != 2 {
		t.Errorf("KillMarked killed %v, want both", killed)
	}
	if left := Marked(marker); len(left) != 0 {
		t.Errorf("still alive after KillMarked: %v", left)
	}
	if left := Marked(marker + "x"); len(left) != 1 || left[0].PID != other.Process.Pid {
		t.Errorf("a process with another marker was touched: %v", left)
	}
}

func TestOrphans(t *testing.T) {
	// A pid that ran and ended: the "test process" of an earlier run.
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip(err)
	}
	tok, _ := NewToken()
	orphan := startMarked(t, strconv.Itoa(gone.Process.Pid)+"-"+tok[:12])
	alive := startMarked(t, strconv.Itoa(os.Getpid())+"-"+tok[:12])
	foreign := startMarked(t, "not-a-pid")
	found := false
	for _, p := range Orphans() { // listed only: other runs' orphans are not this test's to kill
		if p.PID == alive.Process.Pid || p.PID == foreign.Process.Pid {
			t.Errorf("Orphans lists %v, whose owner is alive or unknown", p)
		}
		found = found || p.PID == orphan.Process.Pid
	}
	if !found {
		t.Errorf("Orphans does not list the orphan %d", orphan.Process.Pid)
	}
}

func TestFreePortAndToken(t *testing.T) {
	p, err := FreePort()
	if err != nil || p <= 0 {
		t.Fatalf("FreePort = %d, %v", p, err)
	}
	ps, err := FreePorts(3)
	if err != nil || len(ps) != 3 || ps[0] == ps[1] || ps[1] == ps[2] || ps[0] == ps[2] {
		t.Fatalf("FreePorts(3) = %v, %v; want 3 distinct ports", ps, err)
	}
	a, _ := NewToken()
	b, _ := NewToken()
	if len(a) != 48 || a == b {
		t.Errorf("tokens %q, %q: want 48 hex digits, different", a, b)
	}
}

func TestTempDirAndOrphanDirs(t *testing.T) {
	mine, err := TempDir("unit")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(mine)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip(err)
	}
	orphan, err := os.MkdirTemp("", "descent-test-unit-"+strconv.Itoa(gone.Process.Pid)+"-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(orphan)
	listed := map[string]bool{}
	for _, d := range OrphanDirs() {
		listed[d] = true
	}
	if listed[mine] {
		t.Errorf("OrphanDirs lists %s, whose owner runs", mine)
	}
	if !listed[orphan] {
		t.Errorf("OrphanDirs does not list %s", orphan)
	}
}
