package main

// A session is one notebook's execution: a scratch folder, and the
// processes the execution causes.
//
// The scratch folder, <out>/.nbrun-<session id>, holds everything the run
// writes besides the executed copy's final place:
//
//	out/                      nbconvert's output, renamed into <out> on success
//	tmp/                      TMPDIR of nbconvert and the kernel: gonb's gonb_* folder
//	                          (the cell's source and program, 3–15 MB), go build's work
//	                          folders, the kernel connection file
//	runtime/                  JUPYTER_RUNTIME_DIR
//	jupyter/kernels/gonb/     the repository's gonb kernel spec with its argv behind
//	                          `nbrun -kernel-guard --` (found first through JUPYTER_PATH)
//	nbconvert.log             nbconvert's and the kernel's output
//
// so removing the folder removes all of it, whichever way the run ended.
//
// The session's processes are nbrun's descendants (procs.go). The session
// id, <pid namespace>-<pid>-<start time>-<random>, names nbrun's process:
// the kernel guard watches it, and every process that keeps the environment
// nbrun gives nbconvert carries it in sessionEnv, so that a later nbrun that
// finds such processes, or scratch folders, whose owner is gone ends and
// removes them (sweepLeftovers), saying so.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	sessionEnv    = "NBRUN_SESSION" // the session id, in the environment of the session's processes
	scratchEnv    = "NBRUN_SCRATCH" // the session's scratch folder, for the kernel guard
	scratchPrefix = ".nbrun-"
	guardArg      = "-kernel-guard"
)

type session struct {
	id    string
	owner processIdentity
	dir   string
	top   processIdentity // nbconvert, once started
}

// newSession creates the scratch folder of a notebook run in outDir.
func newSession(outDir string) (*session, error) {
	owner := selfIdentity()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	id := fmt.Sprintf("%d-%d-%d-%s", owner.NS, owner.PID, owner.Start, hex.EncodeToString(b[:]))
	s := &session{id: id, owner: owner, dir: filepath.Join(outDir, scratchPrefix+id)}
	for _, d := range []string{s.outDir(), s.tmpDir(), s.runtimeDir(), s.kernelSpecDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
	}
	return s, nil
}

func (s *session) outDir() string        { return filepath.Join(s.dir, "out") }
func (s *session) tmpDir() string        { return filepath.Join(s.dir, "tmp") }
func (s *session) runtimeDir() string    { return filepath.Join(s.dir, "runtime") }
func (s *session) jupyterPath() string   { return filepath.Join(s.dir, "jupyter") }
func (s *session) kernelSpecDir() string { return filepath.Join(s.jupyterPath(), "kernels", "gonb") }
func (s *session) logPath() string       { return filepath.Join(s.dir, "nbconvert.log") }

// parseSessionID reads the owner out of a session id.
func parseSessionID(id string) (processIdentity, bool) {
	f := strings.Split(id, "-")
	if len(f) != 4 {
		return processIdentity{}, false
	}
	ns, err1 := strconv.ParseUint(f[0], 10, 64)
	pid, err2 := strconv.Atoi(f[1])
	start, err3 := strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || pid <= 0 {
		return processIdentity{}, false
	}
	return processIdentity{NS: ns, PID: pid, Start: start}, true
}

// writeKernelSpec copies the gonb kernel spec at src into the session with
// its argv run through guard (nbrun's own executable) in kernel-guard mode.
func (s *session) writeKernelSpec(src, guard string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		return fmt.Errorf("%s is not valid JSON (%v): run `make setup` again", src, err)
	}
	argv, _ := spec["argv"].([]any)
	if len(argv) == 0 {
		return fmt.Errorf("%s has no argv: run `make setup` again", src)
	}
	spec["argv"] = append([]any{guard, guardArg, "--"}, argv...)
	out, err := json.MarshalIndent(spec, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.kernelSpecDir(), "kernel.json"), out, 0o644)
}

// env returns base with the session's mark, temporary folders and kernel spec.
func (s *session) env(base []string) []string {
	jp := s.jupyterPath()
	var env []string
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case sessionEnv, scratchEnv, "TMPDIR", "JUPYTER_RUNTIME_DIR":
			continue // an nbrun started from a notebook cell: its own session
		case "JUPYTER_PATH":
			if v != "" {
				jp += string(os.PathListSeparator) + v
			}
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		sessionEnv+"="+s.id,
		scratchEnv+"="+s.dir,
		"TMPDIR="+s.tmpDir(),
		"JUPYTER_RUNTIME_DIR="+s.runtimeDir(),
		"JUPYTER_PATH="+jp,
	)
}

// procs lists the session's live processes: every descendant of nbrun when
// nbrun is a child subreaper (main makes it one, and runs one notebook at a
// time), else — a test that runs notebooks side by side in its own process —
// nbconvert and its descendants while nbconvert runs.
func (s *session) procs() []procInfo {
	if isSubreaper() {
		return descendants(os.Getpid())
	}
	p, ok := readStat(s.top.PID)
	if s.top.PID == 0 || !ok || p.Start != s.top.Start || p.dead() {
		return nil
	}
	return append([]procInfo{p}, descendants(p.PID)...)
}

// end ends every process of the session still running (endProcs: SIGTERM,
// then SIGKILL) and removes the scratch folder. It returns the processes it
// had to end.
func (s *session) end() []procInfo {
	ended := endProcs(s.procs, isSubreaper(), s.top.PID)
	os.RemoveAll(s.dir)
	return ended
}

// sweepLeftovers ends the processes and removes the scratch folders in
// outDir that earlier nbrun runs left behind when they were killed with no
// chance to clean up (SIGKILL of nbrun and of its kernel guard), and says so
// on log. A leftover is one whose owner, named in its session id, no longer
// runs in this pid namespace; runs that are still going are left alone.
func sweepLeftovers(outDir string, log io.Writer) {
	self := selfIdentity()
	orphaned := func(id string) (processIdentity, bool) {
		owner, ok := parseSessionID(id)
		if !ok || owner.NS != self.NS || owner.PID == self.PID && owner.Start == self.Start {
			return owner, false
		}
		return owner, !owner.alive()
	}
	list := func() []procInfo {
		return markedProcs(sessionEnv, func(v string) bool { _, ok := orphaned(v); return ok })
	}
	if ended := endProcs(list, false); len(ended) > 0 {
		byOwner := map[int][]string{}
		var owners []int
		for _, p := range ended {
			o, _ := parseSessionID(p.Session)
			if byOwner[o.PID] == nil {
				owners = append(owners, o.PID)
			}
			byOwner[o.PID] = append(byOwner[o.PID], p.String())
		}
		for _, o := range owners {
			noun := "processes"
			if len(byOwner[o]) == 1 {
				noun = "process"
			}
			fmt.Fprintf(log, "nbrun: an earlier nbrun (pid %d) was killed and left %d %s running; ended them:\n    %s\n",
				o, len(byOwner[o]), noun, strings.Join(byOwner[o], "\n    "))
		}
	}
	ents, err := os.ReadDir(outDir)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, scratchPrefix) {
			continue
		}
		dir := filepath.Join(outDir, name)
		id := strings.TrimPrefix(name, scratchPrefix)
		if owner, ok := orphaned(id); ok {
			if os.RemoveAll(dir) == nil {
				fmt.Fprintf(log, "nbrun: removed %s, left by an earlier nbrun (pid %d) that was killed\n", dir, owner.PID)
			}
			continue
		}
		// Before sessions, the scratch folder was .nbrun-<random digits>,
		// left empty by an interrupted run; an old minute is surely not in use.
		if _, err := strconv.ParseUint(id, 10, 64); err == nil {
			if st, err := os.Stat(dir); err == nil && time.Since(st.ModTime()) > time.Minute && os.Remove(dir) == nil {
				fmt.Fprintf(log, "nbrun: removed %s, left empty by an earlier interrupted nbrun\n", dir)
			}
		}
	}
}
