#!/usr/bin/python3
"""Reference runs of scipy's L-BFGS-B on the problems of lib/secondorder's
comparison table (gonum's optimize/functions at their standard starts).

Run with Debian's python3-scipy:

    /usr/bin/python3 bench/scipy/lbfgsb_reference.py > lib/secondorder/testdata/lbfgsb_reference.json

The objectives are transcriptions of gonum v0.17.0's optimize/functions. The
gradients of the extended Rosenbrock function are analytic; those of the
small problems (n <= 10) use the complex step, f'(x)_j = Im f(x + ih e_j)/h
with h = 1e-30, which is exact to rounding. The Go test checks f and the
gradient at each start against gonum's, so a transcription error shows.

Settings: m = 10 pairs, gtol = 1e-8 on the infinity norm of the (projected)
gradient, ftol = 0 (no stop on relative decrease), maxls = 20, and limits
high enough never to bind. nfev counts calls returning f and the gradient
together.
"""
import json
import sys

import numpy as np
import scipy
from scipy.optimize import minimize


def ext_rosen(x):
    return float(np.sum((1 - x[:-1]) ** 2 + 100 * (x[1:] - x[:-1] ** 2) ** 2))


def ext_rosen_grad(x):
    g = np.zeros_like(x)
    a = 1 - x[:-1]
    b = x[1:] - x[:-1] ** 2
    g[:-1] += -2 * a - 400 * b * x[:-1]
    g[1:] += 200 * b
    return g


def beale(x):
    f1 = 1.5 - x[0] * (1 - x[1])
    f2 = 2.25 - x[0] * (1 - x[1] * x[1])
    f3 = 2.625 - x[0] * (1 - x[1] * x[1] * x[1])
    return f1 * f1 + f2 * f2 + f3 * f3


def wood(x):
    f1 = x[1] - x[0] * x[0]
    f2 = 1 - x[0]
    f3 = x[3] - x[2] * x[2]
    f4 = 1 - x[2]
    f5 = x[1] + x[3] - 2
    f6 = x[1] - x[3]
    return 100 * f1 * f1 + f2 * f2 + 90 * f3 * f3 + f4 * f4 + 10 * f5 * f5 + 0.1 * f6 * f6


def brown_badly_scaled(x):
    f1 = x[0] - 1e6
    f2 = x[1] - 2e-6
    f3 = x[0] * x[1] - 2
    return f1 * f1 + f2 * f2 + f3 * f3


def powell_badly_scaled(x):
    f1 = 1e4 * x[0] * x[1] - 1
    f2 = np.exp(-x[0]) + np.exp(-x[1]) - 1.0001
    return f1 * f1 + f2 * f2


def helical_valley(x):
    theta = 0.5 * np.arctan(x[1] / x[0]) / np.pi
    if np.real(x[0]) < 0:
        theta += 0.5
    f1 = 10 * (x[2] - 10 * theta)
    f2 = 10 * (np.sqrt(x[0] * x[0] + x[1] * x[1]) - 1)
    f3 = x[2]
    return f1 * f1 + f2 * f2 + f3 * f3


def box3d(x):
    s = 0
    for i in range(1, 11):
        c = -i / 10
        y = np.exp(c) - np.exp(10 * c)
        f = np.exp(c * x[0]) - np.exp(c * x[1]) - x[2] * y
        s += f * f
    return s


GAUSS_Y = {1: 0.0009, 15: 0.0009, 2: 0.0044, 14: 0.0044, 3: 0.0175, 13: 0.0175,
           4: 0.0540, 12: 0.0540, 5: 0.1295, 11: 0.1295, 6: 0.2420, 10: 0.2420,
           7: 0.3521, 9: 0.3521, 8: 0.3989}


def gaussian(x):
    s = 0
    for i in range(1, 16):
        c = 0.5 * (8 - i)
        b = c - x[2]
        e = np.exp(-0.5 * x[1] * b * b)
        f = x[0] * e - GAUSS_Y[i]
        s += f * f
    return s


def watson(x):
    s = 0
    n = len(x)
    for i in range(1, 30):
        d1 = i / 29
        d2 = 1.0
        s1 = 0
        for j in range(1, n):
            s1 += j * d2 * x[j]
            d2 *= d1
        d2 = 1.0
        s2 = 0
        for v in x:
            s2 += d2 * v
            d2 *= d1
        t = s1 - s2 * s2 - 1
        s += t * t
    t = x[1] - x[0] * x[0] - 1
    return s + x[0] * x[0] + t * t


def penalty1(x):
    s = 1e-5 * sum((v - 1) * (v - 1) for v in x)
    q = sum(v * v for v in x)
    return s + (q - 0.25) * (q - 0.25)


def variably_dimensioned(x):
    s = sum((v - 1) * (v - 1) for v in x)
    t = sum((i + 1) * (v - 1) for i, v in enumerate(x))
    t *= t
    s += t
    t *= t
    return s + t


def trigonometric(x):
    n = len(x)
    s1 = sum(np.cos(v) for v in x)
    s = 0
    for i, v in enumerate(x):
        f = (n + i + 1) - (i + 1) * np.cos(v) - np.sin(v) - s1
        s += f * f
    return s


def complex_step(f):
    h = 1e-30

    def grad(x):
        g = np.empty(len(x))
        for j in range(len(x)):
            z = x.astype(complex)
            z[j] += 1j * h
            g[j] = np.imag(f(z)) / h
        return g
    return grad


def alternate(n):
    return [-1.2 if i % 2 == 0 else 1.0 for i in range(n)]


PROBLEMS = [
    ("Rosenbrock 2-D", ext_rosen, ext_rosen_grad, [-1.2, 1]),
    ("ExtendedRosenbrock n=5", ext_rosen, ext_rosen_grad, [1.3, 0.7, 0.8, 1.9, 1.2]),
    ("ExtendedRosenbrock n=100", ext_rosen, ext_rosen_grad, alternate(100)),
    ("ExtendedRosenbrock n=1000", ext_rosen, ext_rosen_grad, alternate(1000)),
    ("Beale", beale, None, [1, 1]),
    ("Wood", wood, None, [-3, -1, -3, -1]),
    ("BrownBadlyScaled", brown_badly_scaled, None, [1, 1]),
    ("PowellBadlyScaled", powell_badly_scaled, None, [0, 1]),
    ("HelicalValley", helical_valley, None, [-1, 0, 0]),
    ("Gaussian", gaussian, None, [0.4, 1, 0]),
    ("Box3D", box3d, None, [0, 10, 20]),
    ("Watson n=6", watson, None, [0.0] * 6),
    ("PenaltyI n=4", penalty1, None, [1, 2, 3, 4]),
    ("PenaltyI n=10", penalty1, None, list(range(1, 11))),
    ("VariablyDimensioned n=10", variably_dimensioned, None, [1 - (i + 1) / 10 for i in range(10)]),
    ("Trigonometric n=10", trigonometric, None, [0.1] * 10),
]


def main():
    out = {"scipy": scipy.__version__, "numpy": np.__version__, "method": "L-BFGS-B",
           "options": {"maxcor": 10, "gtol": 1e-8, "ftol": 0.0, "maxls": 20}, "problems": []}
    for name, f, g, start in PROBLEMS:
        grad = g if g is not None else complex_step(f)
        x0 = np.array(start, dtype=float)

        def fg(x):
            return float(np.real(f(x))), grad(x)
        r = minimize(fg, x0, jac=True, method="L-BFGS-B",
                     options={"maxcor": 10, "gtol": 1e-8, "ftol": 0.0, "maxls": 20,
                              "maxiter": 100000, "maxfun": 100000})
        gx = grad(r.x)
        out["problems"].append({
            "name": name, "n": len(start), "start": list(map(float, start)),
            "f0": float(np.real(f(x0))), "grad0": list(map(float, grad(x0))) if len(start) <= 10 else None,
            "grad0_inf": float(np.max(np.abs(grad(x0)))),
            "nit": int(r.nit), "nfev": int(r.nfev), "njev": int(r.njev),
            "f": float(r.fun), "grad_inf": float(np.max(np.abs(gx))),
            "success": bool(r.success), "message": str(r.message),
        })
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
