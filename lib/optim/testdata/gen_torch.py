#!/usr/bin/python3
"""Record reference trajectories of torch.optim and torch.optim.lr_scheduler.

Run with Debian's python3-torch (float64 throughout):

    /usr/bin/python3 lib/optim/testdata/gen_torch.py

It writes optimizers.json and schedules.json beside itself. The Go tests in
lib/optim replay them (parity_test.go) and never need torch.

Optimizer cases come in two modes:
  exact: the gradient is that of the fixed function
         f(x) = sum_i a_i/2 (x_i - t_i)^2 + c/4 x_i^4, g_i = a_i (x_i - t_i) + c x_i^3
         (negated when the case says "negate"), evaluated at the current x,
         so the Go replay computes its own gradients from its own iterates;
  noisy: the gradients are seeded random vectors stored in the file.
A case may also carry "lrs": the learning rate set before each step (a
torch scheduler drives it), which the Go replay sets with SetLearningRate.
"""
import json
import math
import os
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float64)

STEPS = 60
A = [0.5, 1.0, 2.0, 4.0, 8.0]
T = [1.0, -2.0, 0.5, 3.0, -1.0]
C = 0.05
X0 = [0.3, 1.2, -0.7, 2.0, 0.1]


def fgrad(x, negate):
    a = torch.tensor(A)
    t = torch.tensor(T)
    g = a * (x - t) + C * x ** 3
    return -g if negate else g


# Go field names -> torch keyword arguments.
def torch_optimizer(kind, opts, params):
    o = dict(opts)
    kw = {}
    if "LR" in o:
        kw["lr"] = o.pop("LR")
    if "WeightDecay" in o:
        kw["weight_decay"] = o.pop("WeightDecay")
    if o.pop("Maximize", False):
        kw["maximize"] = True
    if kind == "SGD":
        kw.setdefault("lr", 1e-3)
        cls = torch.optim.SGD
    elif kind in ("Momentum", "Nesterov"):
        kw.setdefault("lr", 1e-3)
        kw["momentum"] = o.pop("Momentum", 0.9)
        kw["dampening"] = o.pop("Dampening", 0.0)
        kw["nesterov"] = kind == "Nesterov"
        cls = torch.optim.SGD
    elif kind == "AdaGrad":
        kw["lr_decay"] = o.pop("LRDecay", 0.0)
        kw["initial_accumulator_value"] = o.pop("InitialAccumulator", 0.0)
        kw["eps"] = o.pop("Eps", 1e-10)
        cls = torch.optim.Adagrad
    elif kind == "RMSProp":
        kw["alpha"] = o.pop("Alpha", 0.99)
        kw["eps"] = o.pop("Eps", 1e-8)
        kw["momentum"] = o.pop("Momentum", 0.0)
        kw["centered"] = o.pop("Centered", False)
        cls = torch.optim.RMSprop
    elif kind in ("Adam", "AdamW"):
        kw["betas"] = (o.pop("Beta1", 0.9), o.pop("Beta2", 0.999))
        kw["eps"] = o.pop("Eps", 1e-8)
        kw["amsgrad"] = o.pop("AMSGrad", False)
        cls = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
    else:
        raise ValueError(kind)
    o.pop("ClipNorm", None)  # applied to the gradient in run, before the step
    if o:
        raise ValueError("unmapped options %r for %s" % (o, kind))
    kw["foreach"] = False  # the single-tensor code path
    return cls([params], **kw)


CASES = [
    ("SGD", {"LR": 0.05}),
    ("SGD", {"LR": 0.05, "WeightDecay": 0.1}),
    ("SGD", {"LR": 0.05, "Maximize": True}),
    ("SGD", {"LR": 0.05, "WeightDecay": 0.1, "Maximize": True}),
    ("Momentum", {"LR": 0.02, "Momentum": 0.9}),
    ("Momentum", {"LR": 0.02, "Momentum": 0.8, "Dampening": 0.3}),
    ("Momentum", {"LR": 0.02, "Momentum": 0.9, "WeightDecay": 0.05, "Maximize": True}),
    ("Nesterov", {"LR": 0.02, "Momentum": 0.9}),
    ("Nesterov", {"LR": 0.02, "Momentum": 0.7, "WeightDecay": 0.05}),
    ("Nesterov", {"LR": 0.02, "Momentum": 0.9, "Maximize": True}),
    ("AdaGrad", {"LR": 0.3}),
    ("AdaGrad", {"LR": 0.3, "LRDecay": 0.01, "InitialAccumulator": 0.1, "Eps": 1e-6}),
    ("AdaGrad", {"LR": 0.3, "WeightDecay": 0.1, "Maximize": True}),
    ("RMSProp", {"LR": 0.01}),
    ("RMSProp", {"LR": 0.01, "Alpha": 0.9, "Eps": 1e-6, "Centered": True}),
    ("RMSProp", {"LR": 0.005, "Momentum": 0.5}),
    ("RMSProp", {"LR": 0.005, "Momentum": 0.5, "Centered": True, "WeightDecay": 0.1, "Maximize": True}),
    ("Adam", {"LR": 0.05}),
    ("Adam", {"LR": 0.05, "Beta1": 0.8, "Beta2": 0.99, "Eps": 1e-6}),
    ("Adam", {"LR": 0.05, "AMSGrad": True}),
    ("Adam", {"LR": 0.05, "WeightDecay": 0.1}),
    ("Adam", {"LR": 0.05, "WeightDecay": 0.1, "AMSGrad": True, "Maximize": True}),
    ("AdamW", {"LR": 0.05}),
    ("AdamW", {"LR": 0.05, "WeightDecay": 0.3}),
    ("AdamW", {"LR": 0.05, "WeightDecay": 0.3, "AMSGrad": True, "Maximize": True}),
]

# Cases whose gradient is clipped to a norm of at most ClipNorm before each
# step (torch.nn.utils.clip_grad_norm_; optim.NewClipped in the replay).
CLIPPED = [
    ("SGD", {"LR": 0.05, "ClipNorm": 1.0}),
    ("Momentum", {"LR": 0.02, "Momentum": 0.9, "ClipNorm": 0.5}),
    ("RMSProp", {"LR": 0.01, "ClipNorm": 0.5}),
    ("Adam", {"LR": 0.05, "ClipNorm": 0.5}),
]

# Cases replayed with a changing learning rate (set by a torch scheduler).
SCHEDULED = [
    ("Momentum", {"LR": 0.02, "Momentum": 0.9}, "step"),
    ("Nesterov", {"LR": 0.02, "Momentum": 0.9}, "cosine"),
    ("Adam", {"LR": 0.05}, "cosine"),
    ("RMSProp", {"LR": 0.01, "Momentum": 0.5}, "step"),
    ("AdaGrad", {"LR": 0.3}, "cosine"),
]


def run(kind, opts, mode, sched=None, seed=0, scale=1.0):
    x = torch.tensor(X0, requires_grad=False).clone()
    p = torch.nn.Parameter(x.clone())
    opt = torch_optimizer(kind, opts, p)
    sch = None
    if sched == "step":
        sch = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    elif sched == "cosine":
        sch = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS, eta_min=1e-3)
    gen = torch.Generator().manual_seed(seed)
    negate = bool(opts.get("Maximize", False))
    xs, grads, lrs = [], [], []
    for k in range(STEPS):
        if mode == "exact":
            g = fgrad(p.detach(), negate)
        else:
            g = scale * (torch.randn(len(X0), generator=gen) + 0.3)
            grads.append(g.tolist())
        lrs.append(opt.param_groups[0]["lr"])
        p.grad = g.clone()
        if "ClipNorm" in opts:
            torch.nn.utils.clip_grad_norm_([p], opts["ClipNorm"])
        opt.step()
        if sch is not None:
            sch.step()
        xs.append(p.detach().tolist())
    out = {"optimizer": kind, "options": opts, "mode": mode, "negate": negate,
           "x0": X0, "xs": xs}
    if mode == "noisy":
        out["grads"] = grads
    if sched is not None:
        out["lrs"] = lrs
    return out


def optimizer_cases():
    cases = []
    for i, (kind, opts) in enumerate(CASES):
        c = run(kind, opts, "exact")
        c["name"] = "%s/exact/%d" % (kind, i)
        cases.append(c)
        c = run(kind, opts, "noisy", seed=1000 + i)
        c["name"] = "%s/noisy/%d" % (kind, i)
        cases.append(c)
        if kind in ("AdaGrad", "RMSProp", "Adam", "AdamW"):
            # Tiny gradients: the regime where eps matters.
            c = run(kind, opts, "noisy", seed=2000 + i, scale=1e-7)
            c["name"] = "%s/tiny/%d" % (kind, i)
            cases.append(c)
    for i, (kind, opts, sched) in enumerate(SCHEDULED):
        c = run(kind, opts, "exact", sched=sched)
        c["name"] = "%s/%s/%d" % (kind, sched, i)
        cases.append(c)
    for i, (kind, opts) in enumerate(CLIPPED):
        c = run(kind, opts, "exact")
        c["name"] = "%s/clipped-exact/%d" % (kind, i)
        cases.append(c)
        c = run(kind, opts, "noisy", seed=3000 + i, scale=3.0)
        c["name"] = "%s/clipped-noisy/%d" % (kind, i)
        cases.append(c)
    return cases


def sched_values(make, n=STEPS, base=0.5):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=base)
    sch = make(opt)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sch.step()
    return lrs


def schedule_cases():
    L = torch.optim.lr_scheduler
    specs = [
        ("StepLR", {"step_size": 7, "gamma": 0.5}, lambda o: L.StepLR(o, step_size=7, gamma=0.5)),
        ("StepLR", {"step_size": 10}, lambda o: L.StepLR(o, step_size=10)),
        ("MultiStepLR", {"milestones": [5, 12, 30], "gamma": 0.3},
         lambda o: L.MultiStepLR(o, milestones=[5, 12, 30], gamma=0.3)),
        ("ExponentialLR", {"gamma": 0.95}, lambda o: L.ExponentialLR(o, gamma=0.95)),
        ("CosineAnnealingLR", {"T_max": 40, "eta_min": 0.0},
         lambda o: L.CosineAnnealingLR(o, T_max=40)),
        ("CosineAnnealingLR", {"T_max": 25, "eta_min": 0.01},
         lambda o: L.CosineAnnealingLR(o, T_max=25, eta_min=0.01)),
        ("LinearLR", {"start_factor": 1.0 / 3, "end_factor": 1.0, "total_iters": 5},
         lambda o: L.LinearLR(o)),
        ("LinearLR", {"start_factor": 0.01, "end_factor": 1.0, "total_iters": 20},
         lambda o: L.LinearLR(o, start_factor=0.01, total_iters=20)),
        ("LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 30},
         lambda o: L.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=30)),
        ("PolynomialLR", {"total_iters": 40, "power": 2.0},
         lambda o: L.PolynomialLR(o, total_iters=40, power=2.0)),
        ("PolynomialLR", {"total_iters": 5, "power": 1.0}, lambda o: L.PolynomialLR(o)),
        ("SequentialLR/warmup-cosine",
         {"warmup": 10, "start_factor": 0.1, "T_max": 50, "eta_min": 0.001},
         lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=10),
                                      L.CosineAnnealingLR(o, T_max=50, eta_min=0.001)],
                                  milestones=[10])),
        ("SequentialLR/linear-step-exp",
         {},
         lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.5, total_iters=4),
                                      L.StepLR(o, step_size=5, gamma=0.5),
                                      L.ExponentialLR(o, gamma=0.9)],
                                  milestones=[8, 25])),
    ]
    out = []
    for name, params, make in specs:
        out.append({"kind": name, "params": params, "base": 0.5,
                    "lrs": sched_values(make, n=100)})
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    meta = {"torch": torch.__version__, "steps": STEPS,
            "function": {"a": A, "t": T, "c": C}}
    with open(os.path.join(here, "optimizers.json"), "w") as f:
        json.dump(dict(meta, cases=optimizer_cases()), f, indent=0)
        f.write("\n")
    with open(os.path.join(here, "schedules.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": schedule_cases()}, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
