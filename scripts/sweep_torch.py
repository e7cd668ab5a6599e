#!/usr/bin/env python3
"""Differential sweep of gradcli against PyTorch at special points (a developer tool: it needs
torch, so the project's tests never run it).

    /work/.venv-torch/bin/python scripts/sweep_torch.py .build/debug/gradcli [--only WORD] [--exact] [-v]

Every case is PyTorch code exactly as a user would paste it (`torch.sin(x)`, `F.elu(x, 0.5)`,
`x.max(dim=1)[0]`), run by PyTorch and by `gradcli batch` on the same inputs: float64 and float32
leaves that require grad (points 0, -0, +-1, integers, halves, NaN, +-inf, 1e300, 1e-300, ties,
empty tensors), and int64 and bool tensors (no gradient). It compares the value, shape, dtype,
grad_fn name and the gradient of each float input (backward with a non-trivial grad_output when
the result is not a scalar). float64 must agree to 1e-12 relative (1e-14 absolute, for cancellations; --exact: to the last bit); float32 exactly, except within
1 ulp (values) or 2 ulp (gradients) for the transcendental functions whose vectorised float32
kernels PyTorch does not round correctly. Mismatches print one line each; refusals (gradcli
refuses, PyTorch accepts) and the reverse are listed at the end.
"""
import json, math, struct, subprocess, sys, os
import torch
import torch.nn.functional as F

# --- points ------------------------------------------------------------------------------------
NAN, INF = float("nan"), float("inf")
POINTS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.0, -2.0, 2.5, -2.5, 3.0, -3.0, 6.0, -6.0,
          0.25, 0.9, -0.9, 1e-8, 20.0, -20.0, 40.0, 100.0, 710.0, -710.0, 1e300, -1e300, 1e-300,
          -1e-300, 3e38, 1e-40, NAN, INF, -INF, 1.1, 0.3, -0.7, 2.9, 7.7]
PAIR = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 1.5, -1.5, 1e300, -1e300, 1e-300, NAN, INF, -INF]
INTS = [0, 1, -1, 2, -2, 3, 7, -8, 100]
BOOLS = [True, False, True]
M = [[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]
MATS = {  # reduction inputs: name -> values
    "distinct": M, "ties": [[2.0, 2.0, 1.0], [3.0, 3.0, 3.0]], "zeros": [[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]],
    "one0": [[0.0, 2.0, 5.0], [1.0, 0.5, 3.0]], "nan": [[1.0, NAN, 2.0], [3.0, 4.0, 5.0]],
    "inf": [[INF, 1.0, 2.0], [-INF, 3.0, INF]], "big": [[1e300, 1e300, -1e300], [1e-300, 0.0, 1e-300]],
    "neg0": [[-0.0, 0.0, -0.0], [1.0, -1.0, -0.0]],
}
EMPTIES = {"e0": "zeros(0)", "e03": "zeros(0, 3)", "e20": "zeros(2, 0)"}

# float32 kernels PyTorch vectorises without correct rounding (values within 1 ulp)
TRANSCENDENTAL = set("""exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan sinh cosh tanh
asinh acosh atanh sigmoid logsigmoid leaky_relu silu softplus pow atan2 gelu erf elu celu selu mish logit
hypot logaddexp xlogy logsumexp softmax log_softmax norm std var tanh binary_cross_entropy
binary_cross_entropy_with_logits kl_div cross_entropy cosine_similarity normalize layer_norm softsign
cosh mean mse_loss smooth_l1_loss huber_loss l1_loss prod det inverse""".split())

CASES = []  # (group, code, inputs {name: (kind, values or expression)}, op)


def case(code, op, group="", **inputs):
    CASES.append((group, code, inputs, op))


# --- unary elementwise ---------------------------------------------------------------------
UNARY = {n: f"torch.{n}(x)" for n in """neg exp exp2 expm1 log log2 log10 log1p sqrt rsqrt square reciprocal abs
sign floor ceil round trunc erf sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh sigmoid relu""".split()}
UNARY.update({n: f"F.{n}(x)" for n in "logsigmoid silu relu6 selu mish hardswish hardsigmoid softsign celu elu gelu softplus hardtanh softshrink hardshrink leaky_relu".split()})
UNARY.update({
    "leaky_relu": "F.leaky_relu(x, 0.2)", "elu": "F.elu(x, 0.5)", "celu": "F.celu(x, 0.5)",
    "hardtanh": "F.hardtanh(x, -0.5, 1.0)", "softshrink": "F.softshrink(x, 0.5)", "hardshrink": "F.hardshrink(x, 0.5)",
    "softplus": "F.softplus(x, 2, 1)", "clamp": "torch.clamp(x, -1, 1)", "clamp_min": "torch.clamp_min(x, 0.5)",
    "clamp_max": "torch.clamp_max(x, 0.5)", "logit": "torch.logit(x)", "pow": "torch.pow(x, 2.5)",
})
UNARY_EXTRA = [
    ("F.leaky_relu(x)", "leaky_relu"), ("F.elu(x)", "elu"), ("F.celu(x)", "celu"), ("F.hardtanh(x)", "hardtanh"),
    ("F.softplus(x)", "softplus"), ("F.softplus(x, beta=0.5, threshold=3)", "softplus"),
    ("F.gelu(x, approximate='tanh')", "gelu"), ("torch.clamp(x, min=0)", "clamp"), ("torch.clamp(x, max=0.5)", "clamp"),
    ("torch.clamp(x, 1, -1)", "clamp"), ("torch.logit(x, 0.1)", "logit"), ("torch.logit(x, eps=1e-6)", "logit"),
    ("x ** 0", "pow"), ("x ** 0.5", "pow"), ("x ** 2", "pow"), ("x ** -1", "pow"), ("x ** 1.5", "pow"), ("x ** 3", "pow"),
    ("x ** -2", "pow"), ("x ** -0.5", "pow"), ("x ** 0.0", "pow"), ("2 ** x", "pow"), ("0 ** x", "pow"),
    ("(-2) ** x", "pow"), ("1 ** x", "pow"), ("x * 2", "mul"), ("x / 3", "div"), ("1 / x", "div"), ("x + 1", "add"),
    ("1 - x", "sub"), ("x % 1.5", "remainder"), ("x // 1.5", "floor_divide"), ("-x", "neg"),
    ("torch.div(x, 2, rounding_mode='floor')", "div"), ("torch.div(x, 0.75, rounding_mode='trunc')", "div"),
    ("torch.xlogy(x, x)", "xlogy"), ("torch.xlogy(x, 2.0)", "xlogy"), ("torch.xlogy(2.0, x)", "xlogy"),
    ("x.abs()", "abs"), ("x.exp()", "exp"), ("F.threshold(x, 0.5, 2.0)", "threshold"),
    ("torch.where(x > 0, x, 0.0)", "where"), ("torch.where(x > 0, x, x * 2)", "where"),
    ("torch.maximum(x, torch.zeros_like(x))", "maximum"), ("torch.minimum(x, torch.zeros_like(x))", "minimum"),
    ("torch.atan2(x, torch.ones_like(x))", "atan2"), ("torch.hypot(x, torch.zeros_like(x))", "hypot"),
    ("torch.logaddexp(x, x)", "logaddexp"), ("torch.remainder(x, -1.5)", "remainder"),
    ("torch.floor_divide(x, -1.5)", "floor_divide"), ("x.masked_fill(x > 1, 0.5)", "masked_fill"),
]
for op, code in UNARY.items():
    case(code, op, "unary", x=("f", POINTS))
for code, op in UNARY_EXTRA:
    case(code, op, "unary", x=("f", POINTS))
    case(code, op, "unary-scalar", x=("f", 0.0))

# --- binary elementwise (every pair of special points, both orders, broadcasting) -----------
BINARY = {
    "add": "torch.add(a, b)", "sub": "torch.sub(a, b)", "mul": "torch.mul(a, b)", "div": "torch.div(a, b)",
    "pow": "torch.pow(a, b)", "atan2": "torch.atan2(a, b)", "maximum": "torch.maximum(a, b)",
    "minimum": "torch.minimum(a, b)", "remainder": "torch.remainder(a, b)", "floor_divide": "torch.floor_divide(a, b)",
    "xlogy": "torch.xlogy(a, b)", "hypot": "torch.hypot(a, b)", "logaddexp": "torch.logaddexp(a, b)",
    "eq": "torch.eq(a, b)", "ne": "torch.ne(a, b)", "lt": "torch.lt(a, b)", "le": "torch.le(a, b)",
    "gt": "torch.gt(a, b)", "ge": "torch.ge(a, b)", "max": "torch.max(a, b)", "min": "torch.min(a, b)",
    "div_floor": "torch.div(a, b, rounding_mode='floor')", "div_trunc": "torch.div(a, b, rounding_mode='trunc')",
    "add_alpha": "torch.add(a, b, alpha=2)", "sub_alpha": "torch.sub(a, b, alpha=0.5)",
    "where": "torch.where(a > b, a, b)", "clamp_t": "torch.clamp(a, min=b)", "clamp_tmax": "torch.clamp(a, max=b)",
    "clamp_min": "torch.clamp_min(a, b)", "clamp_max": "torch.clamp_max(a, b)",
    "mse_loss": "F.mse_loss(a, b, reduction='none')", "l1_loss": "F.l1_loss(a, b, reduction='none')",
    "smooth_l1_loss": "F.smooth_l1_loss(a, b, reduction='none', beta=0.5)",
    "huber_loss": "F.huber_loss(a, b, reduction='none', delta=0.5)",
    "bce_logits": "F.binary_cross_entropy_with_logits(a, b, reduction='none')",
    "kl_div": "F.kl_div(a, b, reduction='none')", "kl_div_log": "F.kl_div(a, b, reduction='none', log_target=True)",
}
GA = [p for p in PAIR for q in PAIR]
GB = [q for p in PAIR for q in PAIR]
for op, code in BINARY.items():
    name = op.split("_")[0] if op not in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "floor_divide", "clamp_min", "clamp_max", "kl_div_log") else op
    case(code, name, "binary", a=("f", GA), b=("f", GB))
    case(code, name, "bcast-scalar-vec", a=("f", 0.5), b=("f", [0.0, 0.5, -2.0]))
    case(code, name, "bcast-vec-scalar", a=("f", [0.0, 0.5, -2.0]), b=("f", 0.5))
    case(code, name, "bcast-mat-vec", a=("f", M), b=("f", [1.0, -2.0, 0.5]))
    case(code, name, "bcast-col-row", a=("f", [[1.0], [-2.0]]), b=("f", [[1.0, -2.0, 0.5]]))
    case(code, name, "empty", a=("e", "zeros(0, 3)"), b=("f", [1.0, -2.0, 0.5]))
for code, op in [("a + 2.5", "add"), ("2.5 - a", "sub"), ("a * -0.0", "mul"), ("a / 0.0", "div"), ("0.0 / a", "div"),
                 ("a ** b", "pow"), ("a ** 2 + b", "pow"), ("a @ b", "matmul")]:
    case(code, op, "operator", a=("f", [0.0, 1.0, -2.0]), b=("f", [0.5, -0.0, 3.0]))
case("F.binary_cross_entropy(a, b, reduction='none')", "binary_cross_entropy", "bce",
     a=("f", [0.0, 1.0, 0.5, 1e-300, 0.999999, 0.0, 1.0]), b=("f", [0.0, 1.0, 0.5, 0.0, 1.0, 1.0, 0.0]))
case("F.binary_cross_entropy(a, b)", "binary_cross_entropy", "bce", a=("f", [0.0, 1.0, 0.5]), b=("f", [1.0, 0.0, 0.5]))

# --- reductions ----------------------------------------------------------------------------
REDUCE = {
    "sum": "torch.sum(x{})", "mean": "torch.mean(x{})", "prod": "torch.prod(x{})", "amax": "torch.amax(x{})",
    "amin": "torch.amin(x{})", "logsumexp": "torch.logsumexp(x{})", "var": "torch.var(x{})", "std": "torch.std(x{})",
    "norm": "torch.norm(x{})", "var0": "torch.var(x{}, correction=0)", "std0": "torch.std(x{}, unbiased=False)",
}
DIMS = ["", ", dim=0", ", dim=1", ", dim=-1", ", dim=1, keepdim=True", ", dim=(0, 1)", ", 0, True"]
for op, code in REDUCE.items():
    for d in DIMS:
        if op in ("prod",) and "(0, 1)" in d:
            continue
        if op == "logsumexp" and d == "":
            d = ", dim=(0, 1)"
        for mname, vals in MATS.items():
            case(code.format(d), op.rstrip("0"), f"reduce-{mname}", x=("f", vals))
        for ename, expr in EMPTIES.items():
            if ename != "e0" or d in ("", ", dim=0", ", dim=-1"):
                case(code.format(d), op.rstrip("0"), f"reduce-{ename}", x=("e", expr))
    case(code.format(""), op.rstrip("0"), "reduce-scalar", x=("f", 2.5))
    case(code.format(""), op.rstrip("0"), "reduce-one", x=("f", [2.5]))
for p in ["1", "3", "0", "inf", "-inf", "0.5", "-1"]:
    pv = {"inf": "float('inf')", "-inf": "float('-inf')"}.get(p, p)
    for d in ["", ", dim=1", ", dim=0, keepdim=True"]:
        for mname, vals in MATS.items():
            case(f"torch.norm(x, {pv}{d})", "norm", f"norm-{mname}", x=("f", vals))
        case(f"torch.norm(x, {pv}{d})", "norm", "norm-e03", x=("e", "zeros(0, 3)"))
TUPLES = ["x.max(dim=1)[0]", "x.min(dim=0)[0]", "x.max(1, keepdim=True)[0]", "x.max()", "x.min()",
          "x.median()", "x.median(dim=1)[0]", "x.median(0, keepdim=True)[0]", "torch.sort(x)[0]",
          "torch.sort(x, dim=0, descending=True)[0]", "torch.topk(x, 2)[0]", "torch.topk(x, 2, largest=False)[0]",
          "torch.kthvalue(x, 2)[0]", "torch.mode(x)[0]", "torch.aminmax(x)[0]", "torch.aminmax(x, dim=1)[1]",
          "torch.std_mean(x, dim=1)[0]", "torch.var_mean(x)[1]", "torch.cumsum(x, 1)", "torch.cumsum(x, dim=0)",
          "F.softmax(x, dim=1)", "F.log_softmax(x, dim=0)", "F.softmin(x, dim=1)", "torch.argmax(x)",
          "torch.argmin(x, dim=1)", "torch.argmax(x, dim=0, keepdim=True)", "x.max(dim=1)[1]", "torch.sort(x)[1]",
          "F.normalize(x)", "F.normalize(x, dim=0)", "F.layer_norm(x, (3,))", "x.sum() / x.numel()",
          "torch.trace(x @ x.T)", "torch.det(x @ x.T)", "F.cosine_similarity(x, x * 2)", "x.amax(dim=(0, 1))"]
for code in TUPLES:
    op = code.split("(")[0].split(".")[-1]
    if code.startswith("x.") and "(" in code:
        op = code[2:].split("(")[0]
    for mname, vals in MATS.items():
        case(code, op, f"tuple-{mname}", x=("f", vals))
# lanes full of ties: the index (and so the gradient) PyTorch's quickselect picks
TIES = [[3.0, 3.0, 3.0, 3.0, 3.0], [1.0, 2.0, 1.0, 2.0, 1.0], [2.0, 2.0, 1.0, 1.0, 0.0], [0.0, -0.0, 0.0, 1.0, -0.0],
        [5.0, 1.0, 5.0, 1.0, 5.0], [1.0, 1.0, 2.0, 2.0, 2.0]]
for code in ["torch.kthvalue(x, 1)[0]", "torch.kthvalue(x, 2)[0]", "torch.kthvalue(x, 3)[0]", "torch.kthvalue(x, 4)[0]",
             "torch.kthvalue(x, 5)[0]", "torch.kthvalue(x, 2, dim=0)[0]", "x.median(dim=1)[0]", "x.median(dim=0)[0]",
             "x[:, :4].median(dim=1)[0]", "torch.mode(x)[0]", "torch.topk(x, 3)[0]", "torch.sort(x, stable=True)[0]"]:
    case(code, code.split("(")[0].split(".")[-1], "ties", x=("f", TIES))
# matrix functions at singular points
for vals in ([[1.0, 2.0], [2.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 0.0]], [[2.0, 1.0], [1.0, 3.0]]):
    for code in ["torch.det(x)", "torch.inverse(x)", "torch.trace(x)", "x @ x", "torch.diag(x)", "torch.linalg.det(x)"]:
        case(code, code.split("(")[0].split(".")[-1], "matrix", x=("f", vals))
for code in ["F.cosine_similarity(a, b, dim=0)", "F.normalize(a, dim=0)", "F.pairwise_distance(a, b)",
             "torch.dot(a, b)", "torch.outer(a, b)", "F.cross_entropy(a.unsqueeze(0), b.unsqueeze(0))"]:
    for av, bv in (([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]), ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), ([INF, 0.0, 1.0], [0.2, 0.3, 0.5])):
        case(code, code.split("(")[0].split(".")[-1], "vector", a=("f", av), b=("f", bv))

# --- integer and bool inputs (values and dtypes only) ---------------------------------------
INT_UNARY = ["torch.abs(x)", "torch.neg(x)", "torch.sign(x)", "torch.exp(x)", "torch.sqrt(x)", "torch.sin(x)",
             "torch.floor(x)", "torch.ceil(x)", "torch.round(x)", "torch.trunc(x)", "torch.square(x)",
             "torch.reciprocal(x)", "torch.sigmoid(x)", "F.relu(x)", "torch.clamp(x, -1, 2)", "torch.clamp(x, min=0.5)",
             "x * 2", "x * 2.5", "x / 2", "x // 2", "x % 3", "x % -3", "x // -3", "x ** 2", "x ** 0.5", "2 ** x",
             "x + True", "-x", "x > 1", "torch.sum(x)", "torch.prod(x)", "torch.max(x)", "torch.amin(x)",
             "torch.argmax(x)", "torch.cumsum(x, 0)", "torch.mean(x)", "torch.sort(x)[0]", "torch.median(x)",
             "x.float()", "x.double()", "x.long()", "x.bool()", "torch.where(x > 0, x, 0)", "torch.maximum(x, x)",
             "torch.remainder(x, 2)", "torch.floor_divide(x, 2)", "torch.div(x, 3, rounding_mode='floor')",
             "torch.div(x, -3, rounding_mode='trunc')", "torch.atan2(x, x)", "torch.logaddexp(x, x)",
             "torch.xlogy(x, x)", "torch.hypot(x, x)", "F.softmax(x, 0)", "torch.log_softmax(x, 0)",
             "torch.logsumexp(x, 0)", "torch.norm(x)", "torch.var(x)", "F.hardtanh(x)", "F.relu6(x)",
             "F.leaky_relu(x)", "F.gelu(x)", "torch.sum(x, 0, keepdim=True)", "torch.pow(x, 2)", "torch.pow(2, x)",
             "x + 1.5", "x * x", "x - x", "x + x", "x * 1e300", "torch.dot(x, x)", "x @ x", "x.sum(dtype=torch.float64)"]
for code in INT_UNARY:
    op = code.split("(")[0].split(".")[-1] if "(" in code else code
    case(code, op, "int64", x=("i", INTS))
    case(code, op, "bool", x=("b", BOOLS))
for code in ["a + b", "a - b", "a * b", "a / b", "a // b", "a % b", "torch.maximum(a, b)", "a ** b", "a == b",
             "torch.where(a > 0, a, b)", "torch.atan2(a, b)"]:
    case(code, code, "int-float", a=("i", [0, 1, -2, 3]), b=("f", [0.5, 0.0, -1.5, 2.0]))
    case(code, code, "float-int", a=("f", [0.5, 0.0, -1.5, 2.0]), b=("i", [0, 1, -2, 3]))
    case(code, code, "int-bool", a=("i", [0, 1, -2, 3]), b=("b", [True, False, True, True]))
    case(code, code, "bool-bool", a=("b", [True, False, True, False]), b=("b", [True, True, False, False]))
    case(code, code, "int-int", a=("i", [0, 1, -7, 7, 5]), b=("i", [2, 0, 2, -2, 3]))


# --- running both ----------------------------------------------------------------------------
def lit(v):
    if isinstance(v, list):
        return "[" + ", ".join(lit(u) for u in v) + "]"
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, int):
        return str(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v).replace("e+", "e")


def torch_run(code, inputs, dtype):
    env = {"torch": torch, "F": F, "math": math}
    leaves = {}
    for name, (kind, v) in inputs.items():
        if kind == "i":
            env[name] = torch.tensor(v, dtype=torch.int64)
        elif kind == "b":
            env[name] = torch.tensor(v, dtype=torch.bool)
        else:
            t = (eval(v.replace("zeros(", "torch.zeros("), {"torch": torch}).to(dtype) if kind == "e"
                 else torch.tensor(v, dtype=dtype)).requires_grad_()
            env[name] = leaves[name] = t
    try:
        r = eval(code, env)
        if isinstance(r, (int, float, bool)):
            r = torch.tensor(r)
        out = {"value": r.detach().tolist(), "shape": list(r.shape), "dtype": str(r.dtype).replace("torch.", ""),
               "grad_fn": type(r.grad_fn).__name__ if r.grad_fn is not None else None}
        if r.requires_grad and leaves:
            go = None
            if r.dim() > 0:
                go = (torch.arange(r.numel(), dtype=r.dtype) * 0.25 + 0.5).reshape(r.shape)
                out["grad_output"] = go.tolist()
            try:
                gs = torch.autograd.grad(r, list(leaves.values()), go, allow_unused=True)
            except Exception as e:
                # Refused in backward only (floor_divide): gradcli must refuse the same request.
                return {"error": str(e).split("\n")[0][:100], "refused_grad": list(leaves), "shape": out["shape"],
                        **({"grad_output": out["grad_output"]} if "grad_output" in out else {})}
            out["grad"] = {n: (g if g is not None else torch.zeros_like(t)).tolist() for (n, t), g in zip(leaves.items(), gs)}
        return out
    except Exception as e:
        return {"error": str(e).split("\n")[0][:100]}


def request(code, inputs, dtype, tr):
    floats = {n: (v if k == "e" else f"tensor({lit(v)})") for n, (k, v) in inputs.items() if k in "fe"}
    # bools as dtype=torch.bool: gradcli reads the literals True and False as numbers
    binds = "".join(f"{n} = torch.tensor({lit(v)}{', dtype=torch.bool' if k == 'b' else ''}); "
                    for n, (k, v) in inputs.items() if k in "ib")
    req = {"expr": binds + code, "inputs": floats, "dtype": "float32" if dtype == torch.float32 else "float64"}
    if "grad" in tr or "refused_grad" in tr:
        req.update(command="grad", wrt=list(tr.get("grad") or tr["refused_grad"]))
        if "grad_output" in tr:
            shape = tr["shape"]  # an empty list would lose an empty result's shape
            req["grad_output"] = tr["grad_output"] if 0 not in shape else f"zeros({', '.join(map(str, shape))})"
    else:
        req["command"] = "eval"
    return req


def num(v):
    if isinstance(v, list):
        return [num(u) for u in v]
    if isinstance(v, str):
        return float(v.replace("Infinity", "inf"))
    return v


def flat(v):
    return [w for u in v for w in flat(u)] if isinstance(v, list) else [v]


def ulps(a, b):
    def key(x):
        i = struct.unpack("<i", struct.pack("<f", x))[0]
        return i if i >= 0 else -(i & 0x7FFFFFFF)
    return abs(key(a) - key(b))


EXACT = "--exact" in sys.argv  # float64 to the last bit too


def differs(a, b, dtype, tol_ulps):
    """The flat indices where gradcli's a and torch's b differ."""
    fa, fb = flat(num(a)), flat(b)
    if len(fa) != len(fb):
        return ["length"]
    bad = []
    for i, (x, y) in enumerate(zip(fa, fb)):
        if isinstance(y, bool) or isinstance(x, bool):
            ok = float(x) == float(y)
        elif math.isnan(y) or math.isnan(x):
            ok = math.isnan(x) and math.isnan(y)
        elif math.isinf(x) or math.isinf(y):
            ok = x == y
        elif dtype == "float32":
            ok = ulps(x, y) <= tol_ulps
        elif dtype == "int64":
            ok = x == y
        elif EXACT:
            ok = x == y
        else:
            ok = abs(x - y) <= 1e-12 * abs(y) + 1e-14  # cancellation leaves ~1e-16
        if not ok:
            bad.append(i)
    return bad


def main():
    args = sys.argv[1:]
    binary = args[0]
    only = args[args.index("--only") + 1] if "--only" in args else None
    verbose = "-v" in args
    runs = []
    for group, code, inputs, op in CASES:
        if only and only not in code and only != op:
            continue
        kinds = {k for k, _ in inputs.values()}
        for dtype in (torch.float64, torch.float32):
            torch.set_default_dtype(dtype)  # gradcli's --dtype is the default dtype
            tr = torch_run(code, inputs, dtype)
            runs.append((group, code, inputs, op, dtype, tr, request(code, inputs, dtype, tr)))
    text = "\n".join(json.dumps(r[6]) for r in runs) + "\n"
    out = subprocess.run([binary, "batch", "-", "--jobs", "2"], input=text, capture_output=True, text=True).stdout
    answers = [json.loads(line) for line in out.splitlines() if line.strip()]
    mismatches, refused, accepted = 0, [], []
    for (group, code, inputs, op, dtype, tr, req), gc in zip(runs, answers):
        dt = "f32" if dtype == torch.float32 else "f64"
        where = f"[{dt} {group}] {code}"
        if "error" in tr:
            if "error" not in gc:
                accepted.append(f"{where}: torch refuses ({tr['error'][:70]}); gradcli gives {str(gc.get('value'))[:60]}")
            continue
        if "error" in gc:
            refused.append(f"{where}: {gc['error']['message'][:90]}")
            continue
        problems = []
        for field in ("shape", "dtype", "grad_fn"):
            if gc.get(field) != tr[field]:
                problems.append(f"{field} {gc.get(field)} vs {tr[field]}")
        tol = 1 if op in TRANSCENDENTAL else 0
        fields = [("value", gc.get("value"), tr["value"], tol)]
        fields += [(f"grad {n}", (gc.get("grad") or {}).get(n), g, 2 * tol) for n, g in tr.get("grad", {}).items()]
        for label, a, b, t in fields:
            if a is None:
                problems.append(f"{label} missing")
                continue
            bad = differs(a, b, tr["dtype"] if label == "value" else dt.replace("f", "float"), t)
            if bad:
                if bad == ["length"]:
                    problems.append(f"{label} size {len(flat(a))} vs {len(flat(b))}")
                    continue
                fa, fb = flat(num(a)), flat(b)
                ins = {n: flat(v if k != "e" else [])[:] for n, (k, v) in inputs.items() if k != "e"}
                shown = []
                for i in bad[:4]:
                    at = ",".join(lit(v[i]) if len(v) == len(fa) else "" for v in ins.values()
                                  if isinstance(v, list))
                    shown.append(f"@{i}({at}) {fa[i]!r} vs {fb[i]!r}")
                problems.append(f"{label}: {len(bad)} differ: " + "; ".join(shown))
        if problems:
            mismatches += 1
            print(f"DIFF {where}: " + " | ".join(problems))
            if verbose:
                print("   ", json.dumps(req))
    print(f"\n{len(runs)} runs, {mismatches} mismatching")
    print(f"\ngradcli refuses what torch accepts ({len(refused)}):")
    for r in refused:
        print("  ", r)
    print(f"\ngradcli accepts what torch refuses ({len(accepted)}):")
    for a in accepted:
        print("  ", a)


if __name__ == "__main__":
    main()
