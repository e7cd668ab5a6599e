#!/usr/bin/env python3
"""Counts the float64 values on which gradcli and PyTorch differ, per op, forward and gradients.

Run with the PyTorch 2.13 CPU interpreter, after `swift build -c release --product gradcli`:
    /work/.venv-torch/bin/python scripts/compare_float64_sleef.py [--count 100000] [--binary PATH]
        [--capability avx512|avx2|default] [--ops pow,atan2,...]
It draws seeded random inputs for each op (pow, atan2, hypot, logaddexp, logaddexp2, gelu in both
approximations), in
rows of 997 elements (each row a tensor, so every row has PyTorch's vectorised chunks and a
scalar tail), runs one program through `gradcli run` and through PyTorch under the same
ATEN_CPU_CAPABILITY, and counts the printed values that differ (printing is shortest round-trip,
so equal text is equal bits). Gradients are those of `out.sum()` with respect to each input.
"""
import argparse
import math
import os
import random
import subprocess
import sys

ROW = 997


def signed(r, v):
    return v if r.random() < 0.5 else -v


def pow_inputs(r):
    x = signed(r, math.exp(r.uniform(-6, 6)))
    y = r.uniform(-12, 12)
    if x < 0 or r.random() < 0.2:
        y = float(round(y))  # negative bases need integer exponents for a real result
    return x, y


def atan2_inputs(r):
    return signed(r, 10 ** r.uniform(-4, 4)), signed(r, 10 ** r.uniform(-4, 4))


def hypot_inputs(r):
    scale = 10 ** r.choice([r.uniform(-3, 3), r.uniform(-300, 300)])
    return signed(r, scale * 10 ** r.uniform(-3, 3)), signed(r, scale * 10 ** r.uniform(-3, 3))


def logaddexp_inputs(r):
    a = r.uniform(-40, 40)
    return a, (a + r.uniform(-3, 3)) if r.random() < 0.5 else r.uniform(-40, 40)


def gelu_inputs(r):
    return (r.choice([r.uniform(-4, 4), r.uniform(-9, 9), r.gauss(0, 1)]),)


OPS = {  # name -> (PyTorch expression of A (and B), input generator)
    "pow": ("torch.pow(A, B)", pow_inputs),
    "atan2": ("torch.atan2(A, B)", atan2_inputs),
    "hypot": ("torch.hypot(A, B)", hypot_inputs),
    "logaddexp": ("torch.logaddexp(A, B)", logaddexp_inputs),
    "logaddexp2": ("torch.logaddexp2(A, B)", logaddexp_inputs),
    "gelu": ("torch.nn.functional.gelu(A)", gelu_inputs),
    "gelu_tanh": ("torch.nn.functional.gelu(A, approximate='tanh')", gelu_inputs),
}


def program(name, count, seed):
    expr, gen = OPS[name]
    r = random.Random(seed)
    lines = ["import torch"]
    for start in range(0, count, ROW):
        rows = [gen(r) for _ in range(min(ROW, count - start))]
        for k, var in enumerate("AB"[:len(rows[0])]):
            lines.append(f"{var} = torch.tensor([" + ", ".join(repr(v[k]) for v in rows) + "], dtype=torch.float64, requires_grad=True)")
        lines.append(f"out = {expr}")
        lines.append("print(out.tolist())")
        lines.append("out.sum().backward()")
        lines.append("print(A.grad.tolist())")
        if len(rows[0]) > 1:
            lines.append("print(B.grad.tolist())")
    return "\n".join(lines) + "\n", len(rows[0])


def run(command, text, env):
    result = subprocess.run(command, input=text, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed: {result.stderr[-2000:]}")
    return result.stdout.splitlines()


def values(line):
    return [v.strip() for v in line.strip("[]").split(",")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "gradcli"))
    parser.add_argument("--capability", default="")
    parser.add_argument("--ops", default=",".join(OPS))
    args = parser.parse_args()
    env = dict(os.environ)
    if args.capability:
        env["ATEN_CPU_CAPABILITY"] = args.capability
    print(f"{'op':<11} {'values':>7} {'forward':>8} {'grad A':>8} {'grad B':>8}")
    for name in args.ops.split(","):
        text, arity = program(name, args.count, seed=20260501 + sorted(OPS).index(name))
        want = run([sys.executable, "-"], text, env)
        got = run([args.binary, "run", "-"], text, env)
        per_row = 1 + arity
        differ = [0] * per_row
        for i, (a, b) in enumerate(zip(got, want)):
            differ[i % per_row] += sum(x != y for x, y in zip(values(a), values(b)))
        if len(got) != len(want):
            print(f"{name}: {len(got)} output lines, PyTorch printed {len(want)}")
        cells = [f"{d:>8}" for d in differ] + ["       -"] * (3 - per_row)
        print(f"{name:<11} {args.count:>7} " + " ".join(cells))


main()
