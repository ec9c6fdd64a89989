package docker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
		{[]string{"--ServerApp.jpserver_extensions=descent_jupyter_guard=False"}, "descent_jupyter_guard"},
		{[]string{"jupyter", "lab", "--IdentityProvider.token="}, "an empty token"},
		{[]string{"jupyter", "server", "--ServerApp.token="}, "an empty token"},
		{[]string{"jupyter-lab", "--ServerApp.disable_check_xsrf=True"}, "XSRF"},
		{[]string{"/opt/descent/.venv/bin/jupyter-server", "--IdentityProvider.token="}, "an empty token"},
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

// guardEnv is jupyterEnv with the image's descent_jupyter_guard extension
// enabled the way provision.sh enables it (jupyter_server_config.d).
func guardEnv(t *testing.T, root string) (string, []string) {
	t.Helper()
	dir, env := jupyterEnv(t, root)
	d := filepath.Join(dir, "etc", "jupyter_server_config.d")
	os.MkdirAll(d, 0o755)
	writeFile(t, filepath.Join(d, "descent_jupyter_guard.json"),
		`{"ServerApp": {"jpserver_extensions": {"descent_jupyter_guard": true}}}`)
	return dir, append(env, "PYTHONPATH="+filepath.Join(root, "docker"))
}

// TestJupyterGuard starts the real JupyterLab, bypassing the entrypoint
// (`docker run --entrypoint jupyter …`), with configurations that switch
// authentication or the XSRF checks off, and checks that the server stops
// before it listens; and that a normal configuration still serves.
func TestJupyterGuard(t *testing.T) {
	testenv.Slow(t) // four real JupyterLab servers: make test-docker runs it
	root := repoRoot(t)
	dir, env := guardEnv(t, root)
	open := filepath.Join(dir, "open_config.py")
	writeFile(t, open, "c.ServerApp.token = \"\"\nc.ServerApp.ip = \"127.0.0.1\"\n")
	jupyter := filepath.Join(root, ".venv", "bin", "jupyter")
	var allowRoot []string
	if os.Geteuid() == 0 {
		allowRoot = []string{"--allow-root"}
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"empty token flag", []string{"--IdentityProvider.token="}, "the token is empty and no password is set"},
		{"--config file replacing the image's", []string{"--config=" + open}, "the token is empty and no password is set"},
		{"XSRF off", []string{"--ServerApp.disable_check_xsrf=True"}, "disable_check_xsrf is on"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			port := freePort(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, jupyter, append(append([]string{"lab", "--no-browser"}, allowRoot...), c.args...)...)
			cmd.Env = append(append([]string(nil), env...), "JUPYTER_TOKEN=a-token", fmt.Sprintf("JUPYTER_PORT=%d", port))
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err == nil || ctx.Err() != nil || !strings.Contains(string(out), "descent: refusing to start Jupyter: "+c.want) {
				t.Fatalf("want the server to stop saying %q (err %v):\n%s", c.want, err, lastLines(string(out), 15))
			}
			if strings.Contains(string(out), "is running at") {
				t.Errorf("the server listened before stopping:\n%s", out)
			}
		})
	}
	t.Run("a token keeps serving", func(t *testing.T) {
		t.Parallel()
		port := freePort(t)
		cmd := exec.Command(jupyter, append([]string{"lab", "--no-browser", "--ip=127.0.0.1"}, allowRoot...)...)
		cmd.Env = append(append([]string(nil), env...), "JUPYTER_TOKEN=a-token", fmt.Sprintf("JUPYTER_PORT=%d", port))
		cmd.Dir = dir
		var log strings.Builder
		cmd.Stdout, cmd.Stderr = &log, &log
		done, stop := startGroup(t, cmd, 15*time.Second)
		defer stop()
		url := fmt.Sprintf("http://127.0.0.1:%d/api/contents", port)
		deadline := time.Now().Add(3 * time.Minute)
		for {
			select {
			case <-done:
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
