#!/usr/bin/python3
"""Time scipy's L-BFGS-B on the problems of lib/secondorder's comparison
table, for tools/bench/run.sh (the side-by-side benchmark report).

    /usr/bin/python3 bench/scipy/lbfgsb_timed.py > build/bench/raw/scipy.json

The problems, starts, gradients and settings are those of
lbfgsb_reference.py (imported from beside this file): m = 10, gtol = 1e-8
on the infinity norm, ftol = 0, maxls = 20. Each problem is solved
repeatedly for at least MIN_SECONDS and the mean wall time of one solve is
reported with its counts. The time includes Python-level objectives and,
for n <= 10, complex-step gradients (n complex evaluations per gradient),
so it compares implementations, not only algorithms.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.optimize import minimize  # noqa: E402

import lbfgsb_reference as ref  # noqa: E402

MIN_SECONDS = float(os.environ.get("BENCH_MIN_SECONDS", "0.05"))
OPTIONS = {"maxcor": 10, "gtol": 1e-8, "ftol": 0.0, "maxls": 20, "maxiter": 100000, "maxfun": 100000}


def main():
    out = {"scipy": scipy.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
           "method": "L-BFGS-B", "options": OPTIONS, "min_seconds": MIN_SECONDS, "problems": []}
    for name, f, g, start in ref.PROBLEMS:
        grad = g if g is not None else ref.complex_step(f)
        x0 = np.array(start, dtype=float)

        def fg(x):
            return float(np.real(f(x))), grad(x)

        def solve():
            return minimize(fg, x0, jac=True, method="L-BFGS-B", options=OPTIONS)

        r = solve()  # warm-up, and the counts
        reps, t0 = 0, time.perf_counter()
        while True:
            solve()
            reps += 1
            el = time.perf_counter() - t0
            if el >= MIN_SECONDS:
                break
        gx = grad(r.x)
        out["problems"].append({
            "name": name, "n": len(start), "nit": int(r.nit), "nfev": int(r.nfev),
            "f": float(r.fun), "grad_inf": float(np.max(np.abs(gx))), "success": bool(r.success),
            "message": str(r.message), "seconds": el / reps, "reps": reps,
        })
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
