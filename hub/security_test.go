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
// its API never binds 0.0.0.0, students' containers have a process limit, no
// capabilities, a bounded /tmp and work folder and a hook that blocks the
// cloud metadata address, and the README warns against the shared password
// and names the authenticators to use instead, and says what the instructor
// sets on the host.
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
for k in ("HUB_IP", "HUB_CONNECT_IP", "HUB_BIND_URL", "DOCKER_HOST", "DESCENT_WORK_ROOT", "DESCENT_WORK_SIZE", "DESCENT_LAYER_SIZE"):
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
assert h["tmpfs"] == {"/tmp": "size=256m,mode=1777"}, h
assert "storage_opt" not in h, h  # only where the host's storage can (DESCENT_LAYER_SIZE)
assert c.Spawner.pre_spawn_hook.__name__ == "prepare_student", c.Spawner.pre_spawn_hook
(src, dst), = c.DockerSpawner.volumes.items()
assert src == "/srv/descent-work/mnt/{username}/work" and dst == "/home/jovyan/work", c.DockerSpawner.volumes
c = load({"HUB_IP": "10.1.2.3"})
assert (c.JupyterHub.hub_ip, c.JupyterHub.hub_connect_ip) == ("10.1.2.3", "10.1.2.3"), c.JupyterHub.hub_ip
c = load({"DESCENT_LAYER_SIZE": "2G", "DESCENT_WORK_SIZE": "0"})
assert c.DockerSpawner.extra_host_config["storage_opt"] == {"size": "2G"}, c.DockerSpawner.extra_host_config
assert c.DockerSpawner.volumes == {"descent-{username}": "/home/jovyan/work"}, c.DockerSpawner.volumes

z = yaml.safe_load(open(os.path.join(repo, "hub", "z2jh-config.yaml")))
sc = z["singleuser"]["extraContainerConfig"]["securityContext"]
assert sc["capabilities"]["drop"] == ["ALL"], sc
assert sc["allowPrivilegeEscalation"] is False and sc["runAsUser"] == 1000, sc
su = z["singleuser"]
assert su["cloudMetadata"]["blockWithIptables"] is True and su["cloudMetadata"]["ip"] == "169.254.169.254", su
assert su["networkPolicy"]["enabled"] is True and su["networkPolicy"]["egressAllowRules"]["cloudMetadataServer"] is False, su
assert su["storage"]["capacity"] == "1Gi", su
tmp = [v for v in su["storage"]["extraVolumes"] if v["name"] == "tmp"][0]
assert tmp["emptyDir"] == {"medium": "Memory", "sizeLimit": "256Mi"}, tmp
assert {"name": "tmp", "mountPath": "/tmp"} in su["storage"]["extraVolumeMounts"], su
assert su["extraResource"]["limits"]["ephemeral-storage"], su
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
		"pids_limit: 512", `cap_drop: ["ALL"]`, `"tmpfs": {"/tmp": "size=256m,mode=1777"}`,
		"iptables -I DOCKER-USER -d 169.254.169.254/32 -j REJECT", "DESCENT_WORK_SIZE", "DESCENT_LAYER_SIZE", "pquota"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("hub/README.md lacks %q", want)
		}
	}
}
