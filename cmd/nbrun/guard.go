package main

// The kernel guard: `nbrun -kernel-guard -- gonb --kernel <connection file> …`.
//
// The session's kernel spec starts gonb through the guard. jupyter_client
// starts the kernel in a session of its own, out of reach of whatever signal
// ends nbrun and nbconvert, so the guard runs gonb as its child, is a child
// subreaper like nbrun (every process gonb and its cells start, and every
// orphan among them, stays the guard's descendant: procs.go), and watches
// nbrun, the session's owner:
//
//   - when nbrun is gone (SIGKILL of nbrun, or of its process group, where no
//     handler of nbrun's can run), the guard ends its descendants — gonb, the
//     cell's program, the go command, whatever a cell left running — and the
//     processes that carry the session's mark — nbconvert, and what nbrun
//     had adopted — and removes the scratch folder, within a second or so (a
//     few for a process that ignores SIGTERM);
//   - when gonb exits, the guard ends what is left below it (a cell's program
//     whose kernel was killed, a process a cell left running) and exits with
//     gonb's status; an orphan it adopted that exits earlier, it reaps then;
//   - jupyter_client signals the kernel's whole process group, so gonb gets
//     those signals itself and the guard does not pass them on (gonb would
//     get SIGTERM twice); after SIGTERM or SIGHUP the guard gives gonb
//     termGrace to exit, then kills it (a signal sent to the guard alone).
//
// Without /proc (macOS) the guard lists nothing: when nbrun is gone it ends
// its own process group, which holds gonb and the cells that stay in it.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"syscall"
	"time"
)

const (
	ownerPoll = 200 * time.Millisecond // how often the guard checks that nbrun still runs
	termGrace = 3 * time.Second        // how long gonb has to exit after SIGTERM or SIGHUP
)

// guardMain runs the kernel guard and exits when the program was started as
// one; otherwise it returns.
func guardMain() {
	if len(os.Args) > 1 && os.Args[1] == guardArg {
		os.Exit(runGuard(os.Args[2:]))
	}
}

func runGuard(argv []string) int {
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	id, dir := os.Getenv(sessionEnv), os.Getenv(scratchEnv)
	owner, ok := parseSessionID(id)
	if len(argv) == 0 || !ok || dir == "" {
		fmt.Fprintf(os.Stderr, "nbrun %s: runs a kernel for nbrun (usage: nbrun %s -- kernel argv…, with %s and %s set by nbrun)\n",
			guardArg, guardArg, sessionEnv, scratchEnv)
		return 2
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	subreaper := becomeSubreaper()
	kernel := exec.Command(argv[0], argv[1:]...)
	kernel.Stdin, kernel.Stdout, kernel.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := kernel.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "nbrun %s: %v\n", guardArg, err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- kernel.Wait() }()
	// Orphans the guard adopted that exit while the kernel runs.
	chld := make(chan os.Signal, 1)
	signal.Notify(chld, syscall.SIGCHLD)
	tick := time.NewTicker(ownerPoll)
	defer tick.Stop()
	var grace <-chan time.Time
	for {
		select {
		case sig := <-sigs:
			if sig != syscall.SIGINT && grace == nil {
				grace = time.After(termGrace)
			}
		case <-grace:
			_ = kernel.Process.Kill()
		case <-chld:
			reapChildren([]int{kernel.Process.Pid})
		case err := <-done:
			below := func() []procInfo { return descendants(os.Getpid()) }
			endProcs(below, subreaper, kernel.Process.Pid)
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				if st, ok := exit.Sys().(syscall.WaitStatus); ok && st.Signaled() {
					return 128 + int(st.Signal())
				}
				return exit.ExitCode()
			}
			if err != nil {
				return 1
			}
			return 0
		case <-tick.C:
			if owner.alive() {
				continue
			}
			// Below the guard, and what carries the session's mark:
			// nbconvert, and what nbrun had adopted.
			run := func() []procInfo {
				ps := descendants(os.Getpid())
				for _, p := range markedProcs(sessionEnv, func(v string) bool { return v == id }) {
					if !slices.ContainsFunc(ps, func(q procInfo) bool { return q.PID == p.PID }) {
						ps = append(ps, p)
					}
				}
				return ps
			}
			ended := endProcs(run, subreaper, kernel.Process.Pid)
			os.RemoveAll(dir)
			fmt.Fprintf(os.Stderr, "nbrun %s: nbrun (pid %d) is gone: ended %d processes of its run and removed %s\n",
				guardArg, owner.PID, len(ended), dir)
			if len(ended) == 0 {
				// No /proc to list them: end the kernel's
				// process group, the guard with it.
				_ = syscall.Kill(-syscall.Getpgrp(), syscall.SIGKILL)
			}
			return 1
		}
	}
}
