package hub

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstructorFilesAreLockedDown loads hub/jupyterhub_config.py as
// JupyterHub does and parses hub/z2jh-config.yaml, and checks what keeps a
// class safe: the hub serves plain HTTP on the loopback only (TLS in front),
// its API never binds 0.0.0.0, students' containers have a process limit and
// no capabilities, and the README warns against the shared password and
// names the authenticators to use instead.
func TestInstructorFilesAreLockedDown(t *testing.T) {
	repo, _ := filepath.Abs("..")
	py := filepath.Join(repo, ".venv", "bin", "python")
	if _, err := os.Stat(py); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("no .venv (make setup)")
		}
		t.Fatal("no .venv/bin/python (CI is set: this test must run)")
	}
	const check = `
import os, sys, yaml
from traitlets.config import Config
repo = sys.argv[1]
for k in ("HUB_IP", "HUB_CONNECT_IP", "HUB_BIND_URL", "DOCKER_HOST"):
    os.environ.pop(k, None)
os.environ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock"  # no Docker: the fallback address
os.environ.setdefault("DESCENT_CLASS_PASSWORD", "x" * 12)

def load(env):
    os.environ.update(env)
    c = Config()
    src = open(os.path.join(repo, "hub", "jupyterhub_config.py")).read()
    exec(compile(src, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
    return c

c = load({})
assert c.JupyterHub.bind_url.startswith("http://127.0.0.1:"), c.JupyterHub.bind_url
assert c.JupyterHub.hub_ip not in ("", "0.0.0.0", "::"), c.JupyterHub.hub_ip
assert c.JupyterHub.hub_connect_ip == c.JupyterHub.hub_ip, (c.JupyterHub.hub_connect_ip, c.JupyterHub.hub_ip)
h = c.DockerSpawner.extra_host_config
assert 0 < h["pids_limit"] <= 4096, h
assert h["cap_drop"] == ["ALL"], h
assert "no-new-privileges" in h["security_opt"], h
c = load({"HUB_IP": "10.1.2.3"})
assert (c.JupyterHub.hub_ip, c.JupyterHub.hub_connect_ip) == ("10.1.2.3", "10.1.2.3"), c.JupyterHub.hub_ip

z = yaml.safe_load(open(os.path.join(repo, "hub", "z2jh-config.yaml")))
sc = z["singleuser"]["extraContainerConfig"]["securityContext"]
assert sc["capabilities"]["drop"] == ["ALL"], sc
assert sc["allowPrivilegeEscalation"] is False and sc["runAsUser"] == 1000, sc
print("ok")
`
	out, err := exec.Command(py, "-c", check, repo).CombinedOutput()
	if err != nil {
		t.Fatalf("instructor files: %v\n%s", err, out)
	}
	readme, err := os.ReadFile(filepath.Join(repo, "hub", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**as any other student**", "oauthenticator", "jupyterhub-ltiauthenticator",
		"jupyterhub-ldapauthenticator", "jupyterhub-nativeauthenticator", "Plain HTTP behind TLS termination only",
		"pids_limit: 512", `cap_drop: ["ALL"]`} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("hub/README.md lacks %q", want)
		}
	}
}
