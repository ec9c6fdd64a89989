package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

// dockerSpawnerPins are the Python packages the instructor installs beside
// JupyterHub for hub/jupyterhub_config.py (docker and escapism are what
// dockerspawner 14 needs; the rest of its closure is in requirements.txt).
var dockerSpawnerPins = []string{"dockerspawner==14.0.0", "docker==7.2.0", "escapism==1.1.0"}

// TestClassOnPodman is the instructor's hub/jupyterhub_config.py run for
// real: JupyterHub with DockerSpawner against podman's Docker-compatible API
// (`podman system service`), three students logging in at once, each getting
// a container of the course image built by `make image-test`, and each
// running notebook 00 through the kernel WebSocket. Gated with the image
// test (`make image-test`): it needs that image in .cache/image-test.
//
// As on an instructor's server, the containers are on a bridge network of
// their own (podman's, as `docker network create` makes one) with the hub's
// API on its gateway, the hub loop-mounts each student's work filesystem and
// puts its metadata rule in the host's firewall (the test removes it after).
// In one student's container the test measures what a student can fill (2
// GiB to /tmp and to ~/work) and reach (a fake cloud metadata service the
// test serves from a network namespace, first shown answering a container
// of the image on that network before the hub's rule). All of it stays on
// this machine.
func TestClassOnPodman(t *testing.T) {
	testenv.Slow(t) // needs the image `make image-test` builds, which runs it
	repo, _ := filepath.Abs("..")
	nbPath := filepath.Join(repo, "notebooks", "00-getting-started.ipynb")
	requirePrereqs(t, repo, nbPath)
	skip := func(msg string) {
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: this test must run)")
		}
		t.Skip(msg)
	}
	cache := filepath.Join(repo, ".cache", "image-test")
	const image = "localhost/descent-course:image-test"
	if os.Geteuid() != 0 {
		skip("rootful podman: run as root")
	}
	if _, err := exec.LookPath("podman"); err != nil {
		skip("podman is not installed")
	}
	podmanEnv := append(os.Environ(),
		"CONTAINERS_CONF="+filepath.Join(cache, "containers.conf"),
		"CONTAINERS_STORAGE_CONF="+filepath.Join(cache, "storage.conf"))
	podman := func(timeout time.Duration, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "podman", args...)
		cmd.Env = podmanEnv
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if _, err := os.Stat(filepath.Join(cache, "storage.conf")); err != nil {
		skip("no .cache/image-test: run `make image-test` (TestImage builds the image first)")
	}
	if _, err := podman(time.Minute, "image", "exists", image); err != nil {
		skip(image + " is not built: run `make image-test`")
	}
	npmCI(t, repo)
	pkgs := installDockerSpawner(t, repo, cache)

	root := t.TempDir()
	users := []string{"student1", "student2", "student3"}
	// The students' work filesystems (the hub mounts them) are unmounted
	// before root is removed, and those of a run that died at the start.
	workRoot := filepath.Join(root, "work")
	unmountWork(t, workRoot)
	if stale, _ := filepath.Glob(filepath.Join(os.TempDir(), "TestClassOnPodman*", "*", "work", "mnt", "*")); len(stale) > 0 {
		for _, d := range stale {
			sh("umount", d)
		}
	}
	// Containers of a run that died, then ours at the end.
	cleanup := func() {
		if out, _ := podman(time.Minute, "ps", "-aq", "--filter", "name=descent-it-hub-"); strings.TrimSpace(out) != "" {
			podman(2*time.Minute, append([]string{"rm", "-f", "-t", "2"}, strings.Fields(out)...)...)
		}
	}
	cleanup()
	t.Cleanup(cleanup)

	// The class's network and, a hop beyond the host, a fake cloud metadata
	// service: without the hub's rule a container of the image reaches it.
	network, subnet, anchor := classNetwork(t, podman, image)
	fakeMetadata(t, filepath.Join(repo, ".venv", "bin", "python"), subnet)
	withoutMetadataRule(t)
	t0 := time.Now()
	out, _ := podman(time.Minute, "exec", anchor, "python3", "-c", probePy, metadataURL, controlURL)
	t.Logf("before the hub's rule, a container of the image on %s (%s): %s -> %s; %s -> %s (%.1fs)", network, subnet,
		metadataURL, probeStatus(out, metadataURL), controlURL, probeStatus(out, controlURL), time.Since(t0).Seconds())
	if probeStatus(out, metadataURL) != "200" || probeStatus(out, controlURL) != "200" {
		t.Fatalf("the fake metadata service does not answer a container without the block:\n%s", out)
	}

	// podman's Docker-compatible API on a socket of our own.
	sock := filepath.Join(root, "podman.sock")
	svc := exec.Command("podman", "system", "service", "--time=0", "unix://"+sock)
	svc.Env = podmanEnv
	svcLog, _ := os.Create(filepath.Join(root, "podman-service.log"))
	svc.Stdout, svc.Stderr = svcLog, svcLog
	svc.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := svc.Start(); err != nil {
		t.Fatalf("podman system service: %v", err)
	}
	svcDone := make(chan struct{})
	go func() { svc.Wait(); close(svcDone) }()
	t.Cleanup(func() { stopGroup(svc, svcDone); svcLog.Close() })
	docker := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}}
	waitFor(t, time.Minute, "podman's API socket", func() bool {
		r, err := docker.Get("http://podman/_ping")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	})

	// The hub.
	ports, err := testenv.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	password, adminToken := newID(), newID()
	hubURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "JUPYTER") || strings.HasPrefix(k, "HUB") || strings.HasPrefix(k, "DOCKER_") || strings.HasPrefix(k, "DESCENT_") || k == "PATH" || k == "PYTHONPATH" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"PATH="+filepath.Join(repo, ".venv", "bin")+":"+os.Getenv("PATH"), "PYTHONPATH="+pkgs,
		"DOCKER_HOST=unix://"+sock, "DESCENT_IMAGE="+image, "DESCENT_CLASS_PASSWORD="+password,
		"DOCKER_NETWORK_NAME="+network, "HUB_BIND_URL="+hubURL,
		"DESCENT_WORK_ROOT="+workRoot, "DESCENT_WORK_SIZE=1G", "DESCENT_BLOCK_METADATA=1",
		"HUBTEST_REPO="+repo, "HUBTEST_ROOT="+root, "HUBTEST_USERS="+strings.Join(users, ","),
		"HUBTEST_HUB_PORT="+strconv.Itoa(ports[1]), "HUBTEST_API_PORT="+strconv.Itoa(ports[2]),
		"HUBTEST_ADMIN_TOKEN="+adminToken)
	logPath := filepath.Join(root, "hub.log")
	logf, _ := os.Create(logPath)
	hub := exec.Command(filepath.Join(repo, ".venv", "bin", "jupyterhub"), "-f", filepath.Join(repo, "hub", "testdata", "podman_config.py"))
	hub.Dir, hub.Env, hub.Stdout, hub.Stderr = root, env, logf, logf
	hub.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := hub.Start(); err != nil {
		t.Fatalf("start jupyterhub: %v", err)
	}
	hubDone := make(chan struct{})
	go func() { hub.Wait(); close(hubDone) }()
	t.Cleanup(func() {
		stopGroup(hub, hubDone)
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("hub log (last 80 lines):\n%s", lastLines(string(b), 80))
		}
	})
	waitHub(t, hubURL, hubDone)
	t.Logf("jupyterhub on %s, DockerSpawner -> podman %s, image %s", hubURL, sock, image)

	st := make([]*student, len(users))
	for i, u := range users {
		st[i] = &student{name: u, base: hubURL + "/user/" + u + "/"}
	}
	nbJSON, err := os.ReadFile(nbPath)
	if err != nil {
		t.Fatal(err)
	}
	phase(t, "log in", st, func(s *student) error { return login(hubURL, s, password) })
	phase(t, "spawn a container each", st, func(s *student) error { return spawn(hubURL, s) })
	for _, s := range st {
		t.Logf("%s: container ready %.1fs after the spawn request", s.name, s.spawn.Seconds())
		checkStudentContainer(t, podman, "descent-it-hub-"+s.name)
	}
	checkConfinement(t, podman, "descent-it-hub-"+st[0].name)
	phase(t, "run "+filepath.Base(nbPath), st, func(s *student) error { return runInContainer(s, filepath.Base(nbPath), nbJSON) })
	for _, s := range st {
		t.Logf("%s: %d cells, %d claims, %.1fs", s.name, s.cells, s.claims, s.wall.Seconds())
		if s.claims == 0 {
			t.Errorf("%s: no %q line in the outputs", s.name, claimPrefix)
		}
		other := st[(indexOf(st, s)+1)%len(st)]
		if code, err := call(http.DefaultClient, "GET", other.base+"api/contents", s.token, nil, nil); err != nil || code != http.StatusForbidden {
			t.Errorf("%s's token on %s's server: %d (%v), want 403", s.name, other.name, code, err)
		}
	}
	phase(t, "stop servers", st, func(s *student) error {
		code, err := call(http.DefaultClient, "DELETE", hubURL+"/hub/api/users/"+s.name+"/server", s.token, nil, nil)
		if err != nil || (code != 202 && code != 204) {
			return fmt.Errorf("stop: %d %v", code, err)
		}
		return nil
	})
	waitFor(t, 2*time.Minute, "the students' containers to be removed", func() bool {
		out, _ := podman(time.Minute, "ps", "-aq", "--filter", "name=descent-it-hub-")
		return strings.TrimSpace(out) == ""
	})
	for _, s := range st {
		b, err := os.ReadFile(filepath.Join(workRoot, "mnt", s.name, "work", filepath.Base(nbPath)))
		if err != nil || !strings.Contains(string(b), claimPrefix) {
			t.Errorf("%s: the executed notebook is not on the student's work filesystem after the container is gone (%v)", s.name, err)
		}
	}
}

// installDockerSpawner puts dockerspawner and what it needs besides
// requirements.txt into a folder of the cache (once) and returns it, for
// PYTHONPATH.
func installDockerSpawner(t *testing.T, repo, cache string) string {
	t.Helper()
	dir := filepath.Join(cache, "dockerspawner")
	stamp := filepath.Join(dir, ".pins")
	want := strings.Join(dockerSpawnerPins, " ")
	if b, err := os.ReadFile(stamp); err == nil && string(b) == want {
		return dir
	}
	os.RemoveAll(dir)
	args := append([]string{"-m", "pip", "install", "--quiet", "--no-deps", "--target", dir}, dockerSpawnerPins...)
	if out, err := exec.Command(filepath.Join(repo, ".venv", "bin", "python"), args...).CombinedOutput(); err != nil {
		t.Fatalf("pip install %s: %v\n%s", want, err, out)
	}
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkStudentContainer: the container DockerSpawner made runs the course
// image as jovyan with the limits of hub/jupyterhub_config.py.
func checkStudentContainer(t *testing.T, podman func(time.Duration, ...string) (string, error), name string) {
	t.Helper()
	out, err := podman(time.Minute, "inspect", "--format", "{{json .HostConfig}}", name)
	if err != nil {
		t.Errorf("inspect %s: %v\n%s", name, err, out)
		return
	}
	var hc struct {
		PidsLimit   int64
		SecurityOpt []string
		Memory      int64
	}
	if err := json.Unmarshal([]byte(out), &hc); err != nil {
		t.Errorf("inspect %s: %v", name, err)
		return
	}
	// mem_limit "1G" is 1 GiB to docker-py.
	if hc.PidsLimit != 512 || hc.Memory != 1<<30 || !strings.Contains(strings.Join(hc.SecurityOpt, " "), "no-new-privileges") {
		t.Errorf("%s: pids limit %d, security options %v, memory %d: want 512, no-new-privileges, 1 GiB",
			name, hc.PidsLimit, hc.SecurityOpt, hc.Memory)
	}
	if out, err := podman(time.Minute, "exec", name, "grep", "-E", "^(CapEff|CapBnd|NoNewPrivs)", "/proc/self/status"); err != nil ||
		strings.Count(out, "0000000000000000") != 2 || !strings.Contains(out, "NoNewPrivs:\t1") {
		t.Errorf("%s: capabilities not all dropped or no-new-privileges off (%v):\n%s", name, err, out)
	}
	if out, err := podman(time.Minute, "exec", name, "id", "-un"); err != nil || strings.TrimSpace(out) != "jovyan" {
		t.Errorf("%s runs as %q (%v), want jovyan", name, strings.TrimSpace(out), err)
	}
}

// runInContainer runs every code cell of the notebook in a gonb kernel of
// the student's server, through the hub's proxy and the kernel WebSocket,
// and saves the executed notebook in the student's work folder.
func runInContainer(s *student, nbName string, nbJSON []byte) error {
	var nb map[string]any
	if err := json.Unmarshal(nbJSON, &nb); err != nil {
		return err
	}
	t0 := time.Now()
	k, count, err := openAndRun(s, nbName, nb)
	if err != nil {
		return err
	}
	defer k.Close()
	s.cells, s.wall = count, time.Since(t0)
	if code, err := call(http.DefaultClient, "PUT", s.base+"api/contents/"+nbName, s.token,
		map[string]any{"type": "notebook", "format": "json", "content": nb}, nil); err != nil || code != 200 {
		return fmt.Errorf("save executed notebook: %d %v", code, err)
	}
	return nil
}

func indexOf(st []*student, s *student) int {
	for i, x := range st {
		if x == s {
			return i
		}
	}
	return -1
}

// waitFor polls ok until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// stopGroup stops a process started in its own process group: SIGTERM, then
// SIGKILL after 20 s.
func stopGroup(cmd *exec.Cmd, done <-chan struct{}) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}
