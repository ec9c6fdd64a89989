package docker

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

// fakeBin is a folder with stand-ins for jupyter and jupyterhub-singleuser
// that print how they were called instead of serving.
func fakeBin(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"jupyter", "jupyterhub-singleuser"} {
		script := "#!/bin/sh\nprintf 'STARTED %s' \"$(basename \"$0\")\"\nprintf ' [%s]' \"$@\"\necho\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// entrypoint runs entrypoint.sh with args and the fake server commands; it
// returns the output and the exit code.
func entrypoint(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("bash", append([]string{"entrypoint.sh"}, args...)...)
	cmd.Env = cleanEnv(append([]string{"PATH=" + fakeBin(t) + ":/usr/bin:/bin", "HOME=" + dir,
		"DESCENT_HOME=" + filepath.Join(dir, "none"), "DESCENT_WORKDIR=" + filepath.Join(dir, "work")}, env...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("entrypoint: %v\n%s", err, out)
	return "", 0
}

// TestEntrypointRefusesFlagsThatOpenTheServer: every way of switching
// authentication off from `docker run … descent-course ARGS` stops the
// container before anything starts, with the flag and the reason.
func TestEntrypointRefusesFlagsThatOpenTheServer(t *testing.T) {
	for _, c := range []struct {
		args []string
		why  string
	}{
		{[]string{"--IdentityProvider.token="}, "an empty token"},
		{[]string{"--ServerApp.token="}, "an empty token"},
		{[]string{"--NotebookApp.token="}, "an empty token"},
		{[]string{"--PasswordIdentityProvider.token=  "}, "an empty token"},
		{[]string{"--IdentityProvider.token=''"}, "an empty token"}, // docker-compose: no shell strips the quotes
		{[]string{`--ServerApp.token=""`}, "an empty token"},
		{[]string{"--no-browser", "--IdentityProvider.token", ""}, "an empty token"},
		{[]string{"--IdentityProvider.token", "''", "--no-browser"}, "an empty token"},
		{[]string{"--IdentityProvider.token"}, "an empty token"},
		{[]string{"--token="}, "an empty token"},
		{[]string{"--ServerApp.disable_check_xsrf=True"}, "XSRF"},
		{[]string{"--ServerApp.disable_check_xsrf=1"}, "XSRF"},
		{[]string{"--NotebookApp.disable_check_xsrf", "true"}, "XSRF"},
		{[]string{"--ServerApp.tornado_settings=disable_check_xsrf=True"}, "XSRF"},
		{[]string{"--ServerApp.identity_provider_class=jupyter_server.auth.identity.IdentityProvider"}, "identity provider"},
		{[]string{"--ServerApp.login_handler_class=x.Open"}, "identity provider"},
		{[]string{"jupyter", "lab", "--IdentityProvider.token="}, "an empty token"},
		{[]string{"jupyter", "server", "--ServerApp.token="}, "an empty token"},
		{[]string{"jupyter-lab", "--ServerApp.disable_check_xsrf=True"}, "XSRF"},
		{[]string{"/opt/descent/.venv/bin/jupyter-server", "--IdentityProvider.token="}, "an empty token"},
		{[]string{"/opt/descent/.venv/bin/jupyter", "lab", "--IdentityProvider.token="}, "an empty token"},
		{[]string{"python", "-m", "jupyterlab", "--ServerApp.token="}, "an empty token"},
		{[]string{"python3", "-m", "jupyter_server", "--ServerApp.token="}, "an empty token"},
		{[]string{"/opt/descent/.venv/bin/python3", "-u", "-X", "dev", "-m", "jupyterlab.labapp", "--ServerApp.token="}, "an empty token"},
		{[]string{"python", "-m", "jupyter", "lab", "--IdentityProvider.token="}, "an empty token"},
		{[]string{"bash", "-c", "jupyter lab --ServerApp.disable_check_xsrf=True"}, "XSRF"},
		{[]string{"sh", "-c", "cd /tmp && exec jupyter lab --IdentityProvider.token= --no-browser"}, "an empty token"},
		{[]string{"/bin/bash", "-lc", "jupyter-lab --ServerApp.token=''"}, "an empty token"},
		{[]string{"env", "A=1", "jupyter", "lab", "--ServerApp.disable_check_xsrf=True"}, "XSRF"},
		{[]string{"--ServerApp.allow_origin_pat=.*", "--ServerApp.allow_credentials=True"}, "every site"},
		{[]string{"--ServerApp.allow_origin=*"}, "every site"},
		{[]string{"--NotebookApp.allow_origin", "'*'"}, "every site"},
		{[]string{"jupyter", "lab", "--ServerApp.allow_origin_pat=https?://.*"}, "every site"},
	} {
		name := strings.Join(c.args, " ")
		t.Run(name, func(t *testing.T) {
			out, code := entrypoint(t, []string{"JUPYTER_TOKEN=a-token-of-the-user"}, c.args...)
			if code != 2 || strings.Contains(out, "STARTED") {
				t.Fatalf("exit %d, want 2 and nothing started:\n%s", code, out)
			}
			if !strings.Contains(out, "refusing to start JupyterLab with --") ||
				!strings.Contains(out, c.why) || !strings.Contains(out, "-p 127.0.0.1:8888:8888") {
				t.Errorf("the message does not name the flag, the reason (%q) and the way out:\n%s", c.why, out)
			}
		})
	}
}

// TestEntrypointKeepsHarmlessFlags: flags that keep authentication on pass
// through, a token given as a flag is reported (not replaced by a generated
// one in the log), and under JupyterHub nothing is refused: the Hub
// authenticates.
func TestEntrypointKeepsHarmlessFlags(t *testing.T) {
	for _, c := range []struct {
		env  []string
		args []string
		want []string
	}{
		{nil, []string{"--ServerApp.token=chosen-token", "--no-browser"},
			[]string{"STARTED jupyter [lab] [--ServerApp.token=chosen-token] [--no-browser]", "the one given with --ServerApp.token"}},
		{nil, []string{"--ServerApp.disable_check_xsrf=False"}, []string{"STARTED jupyter [lab] [--ServerApp.disable_check_xsrf=False]"}},
		{nil, []string{"--LabApp.default_url=/lab", "--ServerApp.password="}, []string{"STARTED jupyter [lab]", "generated for this container"}},
		{nil, []string{"bash", "-c", "echo --ServerApp.token="}, []string{"--ServerApp.token="}},
		// The guard is no server extension: no flag switches it off.
		{nil, []string{"--ServerApp.jpserver_extensions=descent_jupyter_guard=False"}, []string{"STARTED jupyter [lab]"}},
		{nil, []string{"sh", "-c", "jupyter lab --ServerApp.token=chosen-token"}, []string{"STARTED jupyter [lab] [--ServerApp.token=chosen-token]"}},
		{nil, []string{"--ServerApp.allow_origin=https://colab.research.google.com", "--ServerApp.allow_credentials=True"},
			[]string{"STARTED jupyter [lab] [--ServerApp.allow_origin=https://colab.research.google.com]"}},
		{nil, []string{"--ServerApp.allow_origin_pat=https://.*\\.example\\.edu"}, []string{"STARTED jupyter [lab]"}},
		{[]string{"JUPYTERHUB_API_TOKEN=hub-secret"}, []string{"--ServerApp.disable_check_xsrf=True"},
			[]string{"STARTED jupyterhub-singleuser [--ServerApp.disable_check_xsrf=True]", "running under JupyterHub"}},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, code := entrypoint(t, c.env, c.args...)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "refusing") {
				t.Errorf("refused a harmless start:\n%s", out)
			}
		})
	}
}

// TestEntrypointHubVariableIsNoPass: JUPYTERHUB_API_TOKEN only means a Hub
// authenticates when the command is the Hub's single-user server; a plain
// Jupyter server started with the variable set is checked like any other.
func TestEntrypointHubVariableIsNoPass(t *testing.T) {
	env := []string{"JUPYTERHUB_API_TOKEN=anything"}
	out, code := entrypoint(t, env, "jupyter", "lab", "--IdentityProvider.token=")
	if code != 2 || strings.Contains(out, "STARTED") || !strings.Contains(out, "an empty token") {
		t.Errorf("jupyter lab --IdentityProvider.token= with JUPYTERHUB_API_TOKEN set: exit %d, want 2 and nothing started:\n%s", code, out)
	}
	out, code = entrypoint(t, env, "jupyterhub-singleuser", "--ServerApp.disable_check_xsrf=True")
	if code != 0 || !strings.Contains(out, "STARTED jupyterhub-singleuser") {
		t.Errorf("jupyterhub-singleuser under the Hub: exit %d:\n%s", code, out)
	}
}

// guardEnv prepares a Jupyter server the way the image runs one: the image's
// jupyter_server_config.py in a config folder on JUPYTER_CONFIG_PATH (in the
// image: .venv/etc/jupyter), an empty HOME whose ~/.jupyter is the student's
// own config folder, and descent_jupyter_guard installed as provision.sh
// installs it: the module and its .pth file in a site folder. In the image
// that folder is the .venv's site-packages; here a sitecustomize module on
// PYTHONPATH adds it with site.addsitedir, which runs .pth files the same
// way, so the checkout's .venv is left alone. It returns HOME and the
// environment.
func guardEnv(t *testing.T, root string) (string, []string) {
	t.Helper()
	dir, base := jupyterEnv(t, root)
	var env []string
	for _, kv := range base {
		if !strings.HasPrefix(kv, "JUPYTER_CONFIG_DIR=") {
			env = append(env, kv)
		}
	}
	os.MkdirAll(filepath.Join(dir, ".jupyter"), 0o755)
	site := filepath.Join(dir, "site-packages")
	os.MkdirAll(site, 0o755)
	for _, f := range []string{"descent_jupyter_guard.py", "descent_jupyter_guard.pth"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(site, f), string(b))
	}
	custom := filepath.Join(dir, "sitecustomize")
	os.MkdirAll(custom, 0o755)
	writeFile(t, filepath.Join(custom, "sitecustomize.py"), fmt.Sprintf("import site\nsite.addsitedir(%q)\n", site))
	return dir, append(env, "JUPYTER_CONFIG_PATH="+filepath.Join(dir, "etc"), "PYTHONPATH="+custom)
}

// emptyPasswordHashes are jupyter_server's hashes of the empty password, in
// each format it accepts (what `jupyter server password` writes when Enter
// is pressed twice).
func emptyPasswordHashes(t *testing.T, root string) (argon2, sha1 string) {
	t.Helper()
	out, err := exec.Command(filepath.Join(root, ".venv", "bin", "python"), "-c",
		`from jupyter_server.auth import passwd; print(passwd("", "argon2")); print(passwd("", "sha1"))`).Output()
	if err != nil {
		t.Fatalf("hashing the empty password: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 || !strings.HasPrefix(f[0], "argon2:") || !strings.HasPrefix(f[1], "sha1:") {
		t.Fatalf("hashes of the empty password: %q", out)
	}
	return f[0], f[1]
}

// serveOrStop runs cmd until it exits, or until it says it is serving (then
// it is stopped), or until limit; it returns the output and whether the
// server stopped by itself without ever serving.
func serveOrStop(t *testing.T, cmd *exec.Cmd, limit time.Duration) (string, bool) {
	t.Helper()
	var mu sync.Mutex
	var log strings.Builder
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return log.Write(p) })
	cmd.Stdout, cmd.Stderr = w, w
	done, stop := startGroup(t, cmd, 10*time.Second)
	defer stop()
	text := func() string { mu.Lock(); defer mu.Unlock(); return log.String() }
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-done:
			return text(), !strings.Contains(text(), "is running at")
		case <-time.After(200 * time.Millisecond):
		}
		if strings.Contains(text(), "is running at") {
			return text(), false
		}
		if time.Now().After(deadline) {
			return text() + "\n(timed out)", false
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestJupyterGuard starts the real JupyterLab, bypassing the entrypoint
// (`docker run --entrypoint jupyter …`, or a shell in the container), with
// configurations that switch authentication or the XSRF checks off, open the
// server to other sites, or switch the guard itself off, and checks that the
// server stops before it listens; and that a normal configuration (a token,
// a real password) still serves.
func TestJupyterGuard(t *testing.T) {
	testenv.Slow(t) // real JupyterLab servers: make test-docker runs it
	root := repoRoot(t)
	argon2Empty, sha1Empty := emptyPasswordHashes(t, root)
	jupyter := filepath.Join(root, ".venv", "bin", "jupyter")
	var allowRoot []string
	if os.Geteuid() == 0 {
		allowRoot = []string{"--allow-root"}
	}
	const (
		noAuth   = "the token is empty and no password is set"
		emptyPw  = "the password is empty"
		xsrf     = "disable_check_xsrf is on"
		anySite  = "lets every site"
		otherIdP = "identity provider"
	)
	for _, c := range []struct {
		name  string
		args  []string
		env   []string
		files map[string]string // HOME-relative path: content
		want  string
	}{
		{name: "empty token flag", args: []string{"--IdentityProvider.token="}, want: noAuth},
		{name: "--config file replacing the image's", args: []string{"--config=open_config.py"},
			files: map[string]string{"open_config.py": "c.ServerApp.token = \"\"\nc.ServerApp.ip = \"127.0.0.1\"\n"}, want: noAuth},
		{name: "XSRF off", args: []string{"--ServerApp.disable_check_xsrf=True"}, want: xsrf},
		{name: "password flag: argon2 hash of the empty password", args: []string{"--ServerApp.password=" + argon2Empty}, want: emptyPw},
		{name: "password flag: sha1 hash of the empty password, no token",
			args: []string{"--ServerApp.password=" + sha1Empty, "--IdentityProvider.token="}, want: emptyPw},
		{name: "~/.jupyter json: hashed_password of the empty password",
			files: map[string]string{".jupyter/jupyter_server_config.json": `{"IdentityProvider": {"hashed_password": "` + argon2Empty + `"}}`}, want: emptyPw},
		{name: "blank token flag and an empty password", args: []string{"--IdentityProvider.token=  ", "--ServerApp.password="}, want: noAuth},
		{name: "~/.jupyter py: guard off, empty token flag", args: []string{"--IdentityProvider.token="},
			files: map[string]string{".jupyter/jupyter_server_config.py": "c.ServerApp.jpserver_extensions = {\"descent_jupyter_guard\": False}\n"}, want: noAuth},
		{name: "~/.jupyter py: guard off, token set, XSRF off",
			files: map[string]string{".jupyter/jupyter_server_config.py": "c.ServerApp.jpserver_extensions = {\"descent_jupyter_guard\": False}\nc.IdentityProvider.token = \"a-token\"\nc.ServerApp.disable_check_xsrf = True\n"}, want: xsrf},
		{name: "allow_origin_pat=.* with credentials", args: []string{"--ServerApp.allow_origin_pat=.*", "--ServerApp.allow_credentials=True"}, want: anySite},
		{name: "allow_origin=*", args: []string{"--ServerApp.allow_origin=*"}, want: anySite},
		{name: "another identity provider", args: []string{"--ServerApp.identity_provider_class=openidp.Open"},
			files: map[string]string{"py/openidp.py": "from jupyter_server.auth.identity import IdentityProvider, User\n\nclass Open(IdentityProvider):\n    def get_user(self, handler):\n        return User('anyone')\n"}, want: otherIdP},
		{name: "JUPYTERHUB_API_TOKEN set on a plain jupyter lab, empty token", args: []string{"--IdentityProvider.token="},
			env: []string{"JUPYTERHUB_API_TOKEN=not-a-hub"}, want: noAuth},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir, env := guardEnv(t, root)
			for name, content := range c.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
				writeFile(t, filepath.Join(dir, name), content)
			}
			for i, kv := range env {
				if strings.HasPrefix(kv, "PYTHONPATH=") {
					env[i] = kv + ":" + filepath.Join(dir, "py")
				}
			}
			cmd := exec.Command(jupyter, append(append([]string{"lab", "--no-browser", "--ip=127.0.0.1"}, allowRoot...), c.args...)...)
			cmd.Env = append(append(env, "JUPYTER_TOKEN=a-token", fmt.Sprintf("JUPYTER_PORT=%d", freePort(t))), c.env...)
			cmd.Dir = dir
			out, stopped := serveOrStop(t, cmd, 3*time.Minute)
			if !stopped || !strings.Contains(out, "descent: refusing to start Jupyter: ") || !strings.Contains(out, c.want) {
				t.Fatalf("want the server to stop before serving, saying %q:\n%s", c.want, lastLines(out, 15))
			}
		})
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"a token keeps serving", nil},
		{"a token and a real password keep serving", []string{"--PasswordIdentityProvider.hashed_password=" + mustHash(t, root, "a real password")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir, env := guardEnv(t, root)
			port := freePort(t)
			cmd := exec.Command(jupyter, append(append([]string{"lab", "--no-browser", "--ip=127.0.0.1"}, allowRoot...), c.args...)...)
			cmd.Env = append(env, "JUPYTER_TOKEN=a-token", fmt.Sprintf("JUPYTER_PORT=%d", port))
			cmd.Dir = dir
			var log strings.Builder
			var mu sync.Mutex
			w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return log.Write(p) })
			cmd.Stdout, cmd.Stderr = w, w
			done, stop := startGroup(t, cmd, 15*time.Second)
			defer stop()
			url := fmt.Sprintf("http://127.0.0.1:%d/api/contents", port)
			deadline := time.Now().Add(3 * time.Minute)
			for {
				select {
				case <-done:
					mu.Lock()
					t.Fatalf("the server stopped:\n%s", log.String())
				default:
				}
				if r, err := http.Get(url); err == nil {
					r.Body.Close()
					if r.StatusCode != 403 {
						t.Fatalf("GET /api/contents without the token: %d, want 403", r.StatusCode)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("no answer within 3 minutes")
				}
				time.Sleep(300 * time.Millisecond)
			}
		})
	}
}

// TestJupyterGuardUnderHub: JupyterHub's single-user server, in both its
// forms (the server extension, the default; the legacy subclass app), still
// starts with the guard installed: the Hub authenticates its requests. A
// stand-in Hub answers its API.
func TestJupyterGuardUnderHub(t *testing.T) {
	testenv.Slow(t)
	root := repoRoot(t)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"version": "6.1.1"}`)
	}))
	t.Cleanup(hub.Close) // not defer: the parallel subtests run after this function returns
	var allowRoot []string
	if os.Geteuid() == 0 {
		allowRoot = []string{"--allow-root"}
	}
	for _, mode := range []string{"1", "0"} {
		t.Run("JUPYTERHUB_SINGLEUSER_EXTENSION="+mode, func(t *testing.T) {
			t.Parallel()
			dir, env := guardEnv(t, root)
			port := freePort(t)
			cmd := exec.Command(filepath.Join(root, ".venv", "bin", "jupyterhub-singleuser"), allowRoot...)
			cmd.Env = append(env, "JUPYTERHUB_SINGLEUSER_EXTENSION="+mode, "JUPYTERHUB_API_TOKEN=hub-secret",
				"JUPYTERHUB_CLIENT_ID=jupyterhub-user-a", "JUPYTERHUB_API_URL="+hub.URL+"/hub/api", "JUPYTERHUB_BASE_URL=/",
				"JUPYTERHUB_USER=a", "JUPYTERHUB_SERVICE_PREFIX=/user/a/", "JUPYTERHUB_OAUTH_CALLBACK_URL=/user/a/oauth_callback",
				fmt.Sprintf("JUPYTERHUB_SERVICE_URL=http://127.0.0.1:%d/user/a/", port))
			cmd.Dir = dir
			out, stopped := serveOrStop(t, cmd, 3*time.Minute)
			if stopped || !strings.Contains(out, "is running at") || strings.Contains(out, "descent: refusing") {
				t.Fatalf("the single-user server did not serve:\n%s", lastLines(out, 20))
			}
		})
	}
}

// mustHash is jupyter_server's argon2 hash of password.
func mustHash(t *testing.T, root, password string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(root, ".venv", "bin", "python"), "-c",
		"import sys; from jupyter_server.auth import passwd; print(passwd(sys.argv[1]))", password).Output()
	if err != nil {
		t.Fatalf("hashing a password: %v", err)
	}
	return strings.TrimSpace(string(out))
}
