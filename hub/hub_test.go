package hub

// TestClassOnOneHub serves the course to a class with a real JupyterHub on
// 127.0.0.1, no Docker: JupyterHub from .venv, configurable-http-proxy from
// npm (hub/package-lock.json), the shared-password authenticator and
// SimpleLocalProcessSpawner (one home directory per student under a
// temporary root; see testdata/local_config.py). Every student logs in,
// spawns a single-user server with the gonb kernel and runs a course
// notebook through the REST and kernel WebSocket APIs, all at once.
//
// Knobs (environment):
//   DESCENT_HUB_STUDENTS  how many students (default 5; the test needs >= 5
//                         unless this is set, e.g. 2 while developing)
//   DESCENT_HUB_NOTEBOOK  the notebook each runs (default notebooks/00-getting-started.ipynb)
//   DESCENT_HUB_REPORT    write the measurements as JSON to this file
// It skips only when its prerequisites are missing and CI is unset; under CI
// a missing prerequisite fails it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
	"github.com/descentlab/descent/lib/viz/nb"
)

const claimPrefix = nb.ClaimPrefix

type student struct {
	name    string
	client  *http.Client // cookies of this student's browser session
	token   string       // API token the student created after logging in
	base    string       // http://127.0.0.1:port/user/<name>/
	home    string
	claims  int
	cells   int
	wall    time.Duration // notebook execution, wall clock
	spawn   time.Duration // spawn request to server ready
	cpuExec float64       // CPU seconds of server+kernel+go children during the run
	cpuAll  float64       // CPU seconds since the server started
	rssIdle int64         // RSS of server+kernel after the run, kernel idle
}

func TestClassOnOneHub(t *testing.T) {
	testenv.Slow(t)
	repo := testenv.Root(t)
	var err error
	n := 5
	if v := os.Getenv("DESCENT_HUB_STUDENTS"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("DESCENT_HUB_STUDENTS=%q: want a positive number", v)
		}
	}
	nbPath := filepath.Join(repo, "notebooks", "00-getting-started.ipynb")
	if v := os.Getenv("DESCENT_HUB_NOTEBOOK"); v != "" {
		nbPath = v
		if !filepath.IsAbs(v) {
			nbPath = filepath.Join(repo, v) // relative to the checkout
		}
	}
	requirePrereqs(t, repo, nbPath)
	testenv.Sweep(t.Logf)
	npmCI(t, repo)

	root := t.TempDir()
	var users []string
	for i := 1; i <= n; i++ {
		users = append(users, fmt.Sprintf("student%d", i))
	}
	h := startHub(t, repo, root, "local_config.py", users)
	hubURL, marker, password, adminToken := h.url, h.marker, h.password, h.adminToken
	samp := startSampler(marker, 200*time.Millisecond)
	t.Cleanup(samp.Stop)
	t.Logf("jupyterhub on %s, %d students", hubURL, n)

	st := make([]*student, n)
	for i, u := range users {
		st[i] = &student{name: u, home: filepath.Join(root, "home", u), base: hubURL + "/user/" + u + "/"}
	}
	nbJSON, err := os.ReadFile(nbPath)
	if err != nil {
		t.Fatal(err)
	}

	// 1. Everyone logs in at once (form login with the shared password) and
	//    creates an API token from the browser session.
	phase(t, "log in", st, func(s *student) error { return login(hubURL, s, password) })
	wrong := &student{name: users[0]}
	if err := login(hubURL, wrong, password+"x"); err == nil {
		t.Errorf("log in with a wrong password succeeded")
	}

	// 2. Everyone spawns a single-user server.
	phase(t, "spawn", st, func(s *student) error { return spawn(hubURL, s) })
	var list []struct {
		Name    string `json:"name"`
		Servers map[string]struct {
			Ready bool `json:"ready"`
		} `json:"servers"`
	}
	if code, err := call(http.DefaultClient, "GET", hubURL+"/hub/api/users?state=ready", adminToken, nil, &list); err != nil || code != 200 {
		t.Fatalf("list users: %d %v", code, err)
	}
	if len(list) != n {
		t.Fatalf("hub lists %d users with a ready server, want all %d at once: %+v", len(list), n, list)
	}

	// 3. Everyone runs the notebook, at the same time.
	var cells []string
	var nb map[string]any
	if err := json.Unmarshal(nbJSON, &nb); err != nil {
		t.Fatal(err)
	}
	for _, c := range nb["cells"].([]any) {
		if c.(map[string]any)["cell_type"] == "code" {
			cells = append(cells, joinSource(c.(map[string]any)["source"]))
		}
	}
	nbName := filepath.Base(nbPath)
	phase(t, "run "+nbName, st, func(s *student) error { return runNotebook(s, marker, nbName, nbJSON) })

	// 4. What each student got, and where their files are.
	for _, s := range st {
		if s.claims == 0 {
			t.Errorf("%s: no %q line in the outputs", s.name, claimPrefix)
		}
		if s.claims != st[0].claims {
			t.Errorf("%s: %d claims printed, %s: %d", s.name, s.claims, st[0].name, st[0].claims)
		}
		checkHome(t, root, s, users, nbName)
	}

	// 5. One student's token does not open another student's server.
	for i, s := range st {
		other := st[(i+1)%n]
		if other == s {
			break
		}
		for _, path := range []string{"api/contents", "api/kernels", "api/contents/" + nbName} {
			code, err := call(http.DefaultClient, "GET", other.base+path, s.token, nil, nil)
			if err != nil || code != http.StatusForbidden {
				t.Errorf("%s's token on %s%s: status %d (%v), want 403", s.name, other.base, path, code, err)
			}
		}
		code, err := call(s.client, "GET", s.base+"api/contents", "", nil, nil)
		if err != nil || code == http.StatusOK {
			t.Errorf("%s's server without a token: status %d (%v), want a refusal", s.name, code, err)
		}
	}

	// 6. Memory with every kernel idle, then the numbers.
	for _, s := range st {
		for _, p := range markedProcs(marker, nil) {
			if p.user == s.name {
				if ps, ok := readStat(p.pid); ok {
					s.rssIdle += ps.rssBytes
				}
			}
		}
	}
	samp.Stop()
	report(t, st, samp, len(cells))
	checkDocumentedResources(t, repo, st, samp)

	// 7. Every student stops its server ("Stop My Server"); nothing of
	//    theirs (server, kernel, go processes) may be left running.
	phase(t, "stop servers", st, func(s *student) error { return stopServer(hubURL, marker, s) })
}

// hubRun is a JupyterHub that startHub started.
type hubRun struct {
	url        string // http://127.0.0.1:port, the proxy's public address
	marker     string // the value every process of the hub carries (testenv.MarkerEnv)
	password   string // the shared password
	adminToken string // a read-only service token (list users)
}

// startHub starts JupyterHub from .venv with hub/testdata/<config> on free
// ports of 127.0.0.1, for users, with its database and cookie secret in
// root; extra adds variables (KEY=value) to its environment. It returns
// when the hub answers through the proxy. At cleanup the hub is stopped
// (which stops every single-user server and the proxy), whatever still
// carries the marker is killed, and the hub's log is shown if the test
// failed.
func startHub(t *testing.T, repo, root, config string, users []string, extra ...string) *hubRun {
	t.Helper()
	marker, err := testenv.NewMarker()
	if err != nil {
		t.Fatal(err)
	}
	ports, err := testenv.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	h := &hubRun{url: fmt.Sprintf("http://127.0.0.1:%d", ports[0]), marker: marker, password: newID(), adminToken: newID()}
	goEnv := func(k string) string {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		return strings.TrimSpace(string(out))
	}

	// The hub, in its own process group, with every Jupyter variable of the
	// caller removed: the gonb kernel must be found through .venv's prefix,
	// as in the course image.
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "JUPYTER") || strings.HasPrefix(k, "HUBTEST_") || k == testenv.MarkerEnv || k == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"PATH="+filepath.Join(repo, ".tools", "bin")+":"+filepath.Join(repo, ".venv", "bin")+":"+os.Getenv("PATH"),
		"HUBTEST_REPO="+repo, "HUBTEST_ROOT="+root, testenv.MarkerEnv+"="+marker,
		"HUBTEST_PORT="+strconv.Itoa(ports[0]), "HUBTEST_HUB_PORT="+strconv.Itoa(ports[1]),
		"HUBTEST_API_PORT="+strconv.Itoa(ports[2]),
		"HUBTEST_PASSWORD="+h.password, "HUBTEST_USERS="+strings.Join(users, ","),
		"HUBTEST_ADMIN_TOKEN="+h.adminToken,
		"HUBTEST_GOCACHE="+goEnv("GOCACHE"), "HUBTEST_GOMODCACHE="+goEnv("GOMODCACHE"), "HUBTEST_GOPATH="+goEnv("GOPATH"),
	)
	env = append(env, extra...)
	logPath := filepath.Join(root, "hub.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	hub := exec.Command(filepath.Join(repo, ".venv", "bin", "jupyterhub"), "-f", filepath.Join(repo, "hub", "testdata", config))
	hub.Dir, hub.Env, hub.Stdout, hub.Stderr = root, env, logf, logf
	hub.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := hub.Start(); err != nil {
		t.Fatalf("start jupyterhub: %v", err)
	}
	hubDone := make(chan struct{})
	go func() { _ = hub.Wait(); close(hubDone) }()
	t.Cleanup(func() {
		stopAll(t, hub, hubDone, marker)
		logf.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("hub log (last 120 lines):\n%s", lastLines(string(b), 120))
			}
		}
	})
	waitHub(t, h.url, hubDone)
	return h
}

func stopServer(hubURL, marker string, s *student) error {
	code, err := call(http.DefaultClient, "DELETE", hubURL+"/hub/api/users/"+s.name+"/server", s.token, nil, nil)
	if err != nil || (code != 204 && code != 202) {
		return fmt.Errorf("stop server: %d %v", code, err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var left []string
		for _, p := range markedProcs(marker, nil) {
			if st, ok := readStat(p.pid); ok && !st.isZombieish && p.user == s.name {
				left = append(left, fmt.Sprintf("%d:%s", p.pid, st.comm))
			}
		}
		var u struct {
			Servers map[string]any `json:"servers"`
		}
		code, err := call(http.DefaultClient, "GET", hubURL+"/hub/api/users/"+s.name, s.token, nil, &u)
		if err != nil || code != 200 {
			return fmt.Errorf("user model: %d %v", code, err)
		}
		if len(u.Servers) == 0 && len(left) == 0 {
			return nil
		}
		if time.Now().Add(500 * time.Millisecond).After(deadline) {
			return fmt.Errorf("60 s after stopping: hub lists servers %v; still running: %v", keys(u.Servers), left)
		}
		time.Sleep(500 * time.Millisecond)
	}
	return nil
}

// requirePrereqs skips (CI unset) or fails (CI set) when something the test
// needs is missing.
func requirePrereqs(t *testing.T, repo, nbPath string) {
	t.Helper()
	var missing []string
	for _, f := range []string{
		".venv/bin/jupyterhub", ".venv/bin/jupyterhub-singleuser",
		".venv/share/jupyter/kernels/gonb/kernel.json", ".tools/bin/gonb",
	} {
		if _, err := os.Stat(filepath.Join(repo, f)); err != nil {
			missing = append(missing, f+" (make setup; jupyterhub in requirements.txt)")
		}
	}
	for _, c := range []string{"npm", "node", "go"} {
		if _, err := exec.LookPath(c); err != nil {
			missing = append(missing, c+" on PATH")
		}
	}
	if _, err := os.Stat(nbPath); err != nil {
		missing = append(missing, nbPath)
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		missing = append(missing, "/proc (Linux)")
	}
	testenv.Missing(t, missing...)
}

// npmCI installs configurable-http-proxy into hub/node_modules from the
// lockfile, and checks that the lockfile names no source but the registry.
func npmCI(t *testing.T, repo string) {
	t.Helper()
	dir := filepath.Join(repo, "hub")
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		Packages map[string]struct {
			Resolved  string `json:"resolved"`
			Integrity string `json:"integrity"`
			Link      bool   `json:"link"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatalf("package-lock.json: %v", err)
	}
	for p, v := range l.Packages {
		if p == "" {
			continue
		}
		if v.Link || (v.Resolved != "" && !strings.HasPrefix(v.Resolved, "https://registry.npmjs.org/")) || v.Integrity == "" {
			t.Fatalf("package-lock.json: %s is not a registry package with an integrity hash (resolved %q)", p, v.Resolved)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil && sameInstall(b, lock) {
		return // node_modules already holds exactly the lockfile's packages
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}

// sameInstall compares node_modules/.package-lock.json with the lockfile's
// package versions and hashes.
func sameInstall(installed, lock []byte) bool {
	type pk struct {
		Version, Integrity string
	}
	read := func(b []byte) map[string]pk {
		var l struct {
			Packages map[string]pk `json:"packages"`
		}
		if json.Unmarshal(b, &l) != nil {
			return nil
		}
		delete(l.Packages, "")
		return l.Packages
	}
	a, b := read(installed), read(lock)
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func waitHub(t *testing.T, hubURL string, done <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			t.Fatal("jupyterhub exited during start-up")
		default:
		}
		if code, err := call(http.DefaultClient, "GET", hubURL+"/hub/api/", "", nil, nil); err == nil && code == 200 {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatal("jupyterhub did not answer through the proxy within 90 s")
}

// stopAll stops the hub (which stops every single-user server and the
// proxy), then kills whatever still carries the marker and checks that
// nothing is left.
func stopAll(t *testing.T, hub *exec.Cmd, hubDone <-chan struct{}, marker string) {
	if hub.Process != nil {
		_ = syscall.Kill(-hub.Process.Pid, syscall.SIGTERM)
		select {
		case <-hubDone:
		case <-time.After(30 * time.Second):
			t.Errorf("jupyterhub did not stop within 30 s of SIGTERM")
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(liveMarked(marker)) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if left := liveMarked(marker); len(left) > 0 {
		if !t.Failed() {
			t.Errorf("left running 10 s after the hub stopped: %v", left)
		}
		killMarked(marker, syscall.SIGKILL)
		_ = syscall.Kill(-hub.Process.Pid, syscall.SIGKILL)
		time.Sleep(time.Second)
	}
	if left := liveMarked(marker); len(left) > 0 {
		t.Errorf("still running after SIGKILL: %v", left)
	}
}

// phase runs f for every student at once and fails the test with every
// error when any failed.
func phase(t *testing.T, name string, st []*student, f func(*student) error) {
	t.Helper()
	t0 := time.Now()
	errs := make([]error, len(st))
	var wg sync.WaitGroup
	for i, s := range st {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(s); err != nil {
				errs[i] = fmt.Errorf("%s: %w", s.name, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Logf("%-28s %d students, %5.1f s", name, len(st), time.Since(t0).Seconds())
}

// call sends a request (token auth when token is set, JSON body when body
// is not nil) and decodes a JSON answer into out when out is not nil.
func call(cl *http.Client, method, u, token string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl == http.DefaultClient {
		cl = &http.Client{Timeout: 60 * time.Second, CheckRedirect: noRedirect}
	}
	resp, err := cl.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w", method, u, err)
		}
	}
	if resp.StatusCode >= 500 {
		return resp.StatusCode, fmt.Errorf("%s %s: %s: %s", method, u, resp.Status, lastLines(string(b), 5))
	}
	return resp.StatusCode, nil
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// login does what a browser does on /hub/login and then creates an API
// token from that session (cookie + XSRF header).
func login(hubURL string, s *student, password string) error {
	jar, _ := cookiejar.New(nil)
	s.client = &http.Client{Jar: jar, Timeout: 60 * time.Second, CheckRedirect: noRedirect}
	if code, err := call(s.client, "GET", hubURL+"/hub/login", "", nil, nil); err != nil || code != 200 {
		return fmt.Errorf("GET /hub/login: %d %v", code, err)
	}
	hu, _ := url.Parse(hubURL + "/hub/")
	cookie := func(name string) string {
		for _, c := range jar.Cookies(hu) {
			if c.Name == name {
				return c.Value
			}
		}
		return ""
	}
	xsrf := cookie("_xsrf")
	if xsrf == "" {
		return errors.New("no _xsrf cookie from /hub/login")
	}
	form := url.Values{"username": {s.name}, "password": {password}, "_xsrf": {xsrf}}
	resp, err := s.client.PostForm(hubURL+"/hub/login?next=", form)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return fmt.Errorf("POST /hub/login: %s, want 302", resp.Status)
	}
	xsrf = cookie("_xsrf") // a new one, bound to the session
	req, _ := http.NewRequest("POST", hubURL+"/hub/api/users/"+s.name+"/tokens",
		strings.NewReader(`{"note": "hub_test", "expires_in": 3600}`))
	req.Header.Set("X-XSRFToken", xsrf)
	req.Header.Set("Content-Type", "application/json")
	resp, err = s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var tok struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("create token: %s %s", resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Token == "" {
		return fmt.Errorf("create token: no token (%v)", err)
	}
	s.token = tok.Token
	return nil
}

func spawn(hubURL string, s *student) error {
	t0 := time.Now()
	code, err := call(http.DefaultClient, "POST", hubURL+"/hub/api/users/"+s.name+"/server", s.token, map[string]any{}, nil)
	if err != nil || (code != 201 && code != 202) {
		return fmt.Errorf("spawn: %d %v", code, err)
	}
	for time.Since(t0) < 4*time.Minute {
		var u struct {
			Servers map[string]struct {
				Ready bool   `json:"ready"`
				URL   string `json:"url"`
			} `json:"servers"`
		}
		if code, err := call(http.DefaultClient, "GET", hubURL+"/hub/api/users/"+s.name, s.token, nil, &u); err != nil || code != 200 {
			return fmt.Errorf("user model: %d %v", code, err)
		}
		if sv, ok := u.Servers[""]; ok && sv.Ready {
			if sv.URL != "/user/"+s.name+"/" {
				return fmt.Errorf("server URL %q", sv.URL)
			}
			s.spawn = time.Since(t0)
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return errors.New("server not ready within 4 minutes")
}

// runNotebook copies the notebook into the student's directory through the
// contents API, starts a gonb session on it, runs every code cell plus one
// that records the kernel's working directory, and saves the executed
// notebook back.
func runNotebook(s *student, marker, nbName string, nbJSON []byte) error {
	var specs struct {
		Kernelspecs map[string]any `json:"kernelspecs"`
	}
	if code, err := call(http.DefaultClient, "GET", s.base+"api/kernelspecs", s.token, nil, &specs); err != nil || code != 200 {
		return fmt.Errorf("kernelspecs: %d %v", code, err)
	}
	if _, ok := specs.Kernelspecs["gonb"]; !ok {
		return fmt.Errorf("no gonb kernel spec on the server (has %v)", keys(specs.Kernelspecs))
	}
	var nb map[string]any
	if err := json.Unmarshal(nbJSON, &nb); err != nil {
		return err
	}
	if code, err := call(http.DefaultClient, "PUT", s.base+"api/contents/"+nbName, s.token,
		map[string]any{"type": "notebook", "format": "json", "content": nb}, nil); err != nil || code != 201 {
		return fmt.Errorf("copy %s in: %d %v", nbName, code, err)
	}
	if _, err := os.Stat(filepath.Join(s.home, nbName)); err != nil {
		return fmt.Errorf("copied notebook not in the student's directory: %v", err)
	}

	cpu0 := userCPU(marker, s.name)
	t0 := time.Now()
	k, count, err := openAndRun(s, nbName, nb)
	if err != nil {
		return err
	}
	defer k.Close()
	s.cells = count
	probe := "%%\nwd, _ := os.Getwd()\nfmt.Println(\"cwd=\" + wd)\n" +
		"if err := os.WriteFile(\"hubcheck.txt\", []byte(os.Getenv(\"JUPYTERHUB_USER\")), 0o644); err != nil {\n\tpanic(err)\n}\n"
	run, err := k.execute(probe, 5*time.Minute)
	if err != nil {
		return fmt.Errorf("probe cell: %w", err)
	}
	if f := run.failure(); f != "" {
		return fmt.Errorf("probe cell failed: %s", f)
	}
	s.wall = time.Since(t0)
	s.cpuExec = userCPU(marker, s.name) - cpu0
	s.cpuAll = userCPU(marker, s.name)
	if got := strings.TrimSpace(run.Stdout); got != "cwd="+s.home {
		return fmt.Errorf("kernel's working directory: %q, want cwd=%s", got, s.home)
	}
	if code, err := call(http.DefaultClient, "PUT", s.base+"api/contents/"+nbName, s.token,
		map[string]any{"type": "notebook", "format": "json", "content": nb}, nil); err != nil || code != 200 {
		return fmt.Errorf("save executed notebook: %d %v", code, err)
	}
	return nil
}

// checkHome asserts that the student's files are in the student's directory
// and in no other: the executed notebook (with outputs) and hubcheck.txt
// written by the kernel, holding the student's name.
func checkHome(t *testing.T, root string, s *student, users []string, nbName string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.home, "hubcheck.txt"))
	if err != nil || string(b) != s.name {
		t.Errorf("%s: hubcheck.txt in its home: %q, %v", s.name, b, err)
	}
	saved, err := os.ReadFile(filepath.Join(s.home, nbName))
	if err != nil || !bytes.Contains(saved, []byte(claimPrefix)) {
		t.Errorf("%s: executed %s with its claims not saved in its home (%v)", s.name, nbName, err)
	}
	// Every file under the home root belongs to the home it is in: the only
	// user name a file may carry is its owner's.
	_ = filepath.WalkDir(filepath.Join(root, "home"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) != "hubcheck.txt" {
			return nil
		}
		b, _ := os.ReadFile(p)
		if string(b) == s.name && filepath.Dir(p) != s.home {
			t.Errorf("%s's hubcheck.txt found outside its home: %s", s.name, p)
		}
		return nil
	})
	var listing struct {
		Content []struct {
			Name string `json:"name"`
		} `json:"content"`
	}
	if code, err := call(http.DefaultClient, "GET", s.base+"api/contents", s.token, nil, &listing); err != nil || code != 200 {
		t.Errorf("%s: list its files: %d %v", s.name, code, err)
		return
	}
	var names []string
	for _, c := range listing.Content {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	want := []string{nbName, "hubcheck.txt"}
	sort.Strings(want)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("%s: its server shows %v, want %v", s.name, names, want)
	}
}

type measurement struct {
	Students            int                `json:"students"`
	Notebook            string             `json:"notebook"`
	CodeCells           int                `json:"code_cells"`
	PerStudent          []map[string]any   `json:"per_student"`
	PeakStudentMiB      float64            `json:"peak_student_mib"`
	PeakAllStudentsMiB  float64            `json:"peak_all_students_mib"`
	IdleStudentMiB      float64            `json:"idle_student_mib"`
	HubProxyPeakMiB     float64            `json:"hub_proxy_peak_mib"`
	CPUSecondsPerRun    float64            `json:"cpu_seconds_per_run"`
	WallSecondsPerRun   float64            `json:"wall_seconds_per_run_concurrent"`
	LargestProcessesMiB map[string]float64 `json:"largest_processes_mib"`
	Samples             int                `json:"samples"`
}

func report(t *testing.T, st []*student, s *sampler, cells int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := measurement{Students: len(st), CodeCells: cells, Samples: s.samples,
		HubProxyPeakMiB: mib(s.peak["(hub+proxy)"]), PeakAllStudentsMiB: mib(s.peakAll),
		LargestProcessesMiB: map[string]float64{}}
	if v := os.Getenv("DESCENT_HUB_NOTEBOOK"); v != "" {
		m.Notebook = v
	} else {
		m.Notebook = "notebooks/00-getting-started.ipynb"
	}
	var cpu, wall float64
	t.Logf("%-10s %8s %8s %9s %9s %9s %7s", "student", "spawn s", "run s", "CPU s", "peak MiB", "idle MiB", "claims")
	for _, x := range st {
		p := mib(s.peak[x.name])
		t.Logf("%-10s %8.1f %8.1f %9.1f %9.0f %9.0f %7d", x.name, x.spawn.Seconds(), x.wall.Seconds(), x.cpuExec, p, mib(x.rssIdle), x.claims)
		m.PerStudent = append(m.PerStudent, map[string]any{"name": x.name, "spawn_s": x.spawn.Seconds(),
			"run_s": x.wall.Seconds(), "cpu_run_s": x.cpuExec, "cpu_total_s": x.cpuAll,
			"peak_mib": p, "idle_mib": mib(x.rssIdle), "claims": x.claims})
		m.PeakStudentMiB = max(m.PeakStudentMiB, p)
		m.IdleStudentMiB = max(m.IdleStudentMiB, mib(x.rssIdle))
		cpu += x.cpuExec
		wall += x.wall.Seconds()
	}
	m.CPUSecondsPerRun = cpu / float64(len(st))
	m.WallSecondsPerRun = wall / float64(len(st))
	for c, v := range s.peakProc {
		if v > 20<<20 {
			m.LargestProcessesMiB[c] = mib(v)
		}
	}
	t.Logf("peak RSS of one student (server+kernel+go children): %.0f MiB; of all %d students at one instant: %.0f MiB; hub+proxy: %.0f MiB",
		m.PeakStudentMiB, len(st), m.PeakAllStudentsMiB, m.HubProxyPeakMiB)
	t.Logf("CPU per notebook run: %.1f s (%d code cells); wall per run with %d at once: %.1f s; largest processes (MiB): %v; %d samples",
		m.CPUSecondsPerRun, cells, len(st), m.WallSecondsPerRun, m.LargestProcessesMiB, s.samples)
	if p := os.Getenv("DESCENT_HUB_REPORT"); p != "" {
		b, _ := json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
			t.Errorf("write %s: %v", p, err)
		}
	}
}

// checkDocumentedResources fails when hub/z2jh-config.yaml promises a
// student less memory than this run measured.
func checkDocumentedResources(t *testing.T, repo string, st []*student, s *sampler) {
	b, err := os.ReadFile(filepath.Join(repo, "hub", "z2jh-config.yaml"))
	if err != nil {
		t.Errorf("hub/z2jh-config.yaml: %v", err)
		return
	}
	re := regexp.MustCompile(`(?m)^\s+(limit|guarantee):\s*"?(\d+(?:\.\d+)?)([MG])"?\s*$`)
	got := map[string]float64{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		if m[3] == "G" {
			v *= 1000 // Kubernetes "G" is 10^9 bytes
		}
		got[m[1]] = v * 1e6 / (1 << 20) // MiB
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var peak float64
	for _, x := range st {
		peak = max(peak, mib(s.peak[x.name]))
	}
	if got["limit"] == 0 {
		t.Errorf("hub/z2jh-config.yaml: no singleuser.memory.limit found")
	} else if peak > got["limit"] {
		t.Errorf("a student peaked at %.0f MiB, above the documented memory limit (%.0f MiB) in hub/z2jh-config.yaml", peak, got["limit"])
	}
}

func joinSource(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []any:
		var b strings.Builder
		for _, x := range s {
			b.WriteString(fmt.Sprint(x))
		}
		return b.String()
	}
	return ""
}

func keys(m map[string]any) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
