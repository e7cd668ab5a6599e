#!/usr/bin/env python3
"""Records PyTorch's float64 results for the Sleef-based ops (Tests/GradcliTests/Float64Sleef*Expected.swift).

Run with the PyTorch 2.13 CPU interpreter, on an AVX-512 machine for all three capabilities:
    /work/.venv-torch/bin/python scripts/record_float64_sleef.py > Tests/GradcliTests/Float64SleefExpected.swift
    /work/.venv-torch/bin/python scripts/record_float64_sleef.py binary > Tests/GradcliTests/Float64SleefBinaryExpected.swift
    /work/.venv-torch/bin/python scripts/record_float64_sleef.py softmax > Tests/GradcliTests/Float64SoftmaxExpected.swift
The first part covers the unary ops and activations (and log10), the second pow, atan2, hypot,
logaddexp, logaddexp2 and gelu with their gradients, the third softmax, softmin and log_softmax. Each builds one `gradcli run` program
(literal float64 inputs, seeded), runs it under each ATEN_CPU_CAPABILITY this machine has
(avx512, avx2, default) in fresh interpreters, and writes the outputs verbatim.
"""
import math
import os
import random
import subprocess
import sys

OPS = [  # name, PyTorch expression of X, input generator
    ("sinh", "torch.sinh(X)", lambda r: r.choice([r.uniform(-4, 4), r.uniform(-40, 40), r.uniform(-712, 712)])),
    ("cosh", "torch.cosh(X)", lambda r: r.choice([r.uniform(-4, 4), r.uniform(-40, 40), r.uniform(-712, 712)])),
    ("atanh", "torch.atanh(X)", lambda r: r.choice([r.uniform(-1, 1), r.choice([1, -1]) * 10 ** r.uniform(-12, 0)])),
    ("exp2", "torch.exp2(X)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-1080, 1030)])),
    ("expm1", "torch.expm1(X)", lambda r: r.choice([r.uniform(-3, 3), r.uniform(-40, 710), r.choice([1, -1]) * 10 ** r.uniform(-12, 0)])),
    ("log1p", "torch.log1p(X)", lambda r: r.choice([r.uniform(-1, 4), 10 ** r.uniform(-12, 308), -(10 ** r.uniform(-12, 0))])),
    ("lgamma", "torch.lgamma(X)", lambda r: r.choice([r.uniform(-20, 30), r.uniform(0, 3), r.choice([1, -1]) * 10 ** r.uniform(-10, 8)])),
    ("sigmoid", "torch.sigmoid(X)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-40, 40), r.uniform(-750, 750)])),
    ("silu", "torch.nn.functional.silu(X)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-40, 40), r.uniform(-750, 750)])),
    # Activations on Sleef's expm1, exp, log1p and tanh (logsigmoid on every element).
    ("elu", "torch.nn.functional.elu(X, alpha=0.37)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-40, 3)])),
    ("selu", "torch.nn.functional.selu(X)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-40, 3)])),
    ("celu", "torch.nn.functional.celu(X, alpha=2.7)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-80, 3)])),
    ("softplus", "torch.nn.functional.softplus(X, beta=2.5, threshold=3.0)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-300, 40)])),
    ("mish", "torch.nn.functional.mish(X)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-40, 40), r.uniform(-750, 750)])),
    ("logsigmoid", "torch.nn.functional.logsigmoid(X)", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-40, 40), r.uniform(-750, 750)])),
    ("gelu_tanh", "torch.nn.functional.gelu(X, approximate='tanh')", lambda r: r.choice([r.uniform(-6, 6), r.uniform(-40, 40)])),
    # MKL's (not Sleef's) in PyTorch; gradcli's double-double log10 rounds as it does on these values.
    ("log10", "torch.log10(X)", lambda r: r.choice([r.uniform(0, 5), r.uniform(0, 1000), 10 ** r.uniform(-320, 308)])),
]
SPECIAL = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 5e-324, -1e-300, 1.0, -1.0, 0.5, -2.5,
           709.78, 710.5, -745.2, 1e-8, 1.7976931348623157e308, -36.8]
SIZES = [1, 3, 4, 7, 8, 9, 17]


def lit(v):
    if math.isnan(v):
        return "float('nan')"
    if math.isinf(v):
        return "float('inf')" if v > 0 else "-float('inf')"
    return repr(v)


def program():
    rnd = random.Random(20261203)
    lines = ["import torch"]
    for _, expr, gen in OPS:
        values = [gen(rnd) for _ in range(240)] + SPECIAL
        rnd.shuffle(values)
        lines.append("X = torch.tensor([" + ", ".join(lit(v) for v in values) + "], dtype=torch.float64)")
        lines.append("print(" + expr + ".tolist())")
        lines.append("Y = X")
        for n in SIZES:
            lines.append(f"X = Y[:{n}]")
            lines.append("print(" + expr + ".tolist())")
        lines.append("X = Y[5]")
        lines.append("print(" + expr + ".item())")
    return "\n".join(lines) + "\n"


# Two-argument ops: name, PyTorch expression of X and Y, input generator (one pair), special values
# (every pair of them is an input). Gradients are those of (op * W).sum() on 37 random pairs.
def _pow_pair(r):
    x = r.choice([1, -1]) * math.exp(r.uniform(-6, 6))
    y = r.uniform(-12, 12)
    return x, float(round(y)) if x < 0 or r.random() < 0.2 else y


BINARY_OPS = [
    ("pow", "torch.pow(X, Y)", _pow_pair,
     [0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 5e-324, 1e-310, 1e308, -3.0],
     [0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, -0.5, float("inf"), -float("inf"), float("nan"), 2.5, 1e10, -1e10, 1025.0, -1080.0]),
    ("atan2", "torch.atan2(X, Y)", lambda r: (r.choice([1, -1]) * 10 ** r.uniform(-4, 4), r.choice([1, -1]) * 10 ** r.uniform(-4, 4)),
     [0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1.0, -1.0, 1e-310, -1e-310, 5e-324, 1e300, -1e300], None),
    ("hypot", "torch.hypot(X, Y)", lambda r: tuple(r.choice([1, -1]) * 10 ** r.choice([r.uniform(-3, 3), r.uniform(-300, 300)]) for _ in "xy"),
     [0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1e-310, 5e-324, 1e308, 1.7976931348623157e308, 3.0, -4.0, 1e-300, 1e300], None),
    ("logaddexp", "torch.logaddexp(X, Y)", lambda r: (r.uniform(-40, 40), r.uniform(-40, 40)),
     [0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1.0, -1.0, 700.0, -700.0, 1e308, -1e308, 30.0], None),
    ("logaddexp2", "torch.logaddexp2(X, Y)", lambda r: (r.uniform(-40, 40), r.uniform(-40, 40)),
     [0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1.0, -1.0, 1000.0, -1000.0, 1e308, -1e308, 30.0], None),
]
# gelu(approximate='none') around erf's branches (|x| / sqrt 2 at 1e-8, 2.5 and 6).
GELU_SPECIAL = [0.0, -0.0, float("inf"), -float("inf"), float("nan"), 1e-9, -1e-9, 3.5355339059327373, 3.5355339059327378,
                -3.535533905932738, 8.48528137423857, -8.485281374238571, 40.0, -40.0, 1e-300, 5e-324, 1.4142135623730951e-8]
BINARY_SIZES = [1, 7, 8, 9, 15, 16, 17, 37]


def binary_program():
    rnd = random.Random(20261207)
    lines = ["import torch"]
    for _, expr, gen, xs, ys in BINARY_OPS:
        pairs = [(x, y) for x in xs for y in (ys or xs)] + [gen(rnd) for _ in range(100)]
        rnd.shuffle(pairs)
        lines.append("X = torch.tensor([" + ", ".join(lit(x) for x, _ in pairs) + "], dtype=torch.float64)")
        lines.append("Y = torch.tensor([" + ", ".join(lit(y) for _, y in pairs) + "], dtype=torch.float64)")
        lines.append("print(" + expr + ".tolist())")
        lines.append("Z = (X, Y)")
        for n in BINARY_SIZES:
            lines.append(f"X, Y = Z[0][:{n}], Z[1][:{n}]")
            lines.append("print(" + expr + ".tolist())")
        # Broadcasting: PyTorch's innermost row (37) has its own tail.
        lines.append("X, Y = Z[0][:185].reshape(5, 37), Z[1][:37]")
        lines.append("print(" + expr + ".tolist())")
        lines.append("X, Y = Z[0][:4].reshape(4, 1), Z[1][40:77]")
        lines.append("print(" + expr + ".tolist())")
        lines.append("X, Y = Z[0][5], Z[1][5]")
        lines.append("print(" + expr + ".item())")
        grads = [gen(rnd) for _ in range(37)]
        lines.append("X = torch.tensor([" + ", ".join(lit(x) for x, _ in grads) + "], dtype=torch.float64, requires_grad=True)")
        lines.append("Y = torch.tensor([" + ", ".join(lit(y) for _, y in grads) + "], dtype=torch.float64, requires_grad=True)")
        lines.append("W = torch.tensor([" + ", ".join(lit(rnd.uniform(-2, 2)) for _ in grads) + "], dtype=torch.float64)")
        lines.append("(" + expr + " * W).sum().backward()")
        lines.append("print(X.grad.tolist(), Y.grad.tolist())")
    # pow with a Python-number exponent or base.
    values = [math.exp(rnd.uniform(-6, 6)) for _ in range(37)] + [0.0, -0.0, float("inf"), float("nan"), -2.0]
    lines.append("X = torch.tensor([" + ", ".join(lit(v) for v in values) + "], dtype=torch.float64)")
    for expr in ["X ** 2.7", "X ** -1.3", "X ** 0.25", "2.0 ** X", "X[:37] ** 3", "X[:9] ** 1e-3"]:
        lines.append("print((" + expr + ").tolist())")
    values = [rnd.choice([rnd.uniform(-4, 4), rnd.uniform(-9, 9), rnd.gauss(0, 1)]) for _ in range(100)] + GELU_SPECIAL
    rnd.shuffle(values)
    lines.append("X = torch.tensor([" + ", ".join(lit(v) for v in values) + "], dtype=torch.float64)")
    lines.append("print(torch.nn.functional.gelu(X).tolist())")
    for n in BINARY_SIZES:
        lines.append(f"print(torch.nn.functional.gelu(X[:{n}]).tolist())")
    grads = [rnd.uniform(-5, 5) for _ in range(37)]
    lines.append("X = torch.tensor([" + ", ".join(lit(v) for v in grads) + "], dtype=torch.float64, requires_grad=True)")
    lines.append("W = torch.tensor([" + ", ".join(lit(rnd.uniform(-2, 2)) for _ in grads) + "], dtype=torch.float64)")
    lines.append("(torch.nn.functional.gelu(X) * W).sum().backward()")
    lines.append("print(X.grad.tolist())")
    lines.append("X.grad = None")
    lines.append("(torch.nn.functional.gelu(X, approximate='tanh') * W).sum().backward()")
    lines.append("print(X.grad.tolist())")
    return "\n".join(lines) + "\n"


def softmax_program():
    """float64 softmax, softmin and log_softmax along the last dimension (PyTorch's kernels) and the
    gradients of softmax and log_softmax, at sizes around the vector widths (4 and 8 doubles), with
    infinities, NaN and large values in some rows."""
    rnd = random.Random(20261204)
    lines = ["import torch", "import torch.nn.functional as F"]

    def tensor(shape, special=False):
        n = math.prod(shape)
        values = [rnd.choice([rnd.gauss(0, 1), rnd.uniform(-30, 30), rnd.uniform(-3, 3)]) for _ in range(n)]
        if special:
            for i, v in zip(range(0, n, 5), [float("inf"), -float("inf"), float("nan"), 700.0, -745.0, 1e-300]):
                values[i] = v
        return "torch.tensor([" + ", ".join(lit(v) for v in values) + f"], dtype=torch.float64).reshape({list(shape)})"

    for n in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33]:
        lines.append(f"X = {tensor((n,))}")
        lines.append("print(F.softmax(X, dim=0).tolist(), F.softmin(X, dim=0).tolist())")
        lines.append("print(F.log_softmax(X, dim=0).tolist())")
    for shape, dims in [((5, 37), (1, -1)), ((4, 9, 6), (2,)), ((3, 4, 10), (-1,)), ((2, 17, 3), (2,))]:
        for special in (False, True):
            lines.append(f"X = {tensor(shape, special)}")
            for d in dims:
                lines.append(f"print(F.softmax(X, dim={d}).tolist())")
                lines.append(f"print(F.log_softmax(X, dim={d}).tolist())")
    # Gradients through the backward kernels: (op * W).sum() with W of the output's shape.
    for shape in [(1,), (3,), (4,), (8,), (9,), (17,), (5, 37), (4, 9, 6)]:
        lines.append(f"X = {tensor(shape)}.requires_grad_()")
        lines.append(f"W = {tensor(shape)}")
        for op in ["F.softmax", "F.log_softmax"]:
            lines.append(f"({op}(X, dim=-1) * W).sum().backward()")
            lines.append("print(X.grad.tolist())")
            lines.append("X.grad = None")
    lines.append("print(F.softmax(torch.tensor(2.5, dtype=torch.float64), dim=0).item())")
    lines.append("print(F.log_softmax(torch.tensor(2.5, dtype=torch.float64), dim=0).item())")
    return "\n".join(lines) + "\n"


def swift_literal(text):
    return '"""\n' + text.replace("\\", "\\\\") + '"""'


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else ""
    prog = {"binary": binary_program, "softmax": softmax_program}.get(part, program)()
    name = {"binary": "Float64SleefBinaryExpected", "softmax": "Float64SoftmaxExpected"}.get(part, "Float64SleefExpected")
    outputs = {}
    for cap in ("avx512", "avx2", "default"):
        env = dict(os.environ, ATEN_CPU_CAPABILITY=cap)
        check = "import torch; print(torch.backends.cpu.get_cpu_capability())"
        got = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=env, check=True).stdout.strip()
        if got.lower() != ("default" if cap == "default" else cap):
            continue  # not available on this machine
        out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, env=env, check=True).stdout
        outputs[cap] = out
    caps = list(outputs)
    print("// Generated by scripts/record_float64_sleef.py from PyTorch 2.13.0+cpu (ATEN_CPU_CAPABILITY="
          + (" and =".join([", =".join(caps[:-1]), caps[-1]]) if len(caps) > 1 else caps[0]) + ",")
    print("// each in a fresh interpreter). Do not edit.")
    print()
    print("enum " + name + " {")
    print("    static let program = " + swift_literal(prog))
    print()
    print("    static let expected: [String: String] = [")
    for cap, out in outputs.items():
        print(f'        "{cap}": ' + swift_literal(out) + ",")
    print("    ]")
    print("}")


main()
