#!/usr/bin/env python3
"""Records PyTorch's answers for the pasted one-liners that Tests/GradcliTests/PastedTests.swift
runs through `gradcli batch`.

Run with PyTorch 2.13 (float64):  /work/.venv-torch/bin/python scripts/gen_pasted.py
It rewrites samples/pasted.jsonl: one JSON object per case with the PyTorch code (`torch`), the
inputs, and what PyTorch gave: `value`, `shape`, `grad_fn` and `grad` (for the float inputs,
after backward with `grad_output` when the output is not a scalar), or `error` (PyTorch's
message) for inputs PyTorch refuses. Tests never run PyTorch: they read the recorded literals.
"""
import json, math, sys, os
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from pasted_cases import CASES  # noqa: E402

torch.set_default_dtype(torch.float64)


def number(x):
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def nested(t):
    if t.dim() == 0:
        return number(t.item())
    return [nested(s) for s in t]


def record(case):
    expr, inputs = case["torch"], case.get("inputs", {})
    longs = case.get("long", [])
    env = {"torch": torch, "F": F, "math": math}
    leaves = {}
    for name, value in inputs.items():
        if name in longs:
            env[name] = torch.tensor(value, dtype=torch.int64)
        elif isinstance(value, bool) or name in case.get("bool", []):
            env[name] = torch.tensor(value, dtype=torch.bool)
        else:
            t = torch.tensor(value, dtype=torch.float64, requires_grad=True)
            env[name] = t
            leaves[name] = t
    out = dict(case)
    try:
        result = eval(expr, env)
    except Exception as error:  # PyTorch refuses: record its message
        out["error"] = str(error).split("\n")[0]
        return out
    if "refuse" in case:  # gradcli refuses what PyTorch may accept (`torch.fft.fft`): no answer to record
        out["torch_accepts"] = True
        return out
    if isinstance(result, (int, float, bool)):
        result = torch.tensor(float(result))
    out["value"] = nested(result.detach().double())
    out["shape"] = list(result.shape)
    out["dtype"] = str(result.dtype).replace("torch.", "")
    out["grad_fn"] = type(result.grad_fn).__name__ if result.grad_fn is not None else None
    if result.requires_grad and leaves:
        if result.dim() == 0:
            grads = torch.autograd.grad(result, list(leaves.values()), allow_unused=True)
        else:
            n = result.numel()
            g = (torch.arange(n, dtype=torch.float64) * 0.25 + 0.5).reshape(result.shape)
            out["grad_output"] = nested(g)
            grads = torch.autograd.grad(result, list(leaves.values()), g, allow_unused=True)
        out["wrt"] = list(leaves.keys())
        out["grad"] = {name: nested(gr if gr is not None else torch.zeros_like(t))
                       for (name, t), gr in zip(leaves.items(), grads)}
    return out


def main():
    path = os.path.join(os.path.dirname(__file__), "..", "samples", "pasted.jsonl")
    lines = [json.dumps(record(c), separators=(",", ":")) for c in CASES]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} cases written to samples/pasted.jsonl (torch {torch.__version__})")


if __name__ == "__main__":
    main()
