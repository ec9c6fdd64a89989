package procfs

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A comm with a space and a parenthesis, as proc(5) allows.
	line := "4711 (gonb (x) k) S 1 4700 4600 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 9 0 123456 1000000 321 18446744073709551615\n"
	s, ok := parseStat(4711, line)
	if !ok {
		t.Fatal("parseStat refused a valid line")
	}
	want := Stat{PID: 4711, Comm: "gonb (x) k", State: 'S', PPID: 1, PGID: 4700, SID: 4600, CPUTicks: 310, Start: 123456, RSSPages: 321}
	if s != want {
		t.Errorf("parseStat = %+v, want %+v", s, want)
	}
	if s.Dead() {
		t.Error("a sleeping process reported dead")
	}
	for _, bad := range []string{"", "4711 gonb S 1", "4711 (gonb) S 1 2 3"} {
		if _, ok := parseStat(1, bad); ok {
			t.Errorf("parseStat(%q) accepted a malformed line", bad)
		}
	}
	z, _ := parseStat(1, "1 (z) Z 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0\n")
	if !z.Dead() {
		t.Error("a zombie not reported dead")
	}
}

func TestReadStatSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("no /proc on " + runtime.GOOS)
	}
	s, ok := ReadStat(os.Getpid())
	if !ok {
		t.Fatal("cannot read this process's stat")
	}
	if s.PID != os.Getpid() || s.PPID != os.Getppid() || s.State == 0 || s.Start == 0 || s.RSSPages <= 0 {
		t.Errorf("ReadStat(self) = %+v", s)
	}
	if _, ok := ReadStat(-1); ok {
		t.Error("ReadStat(-1) succeeded")
	}
}

func TestMarkedFindsAChildByItsEnvironment(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on", runtime.GOOS)
	}
	mark := "descent-procfs-test-" + strconv.Itoa(os.Getpid())
	cmd := exec.Command("sleep", "30")
	cmd.Env = append(os.Environ(), "DESCENT_PROCFS_TEST="+mark)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	var found []MarkedProc
	for range 100 { // the child's environment is readable once it has exec'd
		found = Marked("DESCENT_PROCFS_TEST", func(v string) bool { return v == mark })
		if len(found) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(found) != 1 || found[0].PID != cmd.Process.Pid || found[0].Args != "sleep 30" {
		t.Fatalf("Marked = %+v, want the one child %d running sleep 30", found, cmd.Process.Pid)
	}
	if !Same(found[0].Stat) {
		t.Error("Same: the running child reported gone")
	}
	if Same(Stat{PID: found[0].PID, Start: found[0].Start + 1}) {
		t.Error("Same: a different start time (a reused pid) reported the same process")
	}
	cmd.Process.Kill()
	cmd.Wait()
	if Same(found[0].Stat) {
		t.Error("Same: a reaped child reported running")
	}
}
