package docker

// TestImage builds the real Dockerfile with podman and runs the image: the
// only test that sees what a `docker build` and `docker run` give. Gated by
// DESCENT_SLOW=1 (`make image-test` runs it); it needs root, podman, buildah's
// runc and mmdebstrap (`.ci/run` installs them with apt-get).
//
// What is substituted, all through build arguments whose defaults are the
// pins a Docker user gets:
//   - BASE_IMAGE: a Debian bookworm made here with mmdebstrap and imported
//     with podman (no registry is reachable for python:3.11-slim-bookworm);
//   - GO_DOWNLOAD_URL and GO_SHA256_<ARCH>: an archive of the local Go
//     toolchain, mounted into the build (go.dev is not reachable);
//   - the host's CA bundle is passed as the build secret ca-certificates, for
//     build hosts behind a TLS-intercepting proxy (never in a layer).
//
// Everything podman keeps lives in .cache/image-test (gitignored): its own
// storage (the layer cache, so a second run rebuilds only what changed), the
// base tarball (remade after DESCENT_IMAGE_BASE_DAYS, default 7) and the Go
// archive. `rm -rf .cache/image-test` gives the disk back.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

// studentLimits are the limits hub/jupyterhub_config.py gives each student's
// container (mem_limit, cpu_limit, extra_host_config with its /tmp tmpfs):
// the notebooks and the server run under them here, so the limits are known
// to be enough.
var studentLimits = []string{"--memory", "1g", "--cpus", "1", "--pids-limit", "512",
	"--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--tmpfs", "/tmp:size=256m,mode=1777"}

// imageLabel marks every container the test starts, so that a run killed
// halfway is cleaned up by the next one.
const imageLabel = "descent.image-test"

// podman runs podman against the test's own storage and configuration.
type podman struct {
	cache string   // .cache/image-test
	env   []string // the environment podman runs with
}

func newPodman(t *testing.T, root string) *podman {
	t.Helper()
	need := func(what string, ok bool) {
		if ok {
			return
		}
		msg := what + " (Debian: apt-get install podman buildah mmdebstrap runc uidmap fuse-overlayfs; .ci/run does)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	need("the image test runs rootful podman: run it as root", os.Geteuid() == 0)
	for _, tool := range []string{"podman", "mmdebstrap", "runc"} {
		_, err := exec.LookPath(tool)
		need(tool+" is not installed", err == nil)
	}
	cache := filepath.Join(root, ".cache", "image-test")
	for _, d := range []string{"storage", "run", "tmp", "logs"} {
		if err := os.MkdirAll(filepath.Join(cache, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// runc, not crun: crun 1.8 stops with "cgroups in hybrid mode not
	// supported". Podman's default ulimits are higher than such machines let a
	// container raise them to; these are ample for Jupyter and Go.
	conf := fmt.Sprintf(`[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = %q
`, filepath.Join(cache, "tmp"))
	storage := fmt.Sprintf(`[storage]
driver = "overlay"
graphroot = %q
runroot = %q
`, filepath.Join(cache, "storage"), filepath.Join(cache, "run"))
	writeFile(t, filepath.Join(cache, "containers.conf"), conf)
	writeFile(t, filepath.Join(cache, "storage.conf"), storage)
	env := append(os.Environ(),
		"CONTAINERS_CONF="+filepath.Join(cache, "containers.conf"),
		"CONTAINERS_STORAGE_CONF="+filepath.Join(cache, "storage.conf"))
	p := &podman{cache: cache, env: env}
	out, err := p.run(time.Minute, "version", "--format", "{{.Client.Version}}")
	need("podman does not run: "+out, err == nil)
	t.Logf("podman %s, storage and layer cache in %s", strings.TrimSpace(out), cache)
	return p
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// run runs podman with args and returns its combined output.
func (p *podman) run(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "podman", args...)
	cmd.Env = p.env
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("podman %s: timed out after %s", args[0], timeout)
	}
	return string(out), err
}

// must runs podman with args and fails the test when it fails.
func (p *podman) must(t *testing.T, timeout time.Duration, args ...string) string {
	t.Helper()
	out, err := p.run(timeout, args...)
	if err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, lastLines(out, 40))
	}
	return out
}

// logged runs podman with args, its output going to a file in logs/ and its
// last lines into the test log, and returns how long it took.
func (p *podman) logged(t *testing.T, name string, timeout time.Duration, args ...string) time.Duration {
	t.Helper()
	path := filepath.Join(p.cache, "logs", name+".log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "podman", args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.WaitDelay = 10 * time.Second
	t0 := time.Now()
	err = cmd.Run()
	d := time.Since(t0)
	b, _ := os.ReadFile(path)
	if err != nil {
		t.Fatalf("podman %s failed after %.0fs: %v (full log: %s)\n%s", name, d.Seconds(), err, path, lastLines(string(b), 60))
	}
	t.Logf("%s: %.0fs (log: %s)\n%s", name, d.Seconds(), path, lastLines(string(b), 6))
	return d
}

// removeLeftovers removes the containers of an earlier run that died.
func (p *podman) removeLeftovers(t *testing.T) {
	out, _ := p.run(time.Minute, "ps", "-aq", "--filter", "label="+imageLabel)
	if ids := strings.Fields(out); len(ids) > 0 {
		t.Logf("removing %d container(s) left by an earlier run", len(ids))
		p.run(2*time.Minute, append([]string{"rm", "-f", "-t", "2"}, ids...)...)
	}
}

// start starts a detached container and removes it when the test ends,
// whatever the outcome.
func (p *podman) start(t *testing.T, name string, args ...string) string {
	t.Helper()
	t.Cleanup(func() { p.run(2*time.Minute, "rm", "-f", "-t", "3", name) })
	all := append([]string{"run", "-d", "--name", name, "--label", imageLabel + "=1"}, args...)
	p.must(t, 2*time.Minute, all...)
	return name
}

// baseImage makes (or reuses) a Debian bookworm minbase tarball with
// mmdebstrap and imports it; it returns the image's name.
func (p *podman) baseImage(t *testing.T) string {
	t.Helper()
	tarball := filepath.Join(p.cache, "bookworm-minbase.tar")
	maxAge := 7 * 24 * time.Hour
	if s := os.Getenv("DESCENT_IMAGE_BASE_DAYS"); s != "" {
		days, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("DESCENT_IMAGE_BASE_DAYS=%q: want a whole number of days", s)
		}
		maxAge = time.Duration(days) * 24 * time.Hour
	}
	if st, err := os.Stat(tarball); err != nil || time.Since(st.ModTime()) > maxAge {
		tmp := tarball + ".part"
		os.RemoveAll(tmp)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "mmdebstrap", "--variant=minbase", "--format=tar", "--include=ca-certificates", "bookworm", tmp)
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			os.RemoveAll(tmp)
			t.Fatalf("mmdebstrap: %v\n%s", err, lastLines(string(out), 30))
		}
		if err := os.Rename(tmp, tarball); err != nil {
			t.Fatal(err)
		}
		t.Logf("base: mmdebstrap bookworm minbase: %.0fs", time.Since(t0).Seconds())
	} else {
		t.Logf("base: reusing %s (%s old)", tarball, time.Since(st.ModTime()).Round(time.Minute))
	}
	sum := fileSHA256(t, tarball)
	name := "localhost/descent-bookworm-base:" + sum[:12]
	if _, err := p.run(time.Minute, "image", "exists", name); err != nil {
		p.must(t, 10*time.Minute, "import", "--change", `CMD ["/bin/bash"]`, tarball, name)
		t.Logf("base: imported %s", name)
	}
	return name
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// goToolchain is the local Go installation as go.dev would serve it.
type goToolchain struct {
	dir, version, arch, sum string
}

// goArchive writes go<version>.linux-<arch>.tar.gz of the local GOROOT into
// the cache (once per version) and returns it with its SHA-256.
func (p *podman) goArchive(t *testing.T) goToolchain {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION", "GOARCH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 3 {
		t.Fatalf("go env: %q", out)
	}
	g := goToolchain{dir: filepath.Join(p.cache, "go"), version: strings.TrimPrefix(f[1], "go"), arch: f[2]}
	os.MkdirAll(g.dir, 0o755)
	archive := filepath.Join(g.dir, fmt.Sprintf("go%s.linux-%s.tar.gz", g.version, g.arch))
	if _, err := os.Stat(archive); err != nil {
		tmp := archive + ".part"
		goroot := filepath.Clean(f[0])
		cmd := exec.Command("tar", "-czf", tmp, "--transform", "s,^"+regexp.QuoteMeta(filepath.Base(goroot))+",go,",
			"-C", filepath.Dir(goroot), filepath.Base(goroot))
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Remove(tmp)
			t.Fatalf("tar of %s: %v\n%s", goroot, err, out)
		}
		if err := os.Rename(tmp, archive); err != nil {
			t.Fatal(err)
		}
		t.Logf("go: archived %s as %s", goroot, filepath.Base(archive))
	}
	g.sum = fileSHA256(t, archive)
	return g
}

// hostCABundle is the CA bundle the build's downloads trust, if the host has one.
func hostCABundle() string {
	for _, p := range []string{os.Getenv("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt"} {
		if st, err := os.Stat(p); p != "" && err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// build builds the Dockerfile in root twice, as the Dockerfile says for the
// strict offline check: the deps stage with the network, then the whole
// image with --network=none (the deps layers come from the cache, so only the
// course step runs, with no network device at all).
func (p *podman) build(t *testing.T, root, base string, g goToolchain, image string) (online, offline time.Duration) {
	t.Helper()
	args := []string{"build", "--format", "docker", "--layers",
		"--build-arg", "BASE_IMAGE=" + base,
		"--build-arg", "TARGETARCH=" + g.arch,
		"--build-arg", "GO_VERSION=" + g.version,
		"--build-arg", "GO_SHA256_" + strings.ToUpper(g.arch) + "=" + g.sum,
		// /mnt: a folder every Debian image has, so that the mount point
		// leaves nothing behind in the layer (a new one would).
		"--build-arg", "GO_DOWNLOAD_URL=file:///mnt",
		"--volume", g.dir + ":/mnt:ro",
	}
	if ca := hostCABundle(); ca != "" {
		args = append(args, "--secret", "id=ca-certificates,src="+ca)
	}
	if rev, err := exec.Command("git", "-C", root, "describe", "--always", "--dirty").Output(); err == nil {
		args = append(args, "--build-arg", "VCS_REF="+strings.TrimSpace(string(rev)))
	}
	online = p.logged(t, "build-deps", 60*time.Minute, append(args, "--target", "deps", "-t", image+"-deps", root)...)
	offline = p.logged(t, "build-course-offline", 60*time.Minute, append(args, "--network", "none", "-t", image, root)...)
	return online, offline
}

// imageSize is the size podman reports for an image, in bytes.
func (p *podman) imageSize(t *testing.T, image string) int64 {
	out := strings.TrimSpace(p.must(t, time.Minute, "image", "inspect", "--format", "{{.Size}}", image))
	n, err := strconv.ParseInt(out, 10, 64)
	if err != nil {
		t.Fatalf("size of %s: %q", image, out)
	}
	return n
}

// imageReport is what the test measured, written to build/image-test/report.json.
type imageReport struct {
	BaseImage         string   `json:"base_image"`
	BuildDepsSeconds  float64  `json:"build_deps_seconds"`
	BuildCourseSecs   float64  `json:"build_course_offline_seconds"`
	ImageBytes        int64    `json:"image_bytes"`
	BaseBytes         int64    `json:"base_bytes"`
	Notebooks         int      `json:"notebooks"`
	NotebooksSeconds  float64  `json:"notebooks_offline_seconds"`
	ServerReadySecs   float64  `json:"server_ready_seconds"`
	TotalSeconds      float64  `json:"total_seconds"`
	AssertionsChecked []string `json:"assertions"`
}

func TestImage(t *testing.T) {
	testenv.Slow(t) // builds the course image with podman (minutes): `make image-test`
	t0 := time.Now()
	root := repoRoot(t)
	p := newPodman(t, root)
	p.removeLeftovers(t)
	const image = "localhost/descent-course:image-test"
	var rep imageReport

	rep.BaseImage = p.baseImage(t)
	g := p.goArchive(t)
	online, offline := p.build(t, root, rep.BaseImage, g, image)
	rep.BuildDepsSeconds, rep.BuildCourseSecs = online.Seconds(), offline.Seconds()
	// Layers no tag uses any more (earlier builds): the cache keeps only what
	// the last build can reuse.
	p.run(10*time.Minute, "image", "prune", "-f")
	rep.ImageBytes, rep.BaseBytes = p.imageSize(t, image), p.imageSize(t, rep.BaseImage)
	t.Logf("image %s: %.2f GB (base %.2f GB, added %.2f GB)", image,
		float64(rep.ImageBytes)/1e9, float64(rep.BaseBytes)/1e9, float64(rep.ImageBytes-rep.BaseBytes)/1e9)

	passed := func(s string) { rep.AssertionsChecked = append(rep.AssertionsChecked, s); t.Log("ok: " + s) }

	t.Run("files", func(t *testing.T) { checkImageFiles(t, p, image, root, passed) })
	t.Run("server", func(t *testing.T) { rep.ServerReadySecs = checkServer(t, p, image, passed) })
	t.Run("auth-cannot-be-switched-off", func(t *testing.T) { checkAuthRefusals(t, p, image, passed) })
	t.Run("notebooks-offline", func(t *testing.T) {
		rep.Notebooks, rep.NotebooksSeconds = checkNotebooksOffline(t, p, image, root, passed)
	})

	rep.TotalSeconds = time.Since(t0).Seconds()
	dir := filepath.Join(root, "build", "image-test")
	os.MkdirAll(dir, 0o755)
	b, _ := json.MarshalIndent(rep, "", "  ")
	writeFile(t, filepath.Join(dir, "report.json"), string(b)+"\n")
	t.Logf("image test: %.0fs in all (build: deps %.0fs, course offline %.0fs); image %.2f GB; report %s",
		rep.TotalSeconds, rep.BuildDepsSeconds, rep.BuildCourseSecs, float64(rep.ImageBytes)/1e9, filepath.Join(dir, "report.json"))
}

// checkImageFiles: what the build left in the image. Everything in the
// user's home and in the course's folders belongs to the user (a root-owned
// ~/.config broke every notebook once); the build's CA bundle and Go mount
// are not in it; the context held only what .dockerignore allows.
func checkImageFiles(t *testing.T, p *podman, image, root string, passed func(string)) {
	out := p.must(t, 5*time.Minute, "run", "--rm", "--network", "none", "--label", imageLabel+"=1",
		"--health-interval", "disable", "--entrypoint", "bash", image, "-c", `
set -u
echo "user: $(id -un) $(id -u):$(id -g)"
echo "not-owned: $(find /home/jovyan /opt/descent /opt/go \( ! -uid 1000 -o ! -gid 100 \) -print 2>/dev/null | head -5 | tr '\n' ' ')"
mkdir -p ~/.config/jupyter && touch ~/.config/jupyter/probe && echo "config: writable"
for f in /run/secrets/ca-certificates; do [ -e "$f" ] && echo "leftover: $f"; done
[ -z "$(ls -A /mnt)" ] || echo "leftover: /mnt holds $(ls -A /mnt)"
for f in .git .venv/bin/jupyter .tools/bin/gonb .cache tests hub course-work; do [ -e "/opt/descent/$f" ] && echo "present: $f"; done
echo "build: $(ls -A /opt/descent/build 2>/dev/null | tr '\n' ' ')"
echo "notebooks: $(ls /opt/descent/notebooks/*.ipynb | wc -l) in the course, $(ls /home/jovyan/work/*.ipynb | wc -l) in work"
echo "python: $(python -V 2>&1), $(go version)"
`)
	t.Logf("%s", out)
	want := func(ok bool, what string) {
		t.Helper()
		if !ok {
			t.Errorf("%s\n%s", what, out)
		}
	}
	want(strings.Contains(out, "user: jovyan 1000:100"), "the image's user is not jovyan 1000:100")
	want(regexp.MustCompile(`(?m)^not-owned: $`).MatchString(out), "files in the user's home or the course folders do not belong to jovyan:users")
	want(strings.Contains(out, "config: writable"), "~/.config is not writable by jovyan")
	want(!strings.Contains(out, "leftover:"), "a build-only mount (CA bundle, Go archive) is in the image")
	want(strings.Contains(out, "present: .venv/bin/jupyter") && strings.Contains(out, "present: .tools/bin/gonb"),
		"the image lacks its own .venv or .tools")
	for _, f := range []string{".git", ".cache", "tests", "hub", "course-work"} {
		want(!strings.Contains(out, "present: "+f+"\n"), "/opt/descent/"+f+" is in the image: .dockerignore let it through")
	}
	// build/ holds only the explorables' WebAssembly modules, which provision.sh
	// builds into the image because cells read them (they never build them).
	want(regexp.MustCompile(`(?m)^build: explore $`).MatchString(out),
		"/opt/descent/build should hold exactly explore/ (the explorables' modules): anything else came through .dockerignore or was left by the build")
	nbs, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	want(strings.Contains(out, fmt.Sprintf("notebooks: %d in the course, %d in work", len(nbs), len(nbs))),
		fmt.Sprintf("want the %d notebooks of notebooks/ in /opt/descent/notebooks and /home/jovyan/work", len(nbs)))
	if !t.Failed() {
		passed("image files: user jovyan 1000:100, home and caches owned by jovyan, ~/.config writable, no build secret or Go mount left, context per .dockerignore, build/ holding only the explorables' modules")
	}
}

var tokenLine = regexp.MustCompile(`generated for this container\): ([0-9a-f]{48})`)

// waitForToken reads the container's log until the entrypoint prints the token.
func waitForToken(t *testing.T, p *podman, name string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out, _ := p.run(time.Minute, "logs", name)
		if m := tokenLine.FindStringSubmatch(out); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no generated token in the log of %s:\n%s", name, lastLines(out, 30))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// waitForAPI waits until GET base/api answers 200 and returns how long it took.
func waitForAPI(t *testing.T, p *podman, name, base string) time.Duration {
	t.Helper()
	t0 := time.Now()
	c := http.Client{Timeout: 5 * time.Second}
	for {
		if r, err := c.Get(base + "/api"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return time.Since(t0)
			}
		}
		if time.Since(t0) > 3*time.Minute {
			out, _ := p.run(time.Minute, "logs", name)
			t.Fatalf("JupyterLab in %s did not answer on %s within 3 minutes; log:\n%s", name, base, lastLines(out, 40))
		}
		if st, _ := p.run(time.Minute, "inspect", "--format", "{{.State.Status}}", name); strings.TrimSpace(st) == "exited" {
			out, _ := p.run(time.Minute, "logs", name)
			t.Fatalf("%s exited before JupyterLab answered; log:\n%s", name, lastLines(out, 40))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// request sends a request with an optional token and returns the status and body.
func request(t *testing.T, method, url, token string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := http.Client{Timeout: 30 * time.Second}
	r, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, b
}

// checkServer runs the image as a user would (`-p 127.0.0.1:PORT:8888`, a
// mounted work folder, an empty JUPYTER_TOKEN), and checks the server's user,
// its token, the health check, and that a student's edit saved through
// JupyterLab's contents API outlives the container. Returns the time the
// server took to answer.
func checkServer(t *testing.T, p *podman, image string, passed func(string)) float64 {
	work := t.TempDir()
	if err := os.Chown(work, 1000, 100); err != nil {
		t.Fatal(err)
	}
	run := func(name string) (token, base string, ready time.Duration) {
		port := freePort(t)
		args := append([]string{"-p", fmt.Sprintf("127.0.0.1:%d:8888", port),
			"-v", work + ":/home/jovyan/work", "-e", "JUPYTER_TOKEN=",
			// No timer (it needs systemd); `podman healthcheck run` runs the check.
			"--health-interval", "disable"}, studentLimits...)
		p.start(t, name, append(args, image)...)
		token = waitForToken(t, p, name)
		base = fmt.Sprintf("http://127.0.0.1:%d", port)
		return token, base, waitForAPI(t, p, name, base)
	}
	suffix := strconv.Itoa(os.Getpid())
	first := "descent-it-server-" + suffix
	token, base, ready := run(first)
	t.Logf("server answered %.1fs after the container started (published on %s)", ready.Seconds(), base)

	// The owner of the server process, read from /proc inside the container
	// (the image has no ps).
	procs := p.must(t, time.Minute, "exec", first, "bash", "-c",
		// (jupyter-l[a]b: so that this script's own command line does not match.)
		`for p in /proc/[0-9]*; do [ "${p#/proc/}" = $$ ] && continue; c=$(tr '\0' ' ' < $p/cmdline 2>/dev/null) || continue; case "$c" in *python*/jupyter-l[a]b*) echo "$(stat -c %u $p) $(id -un $(stat -c %u $p)) $c";; esac; done`)
	if f := strings.Fields(procs); len(f) < 3 || f[0] != "1000" || f[1] != "jovyan" || strings.Count(procs, "\n") != 1 {
		t.Errorf("the Jupyter server does not run as jovyan (uid 1000):\n%s", procs)
	} else {
		passed("the server runs as jovyan (uid 1000): " + strings.TrimSpace(procs))
	}
	logs, _ := p.run(time.Minute, "logs", first)
	if !strings.Contains(logs, "JUPYTER_TOKEN is empty") {
		t.Errorf("an empty JUPYTER_TOKEN is not reported in the log:\n%s", lastLines(logs, 20))
	}

	codes := map[string]int{}
	codes["no token"], _ = request(t, "GET", base+"/api/contents", "", nil)
	codes["wrong token"], _ = request(t, "GET", base+"/api/contents", "not-the-token", nil)
	codes["lab page, no token"], _ = request(t, "GET", base+"/lab?token=", "", nil)
	codes["with token"], _ = request(t, "GET", base+"/api/contents", token, nil)
	code, specs := request(t, "GET", base+"/api/kernelspecs", token, nil)
	if codes["no token"] != 403 || codes["wrong token"] != 403 || codes["with token"] != 200 {
		t.Errorf("GET /api/contents: %v; want 403 without the token or with a wrong one, 200 with it", codes)
	} else {
		passed(fmt.Sprintf("token required: /api/contents answers 403 without a token, 403 with a wrong one, 200 with the printed token (/lab?token= without it: %d)", codes["lab page, no token"]))
	}
	if code != 200 || !bytes.Contains(specs, []byte(`"gonb"`)) {
		t.Errorf("GET /api/kernelspecs: %d, want the gonb kernel:\n%s", code, specs)
	}

	hc, err := p.run(time.Minute, "healthcheck", "run", first)
	status, _ := p.run(time.Minute, "inspect", "--format", "{{.State.Health.Status}}", first)
	if err != nil || strings.TrimSpace(status) != "healthy" {
		t.Errorf("healthcheck: %v, status %q\n%s", err, status, hc)
	} else {
		passed("HEALTHCHECK passes on the running server (podman healthcheck run: healthy)")
	}

	// A student edits notebook 00 and saves it (what JupyterLab's save does).
	const nb = "00-getting-started.ipynb"
	code, b := request(t, "GET", base+"/api/contents/"+nb+"?content=1", token, nil)
	if code != 200 {
		t.Fatalf("GET /api/contents/%s: %d\n%s", nb, code, b)
	}
	var model struct {
		Content map[string]any `json:"content"`
	}
	if err := json.Unmarshal(b, &model); err != nil {
		t.Fatal(err)
	}
	const mark = "my own note, written in the container"
	cells, _ := model.Content["cells"].([]any)
	model.Content["cells"] = append([]any{map[string]any{"cell_type": "markdown", "metadata": map[string]any{}, "source": mark}}, cells...)
	put, _ := json.Marshal(map[string]any{"type": "notebook", "format": "json", "content": model.Content})
	if code, b := request(t, "PUT", base+"/api/contents/"+nb, token, put); code != 200 {
		t.Fatalf("saving the edited notebook: %d\n%s", code, b)
	}
	// One notebook the student deleted comes back from the image on restart.
	entries, _ := os.ReadDir(work)
	var deleted string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".ipynb") && e.Name() != nb {
			deleted = e.Name()
		}
	}
	if deleted == "" {
		t.Fatalf("the entrypoint copied no course notebook into the mounted folder")
	}
	if code, _ := request(t, "DELETE", base+"/api/contents/"+deleted, token, nil); code != 204 {
		t.Errorf("DELETE %s: %d", deleted, code)
	}
	p.must(t, 2*time.Minute, "rm", "-f", "-t", "5", first)

	second := "descent-it-restart-" + suffix
	token2, base2, _ := run(second)
	if token2 == token {
		t.Errorf("the restarted container reused the token %q", token)
	}
	code, b = request(t, "GET", base2+"/api/contents/"+nb+"?content=1", token2, nil)
	if code != 200 || !bytes.Contains(b, []byte(mark)) {
		t.Errorf("after a restart with the same folder, %s lost the student's edit (%d)", nb, code)
	} else {
		passed("a mounted work folder keeps a student's edit across a restart (saved through the contents API, read back from a new container)")
	}
	if code, _ := request(t, "GET", base2+"/api/contents/"+deleted, token2, nil); code != 200 {
		t.Errorf("a deleted course notebook (%s) is not copied back on restart: %d", deleted, code)
	}
	return ready.Seconds()
}

// refusal is one way of starting the image that used to serve without
// authentication (or with XSRF checks off), and must now stop with a message.
type refusal struct {
	name string
	args []string // podman run arguments after the image's options
	want string   // in the output
}

// checkAuthRefusals starts the image in each way that used to switch
// authentication off and checks that it stops, saying why, without serving.
func checkAuthRefusals(t *testing.T, p *podman, image string, passed func(string)) {
	entry := "refusing to start JupyterLab with"
	guard := "descent: refusing to start Jupyter:"
	openConfig := `printf 'c.ServerApp.token = ""\nc.ServerApp.ip = "0.0.0.0"\n' > /tmp/open.py && exec jupyter lab --config=/tmp/open.py`
	cases := []refusal{
		{"--IdentityProvider.token=", []string{image, "--IdentityProvider.token="}, entry},
		{"--ServerApp.token=", []string{image, "--ServerApp.token="}, entry},
		{"--NotebookApp.token=''", []string{image, "--NotebookApp.token=''"}, entry},
		{"--IdentityProvider.token ''", []string{image, "--IdentityProvider.token", ""}, entry},
		{"--ServerApp.disable_check_xsrf=True", []string{image, "--ServerApp.disable_check_xsrf=True"}, entry},
		{"jupyter lab --IdentityProvider.token=", []string{image, "jupyter", "lab", "--IdentityProvider.token="}, entry},
		{"--entrypoint jupyter: lab --IdentityProvider.token= (JUPYTER_TOKEN set)",
			[]string{"-e", "JUPYTER_TOKEN=abc", "--entrypoint", "jupyter", image, "lab", "--IdentityProvider.token="}, guard},
		{"--entrypoint jupyter: lab (no JUPYTER_TOKEN)", []string{"--entrypoint", "jupyter", image, "lab"}, "refusing to start Jupyter without a token"},
		{"a --config file that empties the token", []string{image, "bash", "-c", openConfig}, guard},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := fmt.Sprintf("descent-it-refuse-%d-%d", os.Getpid(), i)
			t.Cleanup(func() { p.run(time.Minute, "rm", "-f", "-t", "1", name) })
			args := append([]string{"run", "--name", name, "--label", imageLabel + "=1", "--network", "none", "--health-interval", "disable"}, c.args...)
			out, err := p.run(3*time.Minute, args...)
			var exit *exec.ExitError
			if err == nil || !errors.As(err, &exit) {
				t.Fatalf("the container did not stop with an error (%v): it served, or hung:\n%s", err, lastLines(out, 20))
			}
			if !strings.Contains(out, c.want) || strings.Contains(out, "is running at") {
				t.Fatalf("exit %d without %q (or after serving):\n%s", exit.ExitCode(), c.want, lastLines(out, 20))
			}
			passed(fmt.Sprintf("refused (exit %d): %s — %s", exit.ExitCode(), c.name, firstLine(out, "refusing")))
		})
	}
}

// checkNotebooksOffline executes every notebook of the image with no network
// device but loopback (`--network none`), as a class without internet would.
func checkNotebooksOffline(t *testing.T, p *podman, image, root string, passed func(string)) (int, float64) {
	nbs, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	if len(nbs) == 0 {
		t.Fatal("no notebooks in notebooks/")
	}
	// The cgroup's task count is sampled while the notebooks run (cgroup v1
	// keeps no peak); the memory peak is the kernel's.
	script := `set -eu
echo "network devices: $(ls /sys/class/net | tr '\n' ' ')"
cg=/sys/fs/cgroup
pids=$cg/pids/pids.current; [ -r $pids ] || pids=$cg/pids.current
( peak=0; while :; do n=$(cat $pids); [ "$n" -le "$peak" ] || { peak=$n; echo $peak > /tmp/pids-peak; }; sleep 0.2; done ) &
nbrun -root /opt/descent -out /tmp/out /opt/descent/notebooks/*.ipynb
echo "executed: $(ls /tmp/out/*.ipynb | wc -l)"
echo "peak tasks: $(cat /tmp/pids-peak) of $(cat $cg/pids/pids.max 2>/dev/null || cat $cg/pids.max)"
echo "peak memory MiB: $(( $(cat $cg/memory/memory.max_usage_in_bytes 2>/dev/null || cat $cg/memory.peak) / 1048576 ))"`
	t0 := time.Now()
	args := append([]string{"run", "--rm", "--network", "none", "--label", imageLabel + "=1",
		"--health-interval", "disable"}, studentLimits...)
	out, err := p.run(60*time.Minute, append(args, image, "bash", "-c", script)...)
	d := time.Since(t0)
	t.Logf("notebooks with --network none: %.0fs\n%s", d.Seconds(), lastLines(out, len(nbs)+6))
	if err != nil {
		t.Fatalf("executing the notebooks in the container failed: %v\n%s", err, lastLines(out, 80))
	}
	if !strings.Contains(out, "network devices: lo \n") {
		t.Errorf("the container had a network device besides loopback:\n%s", firstLine(out, "network devices"))
	}
	if !strings.Contains(out, fmt.Sprintf("executed: %d\n", len(nbs))) {
		t.Errorf("want %d executed notebooks:\n%s", len(nbs), lastLines(out, 5))
	}
	if !t.Failed() {
		passed(fmt.Sprintf("all %d notebooks of notebooks/ execute in the container with --network none and the hub's limits %v (%.0fs; %s; %s)",
			len(nbs), studentLimits, d.Seconds(), firstLine(out, "peak tasks"), firstLine(out, "peak memory")))
	}
	return len(nbs), d.Seconds()
}

// firstLine is the first line of s that contains sub, trimmed.
func firstLine(s, sub string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if strings.Contains(sc.Text(), sub) {
			return strings.TrimSpace(sc.Text())
		}
	}
	return ""
}
