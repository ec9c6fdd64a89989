package hub

// Finding, measuring and killing the processes of one test hub through /proc.
//
// Every process the hub starts carries testenv.MarkerEnv=<marker> in its
// environment: the hub and configurable-http-proxy inherit it from the test,
// each single-user server gets it from Spawner.environment, and the gonb
// kernel, the go command, the compiler, the linker and each cell's program
// inherit it from there. JUPYTERHUB_USER, set by the spawner and inherited
// the same way, says which student a process belongs to.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/descentlab/descent/internal/procfs"
	"github.com/descentlab/descent/internal/testenv"
)

var (
	pageSize   = int64(os.Getpagesize())
	clockTicks = 100.0 // USER_HZ on Linux
)

type proc struct {
	pid   int
	user  string // JUPYTERHUB_USER, "" for the hub and the proxy
	comm  string
	start uint64 // start time in ticks: with pid, identifies the process
}

// markedProcs lists the live processes whose environment holds marker.
// cache (may be nil) remembers what was read per pid and start time, so a
// sampler reads each process's environment once.
func markedProcs(marker string, cache map[int]cached) []*proc {
	want := []byte(testenv.MarkerEnv + "=" + marker + "\x00")
	ents, _ := os.ReadDir("/proc")
	var out []*proc
	seen := map[int]bool{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, ok := readStat(pid)
		if !ok {
			continue
		}
		seen[pid] = true
		if c, ok := cache[pid]; ok && c.start == st.start {
			if c.p != nil {
				out = append(out, c.p)
			}
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		var p *proc
		if err == nil && bytes.Contains(append(env, 0), want) {
			p = &proc{pid: pid, comm: st.comm, start: st.start}
			for _, kv := range bytes.Split(env, []byte{0}) {
				if v, ok := bytes.CutPrefix(kv, []byte("JUPYTERHUB_USER=")); ok {
					p.user = string(v)
				}
			}
			out = append(out, p)
		}
		if cache != nil && err == nil {
			cache[pid] = cached{start: st.start, p: p}
		}
	}
	for pid := range cache {
		if !seen[pid] {
			delete(cache, pid)
		}
	}
	return out
}

type cached struct {
	start uint64
	p     *proc // nil: not one of ours
}

type stat struct {
	comm        string
	start       uint64
	ppid, pgid  int
	cpuTicks    uint64 // utime+stime+cutime+cstime: own and waited-for children
	rssBytes    int64
	isZombieish bool
}

func readStat(pid int) (stat, bool) {
	st, ok := procfs.ReadStat(pid)
	if !ok {
		return stat{}, false
	}
	return stat{comm: st.Comm, start: st.Start, ppid: st.PPID, pgid: st.PGID, cpuTicks: st.CPUTicks,
		rssBytes: st.RSSPages * pageSize, isZombieish: st.Dead()}, true
}

// killMarked sends sig to every marked process and its process group.
func killMarked(marker string, sig syscall.Signal) []string {
	var names []string
	for _, p := range markedProcs(marker, nil) {
		st, ok := readStat(p.pid)
		if !ok || st.isZombieish {
			continue
		}
		names = append(names, fmt.Sprintf("%d:%s(user=%q)", p.pid, p.comm, p.user))
		if st.pgid > 1 && st.pgid != syscall.Getpgrp() {
			_ = syscall.Kill(-st.pgid, sig)
		}
		_ = syscall.Kill(p.pid, sig)
	}
	sort.Strings(names)
	return names
}

// liveMarked names the marked processes still running (zombies excluded).
func liveMarked(marker string) []string {
	var names []string
	for _, p := range markedProcs(marker, nil) {
		if st, ok := readStat(p.pid); ok && !st.isZombieish {
			names = append(names, fmt.Sprintf("%d:%s(user=%q)", p.pid, p.comm, p.user))
		}
	}
	sort.Strings(names)
	return names
}

// sampler records, every interval, the resident memory of each user's
// processes (single-user server, kernel, go command, compiler, linker, the
// cell's program) and of the hub with its proxy.
type sampler struct {
	marker string
	mu     sync.Mutex
	peak   map[string]int64 // user -> peak of the sum of RSS over its processes
	// peak of the sum over all users' processes, sampled at one instant
	peakAll    int64
	peakProc   map[string]int64 // process name -> largest RSS seen
	samples    int
	stop, done chan struct{}
}

func startSampler(marker string, every time.Duration) *sampler {
	s := &sampler{marker: marker, peak: map[string]int64{}, peakProc: map[string]int64{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		cache := map[int]cached{}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample(cache)
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) sample(cache map[int]cached) {
	sum := map[string]int64{}
	var all int64
	big := map[string]int64{}
	for _, p := range markedProcs(s.marker, cache) {
		st, ok := readStat(p.pid)
		if !ok || st.isZombieish {
			continue
		}
		u := p.user
		if u == "" {
			u = "(hub+proxy)"
		} else {
			all += st.rssBytes
		}
		sum[u] += st.rssBytes
		if st.rssBytes > big[st.comm] {
			big[st.comm] = st.rssBytes
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples++
	for u, v := range sum {
		s.peak[u] = max(s.peak[u], v)
	}
	for c, v := range big {
		s.peakProc[c] = max(s.peakProc[c], v)
	}
	s.peakAll = max(s.peakAll, all)
}

func (s *sampler) Stop() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
}

// userCPU is the CPU time, in seconds, of a user's live processes including
// every descendant they have waited for (the go command, compiler, linker
// and each cell's program are waited for by the kernel).
func userCPU(marker, user string) float64 {
	var ticks uint64
	for _, p := range markedProcs(marker, nil) {
		if p.user != user {
			continue
		}
		if st, ok := readStat(p.pid); ok {
			ticks += st.cpuTicks
		}
	}
	return float64(ticks) / clockTicks
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
