#!/usr/bin/env python3
"""Records what PyTorch and JAX return at the kinks and ties listed in
Sources/Autograd/Ops/KinkConventions.swift: run it with a Python that has torch and another
that has jax (float64 in both), and copy the numbers into that table.

    python record_conventions.py torch    # d/dx[0] from torch.autograd
    python record_conventions.py jax      # d/dx[0] from jax.grad

Each case: a name, the input values, and the same function written for both libraries.
"""
import sys

CASES = [
    # name, x, y (or None), torch expression, jax expression
    ("relu", 0.0, None, "torch.relu(x)", "jax.nn.relu(x)"),
    ("leaky_relu", 0.0, None, "F.leaky_relu(x, 0.1)", "jax.nn.leaky_relu(x, 0.1)"),
    ("elu", 0.0, None, "F.elu(x)", "jax.nn.elu(x)"),
    ("celu", 0.0, None, "F.celu(x)", "jax.nn.celu(x)"),
    ("selu", 0.0, None, "F.selu(x)", "jax.nn.selu(x)"),
    ("hardtanh+1", 1.0, None, "F.hardtanh(x)", "jax.nn.hard_tanh(x)"),
    ("hardtanh-1", -1.0, None, "F.hardtanh(x)", "jax.nn.hard_tanh(x)"),
    ("relu6_0", 0.0, None, "F.relu6(x)", "jax.nn.relu6(x)"),
    ("relu6_6", 6.0, None, "F.relu6(x)", "jax.nn.relu6(x)"),
    ("hardsigmoid-3", -3.0, None, "F.hardsigmoid(x)", "jax.nn.hard_sigmoid(x)"),
    ("hardsigmoid+3", 3.0, None, "F.hardsigmoid(x)", "jax.nn.hard_sigmoid(x)"),
    ("hardswish-3", -3.0, None, "F.hardswish(x)", "jax.nn.hard_swish(x)"),
    ("hardswish+3", 3.0, None, "F.hardswish(x)", "jax.nn.hard_swish(x)"),
    ("abs", 0.0, None, "torch.abs(x)", "jnp.abs(x)"),
    ("sign", 0.0, None, "torch.sign(x)", "jnp.sign(x)"),
    ("sqrt", 0.0, None, "torch.sqrt(x)", "jnp.sqrt(x)"),
    ("maximum", 1.0, 1.0, "torch.maximum(x, y)", "jnp.maximum(x, y)"),
    ("minimum", 1.0, 1.0, "torch.minimum(x, y)", "jnp.minimum(x, y)"),
    ("fmax", 1.0, 1.0, "torch.fmax(x, y)", "jnp.fmax(x, y)"),
    ("clamp_min", 0.0, None, "torch.clamp_min(x, 0.0)", "jnp.clip(x, min=0.0)"),
    ("clamp_max", 0.0, None, "torch.clamp_max(x, 0.0)", "jnp.clip(x, max=0.0)"),
    ("clamp_lo", 0.0, None, "torch.clamp(x, 0.0, 1.0)", "jnp.clip(x, 0.0, 1.0)"),
    ("clamp_hi", 1.0, None, "torch.clamp(x, 0.0, 1.0)", "jnp.clip(x, 0.0, 1.0)"),
    ("where", 0.0, None, "torch.where(x > 0, x, torch.zeros_like(x))", "jnp.where(x > 0, x, 0.0)"),
    ("max", [1.0, 1.0], None, "torch.max(x)", "jnp.max(x)"),
    ("amax", [1.0, 1.0], None, "torch.amax(x)", "jnp.max(x)"),
    ("max_dim", [[1.0], [1.0]], None, "torch.max(x, dim=0)[0].sum()", "jnp.max(x, axis=0).sum()"),
    ("min", [1.0, 1.0], None, "torch.min(x)", "jnp.min(x)"),
    ("norm", [0.0, 0.0], None, "torch.linalg.vector_norm(x)", "jnp.linalg.norm(x)"),
    ("l1_loss", 1.0, 1.0, "F.l1_loss(x, y)", "jnp.mean(jnp.abs(x - y))"),
    ("atan2", 0.0, 0.0, "torch.atan2(x, y)", "jnp.arctan2(x, y)"),
    ("floor", 1.0, None, "torch.floor(x)", "jnp.floor(x)"),
    ("round", 0.5, None, "torch.round(x)", "jnp.round(x)"),
]


def first(g):
    return float(g.reshape(-1)[0])


def run_torch():
    import torch
    import torch.nn.functional as F  # noqa: F401 (used by the expressions)
    for name, x0, y0, expr, _ in CASES:
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        y = None if y0 is None else torch.tensor(y0, dtype=torch.float64)
        out = eval(expr, {"torch": torch, "F": F, "x": x, "y": y})
        out.backward()
        print(f"{name}: {first(x.grad)!r}")


def run_jax():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    print(f"# jax {jax.__version__}")
    for name, x0, y0, _, expr in CASES:
        y = None if y0 is None else jnp.asarray(y0, dtype=jnp.float64)
        f = lambda x: eval(expr, {"jax": jax, "jnp": jnp, "x": x, "y": y})  # noqa: E731
        g = jax.grad(f)(jnp.asarray(x0, dtype=jnp.float64))
        print(f"{name}: {first(g)!r}")


if __name__ == "__main__":
    {"torch": run_torch, "jax": run_jax}[sys.argv[1]]()
