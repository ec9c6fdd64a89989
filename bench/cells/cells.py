#!/usr/bin/env python3
"""Time kinds of notebook cell side by side through the real gonb kernel,
for tools/bench/run.sh (issue 21). Run it with the project's Python:

    .venv/bin/python bench/cells/cells.py --root . --rounds 7 > build/bench/raw/cells.json

It starts the course kernel (the gonb kernel spec in .venv/share/jupyter,
exactly as JupyterLab and nbrun start it), runs one declaration cell with
the imports, then ROUNDS rounds of one cell of each kind, in turn, so the
kinds see the same machine load. Every cell's source is made unique (a
counter in the code), so GoNB must compile and link it as it does for a
student's edited cell; the build cache is warm after the first, discarded,
round. Kinds:

  empty        prints a number
  optimizer    runs Adam on Rosenbrock (2000 steps) and prints f
  chart        the same run, shown with nb.Show(viz.LossCurves(...))
  heatmap      a 12×12 matrix shown with nb.Show(viz.NewHeatMaps(...))
  table        the run summarised with nb.Show(viz.RunTable(...))
  first-chart  nb.Reload() then the chart: the one chart per kernel session
               that carries the echarts bundle

Per cell it records the wall time (execute_request sent to the kernel's
idle status), the CPU time of the kernel and every process it waited for
(utime+stime+cutime+cstime of the gonb process from /proc: goimports, go
get, go build with compile and link, and the cell's program), and GoNB's
own phases from its log (-v=2 timestamps): goimports, go get, go build,
run. It prints one JSON object. It fails (exit 1) when a cell fails.

With --root given twice (e.g. a copy of an older commit with its own
.venv/share/jupyter kernel spec), the kernels run round-robin, so a
before/after comparison sees the same load too.

With --notebook (repeatable) it also runs each notebook's code cells in
order in a fresh kernel started in the notebook's folder (as nbrun does;
a relative path names the notebook inside each checkout, and with two
checkouts they take turns notebook by notebook),
and records per notebook the wall and CPU time of every cell and the sums
of GoNB's phases: how much of a notebook's warm run is building cells and
how much is running them. A failing cell ends that notebook's run (later
cells depend on it) and is reported; it does not fail the script.
"""
import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

DECLARATIONS = """import (
	"fmt"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/nb"
	"gonum.org/v1/gonum/mat"
)

// benchRun is the optimizer run the cells share: Adam on Rosenbrock.
func benchRun(n int) optim.Result {
	return optim.Run(problems.Rosenbrock(), []float64{-1.2, 1}, optim.NewAdam(0.01),
		optim.Settings{MaxIter: 2000 + n%2, Label: "Adam"})
}

// benchMatrix is a 12×12 symmetric matrix for the heat-map cell.
func benchMatrix(n int) *mat.SymDense {
	m := mat.NewSymDense(12, nil)
	for i := 0; i < 12; i++ {
		for j := i; j < 12; j++ {
			m.SetSym(i, j, float64((i+1)*(j+n%3+1)%17)-8)
		}
	}
	return m
}
"""

# Each source has one {n}: the cell's unique number.
KINDS = {
    "empty": "%%\nfmt.Println({n})\n",
    "optimizer": "%%\nr := benchRun({n})\nfmt.Println(r.F)\n",
    "chart": "%%\nr := benchRun({n})\nnb.Show(viz.LossCurves(\"Adam on Rosenbrock\", viz.ByIter, r))\n",
    "heatmap": "%%\nnb.Show(viz.NewHeatMaps(\"A symmetric matrix\", viz.MatrixOf(\"M\", benchMatrix({n}))))\n",
    "table": "%%\nr := benchRun({n})\nnb.Show(viz.RunTable(\"One run\", r))\n",
    "first-chart": "%%\nif err := nb.Reload(); err != nil {{\n\tpanic(err)\n}}\n"
    "r := benchRun({n})\nnb.Show(viz.LossCurves(\"Adam on Rosenbrock\", viz.ByIter, r))\n",
}

TICK = os.sysconf("SC_CLK_TCK")

# GoNB's log lines (klog, -v=2) that start each phase of a cell.
PHASES = [
    ("start", re.compile(r"execcode\.go:\d+\].*ExecuteCell: \[")),
    ("goimports", re.compile(r"Executing \S*goimports ")),
    ("goget", re.compile(r"Executing \S*/go get")),
    ("build", re.compile(r"Executing \S*/go build")),
    ("built", re.compile(r"ExecuteCell: after s\.Compile\(\)")),
    ("run", re.compile(r"jpyexec\.go:\d+\].*Executing: ")),
    ("end", re.compile(r"PostExecuteCell\(\)")),
]
KLOG_TIME = re.compile(r"^[IWEF]\d{4} (\d\d):(\d\d):(\d\d\.\d+)")


def proc_cpu(pid):
    """CPU seconds of pid and its waited-for children."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK


def klog_seconds(line):
    m = KLOG_TIME.match(line)
    if not m:
        return None
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


class Kernel:
    """One gonb kernel of one checkout, with its log for GoNB's phases."""

    def __init__(self, root, label, workdir, cwd=None):
        self.root, self.label = root, label
        self.log_path = os.path.join(workdir, f"gonb-{label}.log")
        self.log = open(self.log_path, "w")
        self.log_pos = 0
        env = dict(os.environ)
        env["JUPYTER_DATA_DIR"] = os.path.join(root, ".venv", "share", "jupyter")
        env["PATH"] = os.path.join(root, ".tools", "bin") + os.pathsep + env.get("PATH", "")
        # This checkout's kernel spec, whichever Python runs this script
        # (a venv's own share/jupyter would otherwise come first).
        kernels = os.path.join(root, ".venv", "share", "jupyter", "kernels")
        self.km = KernelManager(kernel_name="gonb", kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        if not self.km.kernel_spec.resource_dir.startswith(kernels):
            raise SystemExit(f"cells.py: {label}: found the gonb kernel spec in {self.km.kernel_spec.resource_dir}, not {kernels}")
        self.spec_env = dict(self.km.kernel_spec.env)
        t0 = time.monotonic()
        self.km.start_kernel(extra_arguments=["-v=2"], stderr=self.log, env=env, cwd=cwd or workdir)
        self.pid = self.km.provisioner.process.pid
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.start_seconds = time.monotonic() - t0

    def phases(self):
        """GoNB's phase durations of the last cell, from its new log lines."""
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            f.seek(self.log_pos)
            text = f.read()
            self.log_pos = f.tell()
        at = {}
        for line in text.splitlines():
            for name, pat in PHASES:
                if name not in at and pat.search(line):
                    t = klog_seconds(line)
                    if t is not None:
                        at[name] = t
        out = {}
        for name, a, b in [("prepare", "start", "goimports"), ("goimports", "goimports", "goget"),
                           ("go get", "goget", "build"), ("go build", "build", "built"),
                           ("run", "run", "end")]:
            if a in at and b in at:
                out[name] = max(0.0, (at[b] - at[a]) % 86400)
        return out

    def run(self, src, timeout=600):
        """Runs one cell; returns wall and CPU seconds, phases and what failed."""
        c0, t0 = proc_cpu(self.pid), time.monotonic()
        msg_id = self.kc.execute(src, store_history=False)
        failure, displays, stderr = None, 0, []
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "idle":
                break
            if kind == "error":
                failure = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "stream" and content.get("name") == "stderr":
                stderr.append(content.get("text", ""))
            elif kind == "display_data":
                displays += 1
        wall, cpu = time.monotonic() - t0, proc_cpu(self.pid) - c0
        err = "".join(stderr)
        if failure is None and ("panic:" in err or "exit status" in err):
            failure = err.strip()[-400:]
        return {"wall": wall, "cpu": cpu, "phases": self.phases(), "displays": displays, "failure": failure}

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)
            self.log.close()


def run_notebook(root, label, path, work):
    """Runs a notebook's code cells in order in a fresh kernel of root."""
    if not os.path.isabs(path):
        path = os.path.join(root, path)
    with open(path) as f:
        nb = json.load(f)
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
             for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    t0 = time.monotonic()
    k = Kernel(root, label + "-" + os.path.basename(path), work, cwd=os.path.dirname(os.path.abspath(path)))
    res = {"notebook": os.path.basename(path), "checkout": label, "code_cells": len(cells), "kernel_start_seconds": k.start_seconds,
           "cells": [], "failed_cell": None, "failure": None}
    try:
        for i, src in enumerate(cells):
            r = k.run(src)
            res["cells"].append({"cell": i + 1, "wall": r["wall"], "cpu": r["cpu"], "phases": r["phases"]})
            if r["failure"]:
                res["failed_cell"], res["failure"] = i + 1, r["failure"][-400:]
                break
    finally:
        k.close()
    res["wall"] = time.monotonic() - t0
    res["cells_wall"] = sum(c["wall"] for c in res["cells"])
    res["cpu"] = sum(c["cpu"] for c in res["cells"])
    res["phases_sum"] = {}
    for c in res["cells"]:
        for name, v in c["phases"].items():
            res["phases_sum"][name] = res["phases_sum"].get(name, 0.0) + v
    return res


def summary(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "n": len(values)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", action="append", required=True,
                    help="checkout whose .venv kernel spec and .tools to use (give twice to compare; label=path allowed)")
    ap.add_argument("--rounds", type=int, default=7, help="measured rounds (after one warm-up round)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds, in the order run")
    ap.add_argument("--notebook", action="append", default=[],
                    help="also run this notebook's code cells in a fresh kernel of each checkout (repeatable)")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds:
        if k not in KINDS:
            sys.exit(f"cells.py: unknown kind {k!r}; known: {', '.join(KINDS)}")
    roots = []
    for r in args.root:
        label, _, path = r.rpartition("=")
        path = os.path.abspath(path)
        roots.append((label or os.path.basename(path), path))

    work = tempfile.mkdtemp(prefix="descent-cells-")
    kernels = []
    out = {"load_start": open("/proc/loadavg").read().split()[:3], "rounds": args.rounds, "kinds": kinds,
           "cpus": os.cpu_count(), "machine": platform.machine(), "checkouts": []}
    out["notebooks"] = []
    try:
        for nb, (label, path) in ((nb, r) for nb in args.notebook for r in roots):
            r = run_notebook(path, label, nb, work)
            out["notebooks"].append(r)
            print(f"cells.py: {label} {r['notebook']}: {len(r['cells'])} of {r['code_cells']} cells, {r['wall']:.1f} s wall, "
                  f"{r['cpu']:.1f} s CPU" + (f", failed at cell {r['failed_cell']}" if r["failed_cell"] else ""),
                  file=sys.stderr, flush=True)
        if args.rounds <= 0:
            kinds = []
        for label, path in (roots if kinds else []):
            k = Kernel(path, label, work)
            kernels.append(k)
            r = k.run(DECLARATIONS)
            if r["failure"]:
                raise SystemExit(f"cells.py: {label}: the declaration cell failed: {r['failure']}")
        n = 0
        samples = {k.label: {kind: [] for kind in kinds} for k in kernels}
        for rnd in range(args.rounds + 1 if kinds else 0):  # round 0 warms the cache and is dropped
            for kind in kinds:
                for k in kernels:
                    n += 1
                    r = k.run(KINDS[kind].format(n=n))
                    if r["failure"]:
                        raise SystemExit(f"cells.py: {k.label}: {kind} cell failed: {r['failure']}")
                    want = 0 if kind in ("empty", "optimizer") else 1
                    if r["displays"] != want:
                        raise SystemExit(f"cells.py: {k.label}: {kind} cell showed {r['displays']} outputs, want {want}")
                    if rnd > 0:
                        samples[k.label][kind].append(r)
                    print(f"cells.py: {k.label} round {rnd} {kind}: {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU",
                          file=sys.stderr, flush=True)
        for k in kernels:
            res = {"label": k.label, "root": k.root, "kernel_env": k.spec_env,
                   "kernel_start_seconds": k.start_seconds, "kinds": {}}
            for kind in kinds:
                rs = samples[k.label][kind]
                ph = {}
                for name in ("prepare", "goimports", "go get", "go build", "run"):
                    v = [r["phases"][name] for r in rs if name in r["phases"]]
                    if v:
                        ph[name] = statistics.median(v)
                res["kinds"][kind] = {"wall": summary([r["wall"] for r in rs]),
                                      "cpu": summary([r["cpu"] for r in rs]),
                                      "phases_median": ph,
                                      "wall_samples": [r["wall"] for r in rs],
                                      "cpu_samples": [r["cpu"] for r in rs]}
            out["checkouts"].append(res)
    finally:
        for k in kernels:
            k.close()
    out["load_end"] = open("/proc/loadavg").read().split()[:3]
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
