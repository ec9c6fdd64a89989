// Package lab starts the checkout's JupyterLab for browser tests and makes
// sure nothing it started outlives the test.
//
// The browser test itself (lab_test.go) is slow — it runs JupyterLab, the
// GoNB kernel and headless Chromium — and runs only with DESCENT_SLOW=1
// (testenv.Slow):
//
//	DESCENT_SLOW=1 go test -count=1 -v -run TestLab ./tests/lab
//
// Every process a Server starts (JupyterLab, the kernels it launches in
// their own sessions, what the kernels start) carries testenv.MarkerEnv;
// testenv.Marked finds them through /proc, so a test can kill and check them
// even though the kernels are not in JupyterLab's process group.
package lab

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

// Server is a JupyterLab started from <Root>/.venv on a free loopback port,
// with a generated token and its runtime, config, settings and workspace
// folders in a temporary directory.
type Server struct {
	Root   string // the checkout; JupyterLab's root_dir
	Port   int
	URL    string // http://127.0.0.1:<port>
	Token  string
	Marker string // value of testenv.MarkerEnv in every process it starts
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
	if s.Token, err = testenv.NewToken(); err != nil {
		return nil, err
	}
	if s.Marker, err = testenv.NewMarker(); err != nil {
		return nil, err
	}
	if s.Dir, err = testenv.TempDir("lab"); err != nil {
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
	if s.Port, err = testenv.FreePort(); err != nil {
		return fail(err)
	}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", s.Port)
	args := []string{"lab", "--no-browser", "--ip=127.0.0.1", "--port=" + strconv.Itoa(s.Port), "--port-retries=0",
		"--ServerApp.root_dir=" + root,
		"--MappingKernelManager.default_kernel_name=gonb",
		"--LabApp.expose_app_in_browser=True", // window.jupyterapp: the test runs JupyterLab's own commands
		"--LabApp.user_settings_dir=" + filepath.Join(s.Dir, "settings"),
		"--LabApp.workspaces_dir=" + filepath.Join(s.Dir, "workspaces"),
		"--NotebookNotary.db_file=:memory:",    // nothing is trusted from an earlier session, nothing is recorded
		"--Highlight2HTML.default_language=go", // GoNB reports no pygments_lexer: exports would be highlighted as IPython
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
		testenv.MarkerEnv+"="+s.Marker,
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
func (s *Server) Stop() (killed []testenv.Proc, err error) {
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
	testenv.WaitUnmarked(s.Marker, 5*time.Second)
	killed = testenv.KillMarked(s.Marker, 5*time.Second)
	if left := testenv.Marked(s.Marker); len(left) > 0 {
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
