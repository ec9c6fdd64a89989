// Package lab starts the checkout's JupyterLab for browser tests and makes
// sure nothing it started outlives the test.
//
// The browser test itself (lab_test.go) is slow — it runs JupyterLab, the
// GoNB kernel and headless Chromium — and is built only with the tag `lab`:
//
//	go test -tags lab -count=1 -v ./tests/lab
//
// Every process a Server starts (JupyterLab, the kernels it launches in
// their own sessions, what the kernels start) carries the environment
// variable MarkerEnv; Marked finds them through /proc, so a test can kill and
// check them even though the kernels are not in JupyterLab's process group.
package lab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MarkerEnv is the environment variable that tags every process a Server
// starts. Its value is "<pid of the test process>-<random>".
const MarkerEnv = "DESCENT_LAB_MARKER"

// Server is a JupyterLab started from <Root>/.venv on a free loopback port,
// with a generated token and its runtime, config, settings and workspace
// folders in a temporary directory.
type Server struct {
	Root   string // the checkout; JupyterLab's root_dir
	Port   int
	URL    string // http://127.0.0.1:<port>
	Token  string
	Marker string // value of MarkerEnv in every process it starts
	Dir    string // temporary folder (runtime, config, settings, workspaces, log)
	Log    string // JupyterLab's stdout and stderr

	cmd    *exec.Cmd
	logf   *os.File
	exited chan struct{}
	err    error // Wait's result, once exited is closed
}

// Settings written into the server's own user-settings folder: no autosave
// (a live run must never write outputs into notebooks/), no news or update
// checks (no request leaves the machine).
var Settings = map[string]string{
	"@jupyterlab/docmanager-extension/plugin.jupyterlab-settings":     `{"autosave": false}`,
	"@jupyterlab/apputils-extension/notification.jupyterlab-settings": `{"fetchNews": "false", "checkForUpdates": false}`,
}

// NewToken returns 24 random bytes in hex.
func NewToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts JupyterLab for the checkout at root and waits up to timeout
// until it answers an authenticated request. On error nothing is left
// running. Call Stop when done (also on failure: Stop is idempotent).
func Start(root string, timeout time.Duration) (*Server, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	jupyter := filepath.Join(root, ".venv", "bin", "jupyter")
	if _, err := os.Stat(jupyter); err != nil {
		return nil, fmt.Errorf("%s not found: run `make setup` first", jupyter)
	}
	s := &Server{Root: root, exited: make(chan struct{})}
	if s.Token, err = NewToken(); err != nil {
		return nil, err
	}
	suffix, err := NewToken()
	if err != nil {
		return nil, err
	}
	s.Marker = fmt.Sprintf("%d-%s", os.Getpid(), suffix[:12])
	if s.Dir, err = TempDir(""); err != nil {
		return nil, err
	}
	fail := func(err error) (*Server, error) { os.RemoveAll(s.Dir); return nil, err }
	for name, body := range Settings {
		p := filepath.Join(s.Dir, "settings", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return fail(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			return fail(err)
		}
	}
	for _, d := range []string{"runtime", "config", "workspaces"} {
		if err := os.MkdirAll(filepath.Join(s.Dir, d), 0o700); err != nil {
			return fail(err)
		}
	}
	if s.Port, err = FreePort(); err != nil {
		return fail(err)
	}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", s.Port)
	args := []string{"lab", "--no-browser", "--ip=127.0.0.1", "--port=" + strconv.Itoa(s.Port), "--port-retries=0",
		"--ServerApp.root_dir=" + root,
		"--MappingKernelManager.default_kernel_name=gonb",
		"--LabApp.expose_app_in_browser=True", // window.jupyterapp: the test runs JupyterLab's own commands
		"--LabApp.user_settings_dir=" + filepath.Join(s.Dir, "settings"),
		"--LabApp.workspaces_dir=" + filepath.Join(s.Dir, "workspaces"),
		"--NotebookNotary.db_file=:memory:", // nothing is trusted from an earlier session, nothing is recorded
	}
	if os.Getuid() == 0 {
		args = append(args, "--allow-root")
	}
	s.cmd = exec.Command(jupyter, args...)
	s.cmd.Dir = root
	s.cmd.Env = append(os.Environ(),
		"JUPYTER_TOKEN="+s.Token, // not on the command line, where ps would show it
		"JUPYTER_RUNTIME_DIR="+filepath.Join(s.Dir, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(s.Dir, "config"),
		"JUPYTER_DATA_DIR="+filepath.Join(root, ".venv", "share", "jupyter"),
		"JUPYTER_PLATFORM_DIRS=1",
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
		"PATH="+filepath.Join(root, ".tools", "bin")+string(os.PathListSeparator)+
			filepath.Join(root, ".venv", "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		MarkerEnv+"="+s.Marker,
	)
	// Its own process group, killed by the kernel if this process dies.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	s.Log = filepath.Join(s.Dir, "lab.log")
	if s.logf, err = os.Create(s.Log); err != nil {
		return fail(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = s.logf, s.logf
	if err := s.cmd.Start(); err != nil {
		s.logf.Close()
		os.RemoveAll(s.Dir)
		return nil, err
	}
	go func() { s.err = s.cmd.Wait(); close(s.exited) }()
	if err := s.waitReady(timeout); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequest("GET", s.URL+"/api/status", nil)
		req.Header.Set("Authorization", "token "+s.Token)
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /api/status: %s", resp.Status)
		}
		select {
		case <-s.exited:
			return fmt.Errorf("jupyter lab exited (%v) before answering:\n%s", s.err, s.LogTail(40))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("jupyter lab did not answer within %v (%v):\n%s", timeout, err, s.LogTail(40))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Get requests path (with its query) from the server, following no
// redirect, with the given Authorization header value (none when empty).
func (s *Server) Get(path, authorization string) (*http.Response, error) {
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		return nil, err
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return client.Do(req)
}

// LogTail returns the last n lines of JupyterLab's log, with the token
// blanked out.
func (s *Server) LogTail(n int) string {
	b, _ := os.ReadFile(s.Log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := strings.Join(lines, "\n")
	if s.Token != "" {
		out = strings.ReplaceAll(out, s.Token, "<token>")
	}
	return out
}

// Stop shuts JupyterLab down and makes sure no process it started is left:
// first through its REST API (which shuts the kernels down), then SIGTERM
// and SIGKILL to its process group, then SIGKILL to every process still
// carrying the marker (kernels live in sessions of their own). It returns
// the processes that had to be killed after the orderly shutdown, and an
// error if any process is still alive at the end. Its temporary folder is
// removed. Stop may be called more than once.
func (s *Server) Stop() (killed []Proc, err error) {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil, nil
	}
	select {
	case <-s.exited:
	default:
		if req, e := http.NewRequest("POST", s.URL+"/api/shutdown", nil); e == nil {
			req.Header.Set("Authorization", "token "+s.Token)
			if resp, e := (&http.Client{Timeout: 5 * time.Second}).Do(req); e == nil {
				resp.Body.Close()
			}
		}
		if !wait(s.exited, 15*time.Second) {
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
			if !wait(s.exited, 5*time.Second) {
				syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
				<-s.exited
			}
		}
	}
	// The group may hold children that outlived the server.
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	// Kernels get a moment to finish their own shutdown.
	deadline := time.Now().Add(5 * time.Second)
	for len(Marked(s.Marker)) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	killed = KillMarked(s.Marker, 5*time.Second)
	if left := Marked(s.Marker); len(left) > 0 {
		err = fmt.Errorf("processes still alive after shutdown: %v", left)
	}
	if s.logf != nil {
		s.logf.Close()
		s.logf = nil
	}
	if s.Dir != "" && err == nil {
		os.RemoveAll(s.Dir)
	}
	return killed, err
}

func wait(ch <-chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// Proc is a running process.
type Proc struct {
	PID  int
	Cmd  string // first argument and the base name of the executable
	Mark string // its MarkerEnv value
}

func (p Proc) String() string { return fmt.Sprintf("%d %s", p.PID, p.Cmd) }

// procs lists the live (non-zombie) processes whose environment holds
// MarkerEnv with a value for which keep returns true.
func procs(keep func(mark string) bool) []Proc {
	entries, _ := os.ReadDir("/proc")
	var out []Proc
	key := []byte(MarkerEnv + "=")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		var mark string
		found := false
		for _, kv := range bytes.Split(env, []byte{0}) {
			if v, ok := bytes.CutPrefix(kv, key); ok {
				mark, found = string(v), true
				break
			}
		}
		if !found || !keep(mark) || zombie(pid) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		cmd := filepath.Base(args[0])
		if len(args) > 1 {
			cmd += " " + filepath.Base(args[1])
		}
		out = append(out, Proc{PID: pid, Cmd: cmd, Mark: mark})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // gone
	}
	// pid (comm) S ...: the state follows the last ')'.
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || i+2 >= len(b) || b[i+2] == 'Z' || b[i+2] == 'X'
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
			syscall.Kill(p.PID, syscall.SIGKILL)
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
		if syscall.Kill(p.PID, syscall.SIGKILL) == nil {
			out = append(out, p)
		}
	}
	return out
}

// TempDir makes a temporary folder named after this process,
// descent-lab-[kind-]<pid>-<random>, so that RemoveOrphanDirs can tell
// whether its owner still runs.
func TempDir(kind string) (string, error) {
	if kind != "" {
		kind += "-"
	}
	return os.MkdirTemp("", fmt.Sprintf("descent-lab-%s%d-", kind, os.Getpid()))
}

var tempName = regexp.MustCompile(`^descent-lab-(?:[a-z]+-)?(\d+)-`)

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

// WithDeadline is context.WithDeadline for tests: the test's own deadline
// (go test -timeout) minus margin, so that cleanups still run when time is
// short, or now+fallback without one.
func WithDeadline(parent context.Context, deadline time.Time, ok bool, margin, fallback time.Duration) (context.Context, context.CancelFunc) {
	if ok {
		return context.WithDeadline(parent, deadline.Add(-margin))
	}
	return context.WithTimeout(parent, fallback)
}
