package procfs

import (
	"os"
	"runtime"
	"testing"
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
