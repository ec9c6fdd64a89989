package hub

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/descentlab/descent/internal/testenv"
)

// TestInstructorFiles loads hub/jupyterhub_config.py the way JupyterHub
// does (a traitlets Config from get_config()) and parses hub/z2jh-config.yaml,
// and checks that both start the image's jupyterhub-singleuser with the same
// per-student limits. Neither DockerSpawner nor Kubernetes runs here.
func TestInstructorFiles(t *testing.T) {
	repo := testenv.Root(t)
	testenv.Need(t, repo, testenv.Prereq{Path: ".venv/bin/python", Hint: "make setup"})
	py := filepath.Join(repo, ".venv", "bin", "python")
	const check = `
import os, sys, yaml
from traitlets.config import Config
repo = sys.argv[1]
c = Config()
os.environ.setdefault("DESCENT_CLASS_PASSWORD", "x" * 12)
src = open(os.path.join(repo, "hub", "jupyterhub_config.py")).read()
exec(compile(src, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
d = c.DockerSpawner
assert c.JupyterHub.spawner_class == "dockerspawner.DockerSpawner", c.JupyterHub.spawner_class
assert list(d.cmd) == ["jupyterhub-singleuser"], d.cmd
assert d.notebook_dir == "/home/jovyan/work", d.notebook_dir
assert "/home/jovyan/work" in d.volumes.values(), d.volumes

z = yaml.safe_load(open(os.path.join(repo, "hub", "z2jh-config.yaml")))
s = z["singleuser"]
assert s["cmd"] == "jupyterhub-singleuser", s["cmd"]
assert (s["uid"], s["fsGid"]) == (1000, 100), (s["uid"], s["fsGid"])
assert s["image"]["name"] and s["image"]["tag"] and s["image"]["tag"] != "latest", s["image"]
assert z["prePuller"]["hook"]["enabled"] and z["prePuller"]["continuous"]["enabled"]
def size(v):
    v = str(v)
    units = {"M": 10**6, "G": 10**9, "Mi": 2**20, "Gi": 2**30}
    for u in sorted(units, key=len, reverse=True):
        if v.endswith(u):
            return float(v[: -len(u)]) * units[u]
    return float(v)
mem, cpu = s["memory"], s["cpu"]
assert size(mem["guarantee"]) <= size(mem["limit"]), mem
assert float(cpu["guarantee"]) <= float(cpu["limit"]), cpu
assert size(d.mem_limit) == size(mem["limit"]), (d.mem_limit, mem["limit"])
assert float(d.cpu_limit) == float(cpu["limit"]), (d.cpu_limit, cpu["limit"])
print("ok")
`
	out, err := exec.Command(py, "-c", check, repo).CombinedOutput()
	if err != nil {
		t.Fatalf("instructor files: %v\n%s", err, out)
	}
}
