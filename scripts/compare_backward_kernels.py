#!/usr/bin/env python3
"""Developer check: first-order gradients of the activations whose backward PyTorch runs as a
CPU kernel of its own (and erf and log10, whose derivatives.yaml formulas are composed in a fixed
order), through PyTorch and through `gradcli run`, counted element by element: how many differ
(bits, so -0.0 and 0.0 differ) and by how many ulps at most.

    /work/.venv-torch/bin/python scripts/compare_backward_kernels.py [GRADCLI] [--size N] [--seed S]

GRADCLI defaults to .build/debug/gradcli. The inputs are randn(N) * 3 (seeded) with special
points before and after them (0, -0, +-3, large |x|, +-inf, NaN: in the vectorised body and in
the scalar tail) and grad = linspace(-1, 2, N + specials); with
--create-graph the gradient is taken with create_graph=True (values must not change).
"""
import argparse
import math
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
from program_runs import run_gradcli, run_torch  # noqa: E402

CASES = [  # name, PyTorch expression of x
    ("silu", "F.silu(x)"),
    ("logsigmoid", "F.logsigmoid(x)"),
    ("elu", "F.elu(x)"),
    ("elu_a", "F.elu(x, alpha=0.37)"),
    ("selu", "F.selu(x)"),
    ("celu", "F.celu(x, alpha=0.7)"),
    ("softplus", "F.softplus(x)"),
    ("softplus_bt", "F.softplus(x, beta=2.0, threshold=3.0)"),
    ("gelu", "F.gelu(x)"),
    ("gelu_tanh", "F.gelu(x, approximate='tanh')"),
    ("mish", "F.mish(x)"),
    ("hardswish", "F.hardswish(x)"),
    ("erf", "torch.erf(x)"),
    ("log10", "torch.log10(x.abs() + 0.1)"),
]
SPECIAL = [0.0, -0.0, 3.0, -3.0, 30.0, -30.0, 800.0, -800.0, float("inf"), float("-inf"), float("nan")]


def program(size, seed, create_graph, cases):
    lines = ["import torch", "import torch.nn.functional as F", "nan = float('nan')", "inf = float('inf')", f"torch.manual_seed({seed})",
             f"special = torch.tensor({SPECIAL!r}, dtype=torch.float64)",
             f"base = torch.cat([special, torch.randn({size}, dtype=torch.float64) * 3, special])"]
    n = size + 2 * len(SPECIAL)
    for dtype in ("float64", "float32"):
        for name, expr in cases:
            lines += [f"x = base.to(torch.{dtype}).detach().requires_grad_(True)",
                      f"g = torch.linspace(-1, 2, {n}, dtype=torch.{dtype})",
                      f"d, = torch.autograd.grad({expr}, x, grad_outputs=g, create_graph={create_graph})",
                      f"print('{dtype}', '{name}', d.tolist())"]
    return "\n".join(lines) + "\n"


def parse(text):
    nan, inf = math.nan, math.inf  # noqa: F841 (names tolist() may print)
    rows = {}
    for line in text.splitlines():
        dtype, name, values = line.split(" ", 2)
        rows[(dtype, name)] = eval(values, {"nan": nan, "inf": inf})
    return rows


def ordered(value, dtype):
    """The float's bits as an integer that counts ulps (negative floats below positive ones)."""
    fmt, ifmt, bits = ("<f", "<i", 32) if dtype == "float32" else ("<d", "<q", 64)
    i = struct.unpack(ifmt, struct.pack(fmt, value))[0]
    return i if i >= 0 else -(i & ((1 << (bits - 1)) - 1))


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gradcli", nargs="?", default=".build/debug/gradcli")
    parser.add_argument("--size", type=int, default=37)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--create-graph", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.only or c[0] in args.only.split(",")]
    source = program(args.size, args.seed, args.create_graph, cases)
    expected, got = parse(run_torch(source)), parse(run_gradcli(args.gradcli, source, timeout=600, check=True))
    total = 0
    for key, want in expected.items():
        have = got.get(key)
        if have is None or len(have) != len(want):
            print(f"{key[0]:8} {key[1]:12} missing or wrong length")
            total += 1
            continue
        bad = [(i, a, b) for i, (a, b) in enumerate(zip(want, have)) if not same(a, b)]
        ulps = [abs(ordered(a, key[0]) - ordered(b, key[0])) for _, a, b in bad if not (math.isnan(a) or math.isnan(b))]
        total += len(bad)
        worst = f"max {max(ulps)} ulp" if ulps else ""
        example = f"  e.g. [{bad[0][0]}] torch {bad[0][1]!r} gradcli {bad[0][2]!r}" if bad else ""
        print(f"{key[0]:8} {key[1]:12} {len(bad):4} of {len(want)} differ  {worst}{example}")
    print(f"{total} elements differ")


if __name__ == "__main__":
    main()
