#!/usr/bin/env python3
"""Records PyTorch's float32 results for the dtype tests (Tests/GradcliTests/Float32Expected.swift).

Run with the PyTorch 2.13 CPU interpreter:  /work/.venv-torch/bin/python scripts/record_float32.py
Every expected literal in that file is a float32 bit pattern printed by this script; the inputs
are float32 values from the formula in `pattern` (the test computes the same formula).
"""
import json
import os
import struct
import subprocess
import sys
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

# Ops whose float32 kernel depends on PyTorch's CPU capability (vectorised body, scalar tail):
# (expression, torch function of x and y, domain of x); y = pattern(n, n + 1, -3, 3).
TAIL_OPS = [
    ("sigmoid(x)", "lambda x, y: torch.sigmoid(x)", -12.0, 12.0), ("silu(x)", "lambda x, y: F.silu(x)", -12.0, 12.0),
    ("asinh(x)", "lambda x, y: torch.asinh(x)", -12.0, 12.0), ("acosh(x)", "lambda x, y: torch.acosh(x)", 1.0, 10.0),
]
TAIL_SIZES = list(range(1, 70)) + [100]
# The Sleef-based ops, at the sizes around each chunk boundary (16 and 32 elements).
OP_TAILS = [
    ("exp2(x)", "lambda x, y: torch.exp2(x)", -12.0, 12.0), ("sinh(x)", "lambda x, y: torch.sinh(x)", -12.0, 12.0),
    ("cosh(x)", "lambda x, y: torch.cosh(x)", -12.0, 12.0), ("expm1(x)", "lambda x, y: torch.expm1(x)", -12.0, 12.0),
    ("log1p(x)", "lambda x, y: torch.log1p(x)", -0.99, 12.0), ("atanh(x)", "lambda x, y: torch.atanh(x)", -0.99, 0.99),
    ("logsigmoid(x)", "lambda x, y: F.logsigmoid(x)", -12.0, 12.0), ("softplus(x)", "lambda x, y: F.softplus(x)", -12.0, 12.0),
    ("softplus(x, beta=2, threshold=3)", "lambda x, y: F.softplus(x, beta=2, threshold=3)", -12.0, 12.0),
    ("x ^ 1.3", "lambda x, y: x ** 1.3", 0.01, 10.0), ("x ^ -2.5", "lambda x, y: x ** -2.5", 0.01, 10.0),
    ("x ^ y", "lambda x, y: x ** y", 0.01, 10.0), ("2 ^ x", "lambda x, y: 2 ** x", -12.0, 12.0),
    ("atan2(x, y)", "lambda x, y: torch.atan2(x, y)", -12.0, 12.0),
    ("gelu(x, approximate='tanh')", "lambda x, y: F.gelu(x, approximate='tanh')", -6.0, 6.0),
    ("elu(x)", "lambda x, y: F.elu(x)", -6.0, 3.0), ("elu(x, alpha=0.5)", "lambda x, y: F.elu(x, alpha=0.5)", -6.0, 3.0),
    ("selu(x)", "lambda x, y: F.selu(x)", -6.0, 3.0), ("celu(x, alpha=0.7)", "lambda x, y: F.celu(x, alpha=0.7)", -6.0, 3.0),
    ("mish(x)", "lambda x, y: F.mish(x)", -8.0, 8.0), ("logaddexp(x, y)", "lambda x, y: torch.logaddexp(x, y)", -8.0, 8.0),
    ("logaddexp2(x, y)", "lambda x, y: torch.logaddexp2(x, y)", -8.0, 8.0),
]
OP_TAIL_SIZES = [1, 2, 7, 15, 16, 17, 31, 32, 33, 40, 47, 48, 49, 63, 64, 65, 100]
# Broadcasting binary ops: PyTorch's innermost loop (after merging dimensions) has its own tail.
# (expression, shape of x, shape of y); x = pattern(count, 8, 0.01, 10), y = pattern(count, 9, -3, 3).
BROADCASTS = [("x ^ y", [5, 33], [33]), ("x ^ y", [3, 40], [3, 1]), ("atan2(x, y)", [4, 1], [1, 37]),
              ("atan2(x, y)", [2, 3, 20], [3, 1]), ("x ^ y", [70], []), ("atan2(x, y)", [1, 50], [50]),
              ("logaddexp(x, y)", [3, 35], [35]), ("logaddexp2(x, y)", [2, 1, 40], [3, 1])]
BROADCAST_FNS = {"x ^ y": torch.pow, "atan2(x, y)": torch.atan2, "logaddexp(x, y)": torch.logaddexp,
                 "logaddexp2(x, y)": torch.logaddexp2}
# Kernels whose vector width, Sleef calls or fused multiply-adds follow the CPU capability:
# softmax and log_softmax (last and other dims), lgamma, trigamma, lerp, softshrink, prod, the
# binary cross-entropies. (expression, torch function, inputs as (name, shape, seed, lo, hi),
# tolerated ulps); logsumexp runs on MKL's exp and log, whose last bit gradcli does not reproduce.
def _more_cases():
    out = []
    for shape, dim in [([1], 0), ([7], 0), ([8], 0), ([9], 0), ([15], 0), ([16], 0), ([17], 0), ([33], 0), ([100], 0),
                       ([3, 5], 1), ([3, 17], 1), ([4, 40], 1), ([2, 3, 33], 2), ([6, 4], 0), ([40, 3], 0),
                       ([5, 8, 3], 1), ([3, 20, 17], 1), ([3, 20, 17], 0), ([2, 9, 33], 1), ([5, 3, 1], 1), ([100, 20], 0)]:
        out.append(("softmax(x, dim=%d)" % dim, "lambda x: torch.softmax(x, %d)" % dim, [("x", shape, 3, -30.0, 30.0)], 0))
        out.append(("log_softmax(x, dim=%d)" % dim, "lambda x: torch.log_softmax(x, %d)" % dim, [("x", shape, 5, -4.0, 4.0)], 0))
        out.append(("logsumexp(x, %d)" % dim, "lambda x: torch.logsumexp(x, %d)" % dim, [("x", shape, 3, -8.0, 8.0)], 1))
    for n in [1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100]:
        for expr, fn, lo, hi in [("lgamma(x)", "torch.lgamma", -6.0, 12.0), ("polygamma(1, x)", "lambda x: torch.polygamma(1, x)", -6.0, 12.0),
                                 ("softshrink(x)", "F.softshrink", -3.0, 3.0)]:
            out.append((expr, fn, [("x", [n], n, lo, hi)], 0))
        out.append(("lerp(x, y, 0.3)", "lambda x, y: torch.lerp(x, y, 0.3)", [("x", [n], n, -5.0, 5.0), ("y", [n], n + 1, -3.0, 3.0)], 0))
        out.append(("lerp(x, y, 0.7)", "lambda x, y: torch.lerp(x, y, 0.7)", [("x", [n], n, -5.0, 5.0), ("y", [n], n + 1, -3.0, 3.0)], 0))
    for n in [7, 31, 32, 33, 64, 65, 127, 128, 129, 1000]:
        out.append(("prod(x)", "torch.prod", [("x", [n], n, 0.8, 1.25)], 0))
    for shape, dim in [([3, 40], 1), ([40, 3], 0), ([5, 70], 1), ([4, 6, 35], 2), ([4, 35, 6], 1)]:
        out.append(("prod(x, %d)" % dim, "lambda x: torch.prod(x, %d)" % dim, [("x", shape, 2, 0.8, 1.25)], 0))
    for n in [7, 33, 100]:
        p, t, w, pw = ("x", [n], n, 0.001, 0.999), ("y", [n], n + 1, 0.0, 1.0), ("w", [n], 6, 0.5, 2.0), ("p", [n], 5, 0.5, 2.0)
        out.append(("binary_cross_entropy(x, y)", "F.binary_cross_entropy", [p, t], 0))
        out.append(("binary_cross_entropy(x, y, weight=w, reduction='sum')",
                    "lambda x, y, w: F.binary_cross_entropy(x, y, weight=w, reduction='sum')", [p, t, w], 0))
        out.append(("binary_cross_entropy_with_logits(x, y)", "F.binary_cross_entropy_with_logits", [("x", [n], n, -3.0, 3.0), t], 0))
        out.append(("binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=p, reduction='none')",
                    "lambda x, y, w, p: F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=p, reduction='none')",
                    [("x", [n], n, -3.0, 3.0), t, w, pw], 0))
    for shape in [[7], [4, 5], [8, 40], [33, 5], [2, 3, 5]]:
        x, y, w = ("x", shape, 3, -4.0, 4.0), ("y", shape, 4, 0.0, 1.0), ("w", [shape[1 if len(shape) > 1 else 0]], 9, 0.5, 2.0)
        for red in ["mean", "sum", "none"]:
            out.append(("cross_entropy(x, y, reduction='%s')" % red, "lambda x, y: F.cross_entropy(x, y, reduction='%s')" % red, [x, y], 0))
            out.append(("cross_entropy(x, y, weight=w, reduction='%s', label_smoothing=0.2)" % red,
                        "lambda x, y, w: F.cross_entropy(x, y, weight=w, reduction='%s', label_smoothing=0.2)" % red, [x, y, w], 0))
    return out


MORE = _more_cases()
# nll_loss and cross_entropy with class indices: (expression, rows, classes, ignore every fifth
# target); x = pattern(rows * classes, 3, -6, 0), w = pattern(classes, 9, 0.5, 2), target i is
# (7 i) % classes, or -100 (ignored) for i % 5 == 0 when ignoring.
NLL = [(e, r, c, ig) for r, c in [(4, 5), (3, 17), (8, 40), (33, 5), (70, 3), (300, 4)]
       for e, ig in [("nll_loss(x, y)", False), ("nll_loss(x, y, reduction='sum')", False), ("nll_loss(x, y, weight=w)", True),
                     ("cross_entropy(x, y)", False), ("cross_entropy(x, y, weight=w)", True),
                     ("cross_entropy(x, y, reduction='none')", True),
                     ("cross_entropy(x, y, label_smoothing=0.1)", True),
                     ("cross_entropy(x, y, weight=w, reduction='sum', label_smoothing=0.3)", True),
                     ("cross_entropy(x, y, weight=w, reduction='none', label_smoothing=0.3)", True),
                     ("cross_entropy(x, y, weight=w, label_smoothing=0.3)", True)]]


def nll_inputs(rows, classes, ignoring):
    x = pattern(rows * classes, 3, -6.0, 0.0).reshape(rows, classes)
    y = torch.tensor([-100 if ignoring and i % 5 == 0 else (7 * i) % classes for i in range(rows)])
    return x, y, pattern(classes, 9, 0.5, 2.0)


def bits(t):
    return [struct.unpack("<I", struct.pack("<f", v))[0] for v in t.reshape(-1).tolist()]


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def pattern(n, seed, lo, hi):
    """n float32 values in [lo, hi): integer arithmetic and one double division, then rounding,
    so Swift computes the same values bit for bit."""
    out = []
    for i in range(n):
        k = (i * 7919 + seed * 104729) % 10007
        out.append(lo + (hi - lo) * k / 10007.0)
    return torch.tensor(out, dtype=torch.float64).float()


GRID = 64
domains = {
    "real": (-4.0, 4.0),
    "positive": (0.01, 10.0),
    "unit": (-0.99, 0.99),
    "aboveOne": (1.0, 10.0),
    "probability": (0.001, 0.999),
}

# (gradcli expression of x [and y], torch function, domain of x, domain of y)
unary = [
    ("exp(x)", torch.exp, "real"), ("exp2(x)", torch.exp2, "real"), ("expm1(x)", torch.expm1, "real"),
    ("log(x)", torch.log, "positive"), ("log2(x)", torch.log2, "positive"), ("log10(x)", torch.log10, "positive"),
    ("log1p(x)", torch.log1p, "positive"), ("sqrt(x)", torch.sqrt, "positive"), ("rsqrt(x)", torch.rsqrt, "positive"),
    ("square(x)", torch.square, "real"), ("reciprocal(x)", torch.reciprocal, "real"), ("abs(x)", torch.abs, "real"),
    ("sign(x)", torch.sign, "real"), ("floor(x)", torch.floor, "real"), ("ceil(x)", torch.ceil, "real"),
    ("round(x)", torch.round, "real"), ("trunc(x)", torch.trunc, "real"), ("erf(x)", torch.erf, "real"),
    ("neg(x)", torch.neg, "real"),
    ("sin(x)", torch.sin, "real"), ("cos(x)", torch.cos, "real"), ("tan(x)", torch.tan, "real"),
    ("asin(x)", torch.asin, "unit"), ("acos(x)", torch.acos, "unit"), ("atan(x)", torch.atan, "real"),
    ("sinh(x)", torch.sinh, "real"), ("cosh(x)", torch.cosh, "real"), ("tanh(x)", torch.tanh, "real"),
    ("asinh(x)", torch.asinh, "real"), ("acosh(x)", torch.acosh, "aboveOne"), ("atanh(x)", torch.atanh, "unit"),
    ("sigmoid(x)", torch.sigmoid, "real"), ("logsigmoid(x)", F.logsigmoid, "real"), ("relu(x)", torch.relu, "real"),
    ("leaky_relu(x)", F.leaky_relu, "real"), ("elu(x)", F.elu, "real"), ("gelu(x)", F.gelu, "real"),
    ("silu(x)", F.silu, "real"), ("softplus(x)", F.softplus, "real"),
    ("hardswish(x)", F.hardswish, "real"), ("hardsigmoid(x)", F.hardsigmoid, "real"), ("softsign(x)", F.softsign, "real"),
    ("softshrink(x)", F.softshrink, "real"), ("logit(x)", torch.logit, "probability"),
    ("logit(x, eps=0.1)", lambda x: torch.logit(x, eps=0.1), "probability"), ("erfc(x)", torch.erfc, "real"),
    ("ndtr(x)", torch.special.ndtr, "real"), ("log_ndtr(x)", torch.special.log_ndtr, "real"), ("sinc(x)", torch.sinc, "real"),
    ("lgamma(x)", torch.lgamma, "real"), ("digamma(x)", torch.digamma, "real"),
    ("polygamma(1, x)", lambda x: torch.polygamma(1, x), "real"), ("polygamma(2, x)", lambda x: torch.polygamma(2, x), "positive"),
    ("polygamma(3, x)", lambda x: torch.polygamma(3, x), "real"), ("entr(x)", torch.special.entr, "positive"),
    ("deg2rad(x)", torch.deg2rad, "real"), ("rad2deg(x)", torch.rad2deg, "real"),
    ("x * 0.1", lambda x: x * 0.1, "real"), ("x + 1", lambda x: x + 1, "real"), ("x / 3", lambda x: x / 3, "real"),
    ("x ^ 2", lambda x: x ** 2, "real"), ("x ^ 0.5", lambda x: x ** 0.5, "positive"), ("2 ^ x", lambda x: 2 ** x, "real"),
]
binary = [
    ("x + y", torch.add, "real", "real"), ("x - y", torch.sub, "real", "real"), ("x * y", torch.mul, "real", "real"),
    ("x / y", torch.div, "real", "positive"), ("x ^ y", torch.pow, "positive", "real"),
    ("atan2(x, y)", torch.atan2, "real", "real"), ("maximum(x, y)", torch.maximum, "real", "real"),
    ("minimum(x, y)", torch.minimum, "real", "real"), ("remainder(x, y)", torch.remainder, "real", "positive"),
    ("xlogy(x, y)", torch.xlogy, "real", "positive"),
]

if os.environ.get("RECORD_TAILS"):
    # Child run under one ATEN_CPU_CAPABILITY: bits of each op for each size, x = pattern(n, n, lo, hi).
    out = {}
    for expr, fn, lo, hi in TAIL_OPS:
        out[expr] = [bits(eval(fn)(pattern(n, n, lo, hi), pattern(n, n + 1, -3.0, 3.0))) for n in TAIL_SIZES]
    for expr, fn, lo, hi in OP_TAILS:
        out[expr] = [bits(eval(fn)(pattern(n, n, lo, hi), pattern(n, n + 1, -3.0, 3.0))) for n in OP_TAIL_SIZES]
    for i, (expr, sx, sy) in enumerate(BROADCASTS):
        x = pattern(count(sx), 8, 0.01, 10.0).reshape(sx)
        y = pattern(count(sy), 9, -3.0, 3.0).reshape(sy)
        out["broadcast%d" % i] = bits(BROADCAST_FNS[expr](x, y))
    for i, (expr, fn, inputs, _) in enumerate(MORE):
        args = [pattern(count(shape), seed, lo, hi).reshape(shape) for _, shape, seed, lo, hi in inputs]
        out["more%d" % i] = bits(eval(fn)(*args))
    for i, (expr, rows, classes, ignoring) in enumerate(NLL):
        x, y, w = nll_inputs(rows, classes, ignoring)
        out["nll%d" % i] = bits(eval(expr.replace("nll_loss(", "F.nll_loss(").replace("cross_entropy(", "F.cross_entropy(")))
    print(json.dumps(out))
    sys.exit(0)

# Edge inputs: 128 values (whole vector chunks on AVX2 and AVX-512).
_special = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38,
            3.4028235e38, -3.4028235e38, 0.5, -0.5, 1.0, -1.0, 0.99999994, -0.99999994, 1.0000001, -1.0000001,
            88.72283, 88.722839, 89.0, 89.00001, -16.635532, -16.6356, 104.0, -104.0, -104.00001, 127.99999,
            128.0, -150.0, -150.00002, 1e38, 1.2e38, 2e38, -88.72283, -89.00001, 1e-30, -1e-30, 1e-7, -1e-7,
            2.5e-39, -2.5e-39, 16777216.0, 16777217.0, 3.0, -3.0, 0.25]
_spread = [s * 10.0 ** (e / 4) for e in range(-150, 150, 7) for s in (1, -1)]
EDGES = torch.tensor((_special + _spread)[:128], dtype=torch.float32)
EDGE_UNARY = [("exp2(x)", torch.exp2), ("sinh(x)", torch.sinh), ("cosh(x)", torch.cosh), ("expm1(x)", torch.expm1),
              ("log1p(x)", torch.log1p), ("atanh(x)", torch.atanh), ("logsigmoid(x)", F.logsigmoid),
              ("softplus(x)", F.softplus), ("x ^ 1.3", lambda x: x ** 1.3), ("x ^ -3.5", lambda x: x ** -3.5),
              ("2 ^ x", lambda x: 2 ** x), ("gelu(x, approximate='tanh')", lambda x: F.gelu(x, approximate="tanh")),
              ("elu(x)", F.elu), ("selu(x)", F.selu), ("celu(x, alpha=0.7)", lambda x: F.celu(x, alpha=0.7)),
              ("mish(x)", F.mish), ("lgamma(x)", torch.lgamma), ("digamma(x)", torch.digamma),
              ("polygamma(1, x)", lambda x: torch.polygamma(1, x)), ("log_ndtr(x)", torch.special.log_ndtr),
              ("sinc(x)", torch.sinc), ("hardswish(x)", F.hardswish), ("hardsigmoid(x)", F.hardsigmoid),
              ("softsign(x)", F.softsign), ("entr(x)", torch.special.entr), ("softmax(x, dim=0)", lambda x: torch.softmax(x, 0)),
              ("log_softmax(x, dim=0)", lambda x: torch.log_softmax(x, 0))]
PAIRS = torch.tensor([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-45, 3.4028235e38, -2.0,
                      0.5, -0.5, 1.0, -1.0, 3.0, 1e30, -1e-30, 0.0], dtype=torch.float32)
EDGE_BINARY = [("x ^ y", torch.pow), ("atan2(x, y)", torch.atan2), ("y ^ x", lambda x, y: torch.pow(y, x)),
               ("atan2(y, x)", lambda x, y: torch.atan2(y, x)), ("logaddexp(x, y)", torch.logaddexp),
               ("logaddexp2(x, y)", torch.logaddexp2)]

GELU_SIZES = [1, 2, 3, 16, 17, 33, 100]

lines = []
emit = lines.append
emit("// Generated by scripts/record_float32.py from PyTorch %s (CPU, %s, one thread): float32 bit" % (
    torch.__version__, torch.backends.cpu.get_cpu_capability()))
emit("// patterns of PyTorch's results on inputs from `Float32Expected.pattern`. Do not edit by hand.")
emit("")
emit("enum Float32Expected {")
emit("    /// The input domains: name -> (lo, hi); inputs are `pattern(count, seed, lo, hi)`.")
emit("    static let domains: [String: (Double, Double)] = [")
for name, (lo, hi) in domains.items():
    emit('        "%s": (%r, %r),' % (name, lo, hi))
emit("    ]")
emit("    static let gridCount = %d" % GRID)
emit("")
emit("    /// (expression, domain of x, domain of y or nil, PyTorch's float32 result bits).")
emit("    static let elementwise: [(expr: String, x: String, y: String?, bits: [UInt32])] = [")
for expr, fn, dx in unary:
    x = pattern(GRID, 1, *domains[dx])
    emit('        ("%s", "%s", nil, %s),' % (expr, dx, bits(fn(x))))
for expr, fn, dx, dy in binary:
    x = pattern(GRID, 1, *domains[dx])
    y = pattern(GRID, 2, *domains[dy])
    emit('        ("%s", "%s", "%s", %s),' % (expr, dx, dy, bits(fn(x, y))))
emit("    ]")
emit("")
emit("    /// n -> (sum bits, mean bits) of pattern(n, n, -4, 4) in float32.")
emit("    static let sums: [(n: Int, sum: UInt32, mean: UInt32)] = [")
for n in list(range(1, 101)) + [1000]:
    x = pattern(n, n, -4.0, 4.0)
    emit("        (%d, %d, %d)," % (n, bits(x.sum())[0], bits(x.mean())[0]))
emit("    ]")
emit("")
emit("    /// Sums over dimensions: (shape, expression, result bits) for x = pattern(count, 3, -4, 4).")
emit("    static let dimSums: [(shape: [Int], expr: String, bits: [UInt32])] = [")
cases = [([7, 9], "sum(x, 0)", lambda x: x.sum(0)), ([7, 9], "sum(x, 1)", lambda x: x.sum(1)),
         ([40, 3], "sum(x, 0)", lambda x: x.sum(0)), ([3, 40], "sum(x, 1)", lambda x: x.sum(1)),
         ([20, 33], "sum(x, 0)", lambda x: x.sum(0)), ([33, 20], "mean(x, 1)", lambda x: x.mean(1)),
         ([5, 8, 6], "sum(x, 1)", lambda x: x.sum(1)), ([50, 40], "sum(x, 0)", lambda x: x.sum(0)),
         ([4, 50, 10], "sum(x, [0, 1])", lambda x: x.sum([0, 1])),
         ([30, 12], "mse_loss(x, 0.5 * x + 1)", lambda x: F.mse_loss(x, 0.5 * x + 1))]
for shape, expr, fn in cases:
    n = 1
    for d in shape:
        n *= d
    x = pattern(n, 3, -4.0, 4.0).reshape(shape)
    emit('        (%s, "%s", %s),' % (shape, expr, bits(fn(x))))
emit("    ]")
emit("")
emit("    /// Small matrix products x @ y: (shape of x, shape of y, result bits), x = pattern(count, 4, -4, 4),")
emit("    /// y = pattern(count, 5, -4, 4).")
emit("    static let matmuls: [(x: [Int], y: [Int], bits: [UInt32])] = [")
for sx, sy in [([2, 3], [3, 4]), ([3, 5], [5, 2]), ([4, 16], [16, 4]), ([5, 33], [33, 3]), ([8, 64], [64, 8]),
               ([2, 1000], [1000, 2]), ([2, 3, 4], [4, 2]), ([3, 2], [2]), ([1, 20], [20, 1])]:
    cx = 1
    for d in sx:
        cx *= d
    cy = 1
    for d in sy:
        cy *= d
    x = pattern(cx, 4, -4.0, 4.0).reshape(sx)
    y = pattern(cy, 5, -4.0, 4.0).reshape(sy)
    emit("        (%s, %s, %s)," % (sx, sy, bits(x @ y)))
emit("    ]")
emit("")
emit("    /// Variances: (shape, expression, lo, hi, result bits) for x = pattern(count, 6, lo, hi). A full")
emit("    /// reduction takes PyTorch's two-pass path, one over dims or `var_mean` its Welford path.")
emit("    static let variances: [(shape: [Int], expr: String, lo: Double, hi: Double, bits: [UInt32])] = [")
var_cases = []
for n in list(range(1, 101)) + [1000]:
    var_cases.append(([n], "var(x)", 99.0, 101.0, lambda x: x.var()))
    var_cases.append(([n], "std(x, correction=0)", -4.0, 4.0, lambda x: x.std(correction=0)))
    var_cases.append(([n], "var_mean(x)[0]", 99.0, 101.0, lambda x: torch.var_mean(x)[0]))
    var_cases.append(([n], "var_mean(x)[1]", 99.0, 101.0, lambda x: torch.var_mean(x)[1]))
var_cases += [
    ([7, 9], "var(x, 0)", 99.0, 101.0, lambda x: x.var(0)), ([7, 9], "var(x, 1)", 99.0, 101.0, lambda x: x.var(1)),
    ([9, 40], "std(x, 1)", 99.0, 101.0, lambda x: x.std(1)), ([40, 9], "std(x, 0, keepdim=true)", -4.0, 4.0, lambda x: x.std(0, keepdim=True)),
    ([5, 8, 6], "var(x, [0, 2])", 99.0, 101.0, lambda x: x.var([0, 2])), ([5, 8, 6], "var(x, [1, 2], correction=0)", 99.0, 101.0, lambda x: x.var([1, 2], correction=0)),
    ([1, 50], "var(x, 1)", 99.0, 101.0, lambda x: x.var(1)), ([50, 1], "std(x, 0)", 99.0, 101.0, lambda x: x.std(0)),
    ([6, 30], "std_mean(x, 1)[0]", 99.0, 101.0, lambda x: torch.std_mean(x, 1)[0]),
    ([6, 30], "std_mean(x, 1)[1]", 99.0, 101.0, lambda x: torch.std_mean(x, 1)[1]),
    ([30, 6], "var_mean(x, 0, correction=0)[0]", 99.0, 101.0, lambda x: torch.var_mean(x, 0, correction=0)[0]),
    ([1], "var(x)", 99.0, 101.0, lambda x: x.var()), ([3, 1], "var(x, 1)", 99.0, 101.0, lambda x: x.var(1)),
]
for shape, expr, lo, hi, fn in var_cases:
    n = 1
    for d in shape:
        n *= d
    x = pattern(n, 6, lo, hi).reshape(shape)
    emit('        (%s, "%s", %r, %r, %s),' % (shape, expr, lo, hi, bits(fn(x))))
emit("    ]")
emit("")
emit("    /// Ops whose kernel depends on PyTorch's CPU capability: capability -> (expression, lo, hi,")
emit("    /// bits per size) for x = pattern(n, n, lo, hi), n in `tailSizes`.")
emit("    static let tailSizes = %s" % TAIL_SIZES)
children = {}
for cap in ["avx512", "avx2", "default"]:
    env = dict(os.environ, RECORD_TAILS="1", ATEN_CPU_CAPABILITY=cap)
    children[cap] = json.loads(subprocess.run([sys.executable, __file__], env=env, check=True, capture_output=True, text=True).stdout)
emit("    static let tails: [String: [(expr: String, lo: Double, hi: Double, bits: [[UInt32]])]] = [")
for cap, child in children.items():
    emit('        "%s": [' % cap)
    for expr, _, lo, hi in TAIL_OPS:
        emit('            ("%s", %r, %r, %s),' % (expr, lo, hi, child[expr]))
    emit("        ],")
emit("    ]")
emit("")
emit("    /// The ops on Sleef's functions, likewise: capability -> (expression, lo, hi, bits per size) for")
emit("    /// x = pattern(n, n, lo, hi), y = pattern(n, n + 1, -3, 3), n in `opTailSizes`.")
emit("    static let opTailSizes = %s" % OP_TAIL_SIZES)
emit("    static let opTails: [String: [(expr: String, lo: Double, hi: Double, bits: [[UInt32]])]] = [")
for cap, child in children.items():
    emit('        "%s": [' % cap)
    for expr, _, lo, hi in OP_TAILS:
        emit('            ("%s", %r, %r, %s),' % (expr, lo, hi, child[expr]))
    emit("        ],")
emit("    ]")
emit("")
emit("    /// Broadcasting binary ops: capability -> (expression, shape of x, shape of y, bits) for")
emit("    /// x = pattern(count, 8, 0.01, 10), y = pattern(count, 9, -3, 3).")
emit("    static let broadcasts: [String: [(expr: String, x: [Int], y: [Int], bits: [UInt32])]] = [")
for cap, child in children.items():
    emit('        "%s": [' % cap)
    for i, (expr, sx, sy) in enumerate(BROADCASTS):
        emit('            ("%s", %s, %s, %s),' % (expr, sx, sy, child["broadcast%d" % i]))
    emit("        ],")
emit("    ]")
emit("")
emit("    /// Kernels that follow the CPU capability beyond elementwise chunks (softmax's lanes, Sleef's")
emit("    /// lgamma, fused multiply-adds, prod's order): capability -> (expression, inputs as (name,")
emit("    /// shape, seed, lo, hi) with values pattern(count, seed, lo, hi), tolerated ulps, bits).")
emit("    static let more: [String: [(expr: String, inputs: [(name: String, shape: [Int], seed: Int, lo: Double, hi: Double)], ulps: Int, bits: [UInt32])]] = [")
for cap, child in children.items():
    emit('        "%s": [' % cap)
    for i, (expr, _, inputs, ulps) in enumerate(MORE):
        spec = ", ".join('("%s", %s, %d, %r, %r)' % (n, sh, sd, lo, hi) for n, sh, sd, lo, hi in inputs)
        emit('            ("%s", [%s], %d, %s),' % (expr, spec, ulps, child["more%d" % i]))
    emit("        ],")
emit("    ]")
emit("")
emit("    /// nll_loss and cross_entropy with class indices: capability -> (expression, rows, classes,")
emit("    /// ignoring, bits); see `nllTarget`, x = pattern(rows * classes, 3, -6, 0), w = pattern(classes, 9, 0.5, 2).")
emit("    static let nll: [String: [(expr: String, rows: Int, classes: Int, ignoring: Bool, bits: [UInt32])]] = [")
for cap, child in children.items():
    emit('        "%s": [' % cap)
    for i, (expr, rows, classes, ignoring) in enumerate(NLL):
        emit('            ("%s", %d, %d, %s, %s),' % (expr, rows, classes, "true" if ignoring else "false", child["nll%d" % i]))
    emit("        ],")
emit("    ]")
emit("    /// Target i of an `nll` case: (7 i) % classes, or -100 (ignored) for i % 5 == 0 when ignoring.")
emit("    static func nllTarget(_ i: Int, classes: Int, ignoring: Bool) -> Int { ignoring && i % 5 == 0 ? -100 : (7 * i) % classes }")
emit("")
emit("    /// Edge inputs (bit patterns: zeros, infinities, NaN, subnormals, the largest floats, the")
emit("    /// functions' overflow and underflow thresholds) and PyTorch's result bits on this CPU.")
emit("    static let edgeInputs: [UInt32] = %s" % bits(EDGES))
emit("    static let edgeUnary: [(expr: String, bits: [UInt32])] = [")
for expr, fn in EDGE_UNARY:
    emit('        ("%s", %s),' % (expr, bits(fn(EDGES))))
emit("    ]")
emit("    /// gelu(x) on the edge inputs and on x = pattern(n, n, -6, 6) for n in `geluSizes` (oneDNN's")
emit("    /// kernel for n > 1 on this AVX-512 CPU, PyTorch's scalar formula for n = 1).")
emit("    static let geluEdge: [UInt32] = %s" % bits(F.gelu(EDGES)))
emit("    static let geluSizes = %s" % GELU_SIZES)
emit("    static let geluBits: [[UInt32]] = %s" % [bits(F.gelu(pattern(n, n, -6.0, 6.0))) for n in GELU_SIZES])
emit("    /// 128 pairs of `edgePairValues`: x = edgePairValues[i / 8], y = edgePairValues[i % 8 + 8].")
emit("    static let edgePairValues: [UInt32] = %s" % bits(PAIRS))
emit("    static let edgeBinary: [(expr: String, bits: [UInt32])] = [")
px = PAIRS[:16].repeat_interleave(8)
py = PAIRS[8:16].repeat(16)
for expr, fn in EDGE_BINARY:
    emit('        ("%s", %s),' % (expr, bits(fn(px, py))))
emit("    ]")
emit("")
emit("    /// n float32 values in [lo, hi), as scripts/record_float32.py makes them.")
emit("    static func pattern(_ n: Int, _ seed: Int, _ lo: Double, _ hi: Double) -> [Double] {")
emit("        (0..<n).map { i in Double(Float(lo + (hi - lo) * Double((i * 7919 + seed * 104729) % 10007) / 10007.0)) }")
emit("    }")
emit("}")
print("\n".join(lines))
