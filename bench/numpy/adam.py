#!/usr/bin/env python3
"""Time numpy's vectorised Adam step (float64) at the sizes of lib/optim's
BenchmarkStep/Adam, for the side-by-side comparison of the course's
performance note. Not part of the default setup.

    /usr/bin/python3 bench/numpy/adam.py            # Debian's python3-numpy
    # or: python3 -m venv .venv-bench && .venv-bench/bin/pip install numpy
    #     .venv-bench/bin/python bench/numpy/adam.py

The update is torch.optim.Adam's (no weight decay), written the way a
careful numpy user writes it: in place, with preallocated temporaries, so
that numpy is not penalised for allocations. Prints ns per element and the
effective bandwidth at 56 bytes per element (read x, g, m, v; write x, m, v).
"""
import sys
import time

import numpy as np


def adam_step(x, g, m, v, t, tmp, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    bc1 = 1 - b1 ** t
    bc2 = 1 - b2 ** t
    m *= b1
    m += (1 - b1) * g          # one temporary: (1-b1)*g
    v *= b2
    np.multiply(g, g, out=tmp)
    tmp *= 1 - b2
    v += tmp
    np.sqrt(v, out=tmp)
    tmp /= bc2 ** 0.5
    tmp += eps
    np.divide(m, tmp, out=tmp)
    tmp *= -lr / bc1
    x += tmp


def main():
    sizes = [10**3, 10**5, 10**6, 10**7]
    print("numpy %s, python %s" % (np.__version__, sys.version.split()[0]))
    for n in sizes:
        i = np.arange(n)
        x = (i % 7) * 0.1
        g = (i % 13) - 6.0
        m = np.zeros(n)
        v = np.zeros(n)
        tmp = np.empty(n)
        t = 1
        adam_step(x, g, m, v, t, tmp)
        reps = max(3, int(2e7 // n))
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(reps):
                t += 1
                adam_step(x, g, m, v, t, tmp)
            best = min(best, (time.perf_counter() - t0) / reps)
        ns = best * 1e9 / n
        print("numpy Adam d=%.0e  %10.1f us/step  %6.2f ns/elem  %6.2f GB/s (56 B/elem)"
              % (n, best * 1e6, ns, 56 / ns))


if __name__ == "__main__":
    main()
