#!/usr/bin/env python3
"""Time numpy's vectorised versions of every optimizer step that
lib/optim's BenchmarkStep times (float64, the same hyperparameters, the
same sizes and the same data), for tools/bench/run.sh. Not part of the
default setup; run.sh picks Debian's python3-numpy when present, else a
venv with numpy from PyPI under build/bench/venv.

    python3 bench/numpy/steps.py > build/bench/raw/numpy.json

Each update is torch.optim's single-tensor update written the way a careful
numpy user writes it: in place, into preallocated temporaries, so that
numpy pays no allocations (bench/numpy/adam.py is the Adam one alone).
Reported per optimizer and size: the best over 3 rounds of the mean time
per step, in ns per element, and the effective bandwidth at the same bytes
per element that the Go benchmark counts (words × 8).
"""
import json
import os
import sys
import time

import numpy as np

SIZES = [10**3, 10**5, 10**6, 10**7]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# Elements processed per timed round (reps = max(3, WORK // n)).
WORK = float(os.environ.get("BENCH_WORK", "2e7"))



def _scaled_step(x, g, s, tmp, lr, eps):
    """x -= lr * g / (sqrt(s) + eps), in place through tmp (AdaGrad's and RMSProp's last pass)."""
    np.sqrt(s, out=tmp)
    tmp += eps
    np.divide(g, tmp, out=tmp)
    tmp *= -lr
    x += tmp

class SGDInPlace:
    words = 3

    def __init__(self, n, lr=1e-3):
        self.lr, self.tmp = lr, np.empty(n)

    def step(self, x, g):
        np.multiply(g, -self.lr, out=self.tmp)
        x += self.tmp


class Momentum:
    words = 5

    def __init__(self, n, lr=1e-3, mu=0.9):
        self.lr, self.mu, self.b, self.tmp, self.t = lr, mu, np.empty(n), np.empty(n), 0

    def step(self, x, g):
        if self.t == 0:
            self.b[:] = g
        else:
            self.b *= self.mu
            self.b += g
        self.t += 1
        np.multiply(self.b, -self.lr, out=self.tmp)
        x += self.tmp


class Nesterov(Momentum):
    def step(self, x, g):
        if self.t == 0:
            self.b[:] = g
        else:
            self.b *= self.mu
            self.b += g
        self.t += 1
        np.multiply(self.b, self.mu, out=self.tmp)
        self.tmp += g
        self.tmp *= -self.lr
        x += self.tmp


class AdaGrad:
    words = 5

    def __init__(self, n, lr=1e-2, eps=1e-10):
        self.lr, self.eps, self.s, self.tmp = lr, eps, np.zeros(n), np.empty(n)

    def step(self, x, g):
        np.multiply(g, g, out=self.tmp)
        self.s += self.tmp
        _scaled_step(x, g, self.s, self.tmp, self.lr, self.eps)


class RMSProp:
    words = 5

    def __init__(self, n, lr=1e-2, alpha=0.99, eps=1e-8):
        self.lr, self.alpha, self.eps, self.s, self.tmp = lr, alpha, eps, np.zeros(n), np.empty(n)

    def step(self, x, g):
        self.s *= self.alpha
        np.multiply(g, g, out=self.tmp)
        self.tmp *= 1 - self.alpha
        self.s += self.tmp
        _scaled_step(x, g, self.s, self.tmp, self.lr, self.eps)


class Adam:
    words = 7

    def __init__(self, n, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=False, amsgrad=False):
        self.lr, self.b1, self.b2, self.eps, self.wd, self.decoupled = lr, b1, b2, eps, wd, decoupled
        self.m, self.v, self.tmp, self.t = np.zeros(n), np.zeros(n), np.empty(n), 0
        self.vmax = np.zeros(n) if amsgrad else None
        if amsgrad:
            self.words = 9

    def step(self, x, g):
        self.t += 1
        bc1, bc2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        if self.decoupled:
            x *= 1 - self.lr * self.wd
        self.m *= self.b1
        np.multiply(g, 1 - self.b1, out=self.tmp)
        self.m += self.tmp
        self.v *= self.b2
        np.multiply(g, g, out=self.tmp)
        self.tmp *= 1 - self.b2
        self.v += self.tmp
        if self.vmax is not None:
            np.maximum(self.vmax, self.v, out=self.vmax)
            np.sqrt(self.vmax, out=self.tmp)
        else:
            np.sqrt(self.v, out=self.tmp)
        self.tmp /= bc2 ** 0.5
        self.tmp += self.eps
        np.divide(self.m, self.tmp, out=self.tmp)
        self.tmp *= -self.lr / bc1
        x += self.tmp


OPTS = [
    ("SGD", SGDInPlace),
    ("Momentum", Momentum),
    ("Nesterov", Nesterov),
    ("AdaGrad", AdaGrad),
    ("RMSProp", RMSProp),
    ("Adam", Adam),
    ("AdamW", lambda n: Adam(n, wd=0.01, decoupled=True)),
    ("Adam-AMSGrad", lambda n: Adam(n, amsgrad=True)),
]


def main():
    only = set(sys.argv[1:])
    out = {"numpy": np.__version__, "python": sys.version.split()[0], "numpy_path": os.path.dirname(np.__file__),
           "rounds": ROUNDS, "results": []}
    for name, mk in OPTS:
        if only and name not in only:
            continue
        for n in SIZES:
            i = np.arange(n)
            x = (i % 7) * 0.1
            g = (i % 13) - 6.0
            opt = mk(n)
            opt.step(x, g)  # size the state, as the Go benchmark does
            reps = max(3, int(WORK // n))
            best = float("inf")
            for _ in range(ROUNDS):
                t0 = time.perf_counter()
                for _ in range(reps):
                    opt.step(x, g)
                best = min(best, (time.perf_counter() - t0) / reps)
            ns = best * 1e9 / n
            out["results"].append({"name": name, "d": n, "words": opt.words, "ns_per_op": best * 1e9,
                                   "ns_per_elem": ns, "gb_per_s": 8 * opt.words / ns, "reps": reps})
            del x, g, opt
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
