"""PyTorch peers for scripts/bench.sh, run with $TORCH_PYTHON. Prints `key=value` lines.

Usage: bench_torch.py [oneshot|batch|chain|matmul ...] [--quick]   (BENCH_REQUESTS: batch request file)
Each item mirrors the gradcli measurement next to it in the table; see docs/benchmarks.md.
"""
import json
import os
import subprocess
import sys
import time

import torch

torch.set_num_threads(1)
args = sys.argv[1:]
quick = "--quick" in args
items = [a for a in args if not a.startswith("--")] or ["oneshot", "batch", "chain", "matmul"]
DOUBLE = torch.float64


def median(times):
    return sorted(times)[len(times) // 2] * 1e3


def timed(body, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    return median(times)


def emit(key, value):
    print(f"{key}={value}", flush=True)


# Item 1: a fresh interpreter that imports torch and computes mean(3*(a+3)^2) and its gradient.
ONESHOT = (
    "import torch; a = torch.tensor([2.0, 3.0], dtype=torch.float64, requires_grad=True); "
    "y = (3 * (a + 3) ** 2).mean(); y.backward(); print(y.item(), a.grad.tolist())"
)
if "oneshot" in items:
    runs = 3 if quick else 7
    cmd = [sys.executable, "-c", ONESHOT]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "91.5", out  # same answer as gradcli
    emit("torch_oneshot_ms", timed(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True), runs))


# Item 2: the batch requests, one by one in a Python loop (one thread), both from the JSON lines
# (parse, compute, serialise, like gradcli batch) and compute-only.
def grad_request(xv, yv):
    x = torch.tensor(xv, dtype=DOUBLE, requires_grad=True)
    y = torch.tensor(yv, dtype=DOUBLE, requires_grad=True)
    out = x ** 3 * torch.sin(x) + (y * x).mean()
    gx, gy = torch.autograd.grad(out, [x, y])
    return out.item(), gx.item(), gy.tolist()


if "batch" in items:
    path = os.environ.get("BENCH_REQUESTS")
    n = 2000 if quick else 10000
    if path:
        with open(path) as f:
            lines = [next(f) for _ in range(n)]
    else:
        lines = [json.dumps({"id": i, "expr": "x^3*sin(x) + mean(y*x)",
                             "inputs": {"x": -3 + 6 * i / n, "y": [1.0, 2.0, 3.0]}}) for i in range(n)]
    requests = [json.loads(line) for line in lines]
    pairs = [(r["inputs"]["x"], r["inputs"]["y"]) for r in requests]

    def json_loop():
        out = []
        for line in lines:
            r = json.loads(line)
            value, gx, gy = grad_request(r["inputs"]["x"], r["inputs"]["y"])
            out.append(json.dumps({"id": r["id"], "value": value, "grad": {"x": gx, "y": gy}}))
        return out

    def compute_loop():
        for xv, yv in pairs:
            grad_request(xv, yv)

    grad_request(*pairs[0])  # warm-up
    runs = 3
    emit("torch_batch_n", n)
    emit("torch_batch_json_rps", n / (timed(json_loop, runs) / 1e3))
    emit("torch_batch_compute_rps", n / (timed(compute_loop, runs) / 1e3))


# Item 3: the same 12-op chain as scripts/bench_core.swift, 10^6 float64 elements.
def chain(x):
    a = torch.sin(x) * x
    b = torch.exp(-x)
    c = torch.tanh(a + b) * x
    d = torch.sqrt(x * x + 1)
    return torch.sigmoid(c - d).sum()


if "chain" in items:
    runs = 5 if quick else 11
    x = torch.randn(1_000_000, dtype=DOUBLE, requires_grad=True)
    chain(x).backward()
    emit("torch_chain_forward_ms", timed(lambda: chain(x), runs))
    with torch.no_grad():
        emit("torch_chain_forward_nograd_ms", timed(lambda: chain(x), runs))
    times = []
    for _ in range(runs):
        x.grad = None
        out = chain(x)
        t = time.perf_counter()
        out.backward()
        times.append(time.perf_counter() - t)
    emit("torch_chain_backward_ms", median(times))


# Item 4: forward+backward of mean(tanh(A @ B)), 512x512 float64, one thread.
if "matmul" in items:
    runs = 5 if quick else 11
    n = 512
    a = torch.randn(n, n, dtype=DOUBLE, requires_grad=True)
    b = torch.randn(n, n, dtype=DOUBLE, requires_grad=True)

    def full():
        a.grad = None
        b.grad = None
        torch.tanh(a @ b).mean().backward()

    def plain():
        a.grad = None
        b.grad = None
        (a @ b).mean().backward()

    full()
    gemm = timed(lambda: a.detach() @ b.detach(), runs)
    emit("torch_matmul_gemm_ms", gemm)
    emit("torch_matmul_gemm_gflops", 2 * n ** 3 / gemm / 1e6)
    emit("torch_matmul_plain_fwdbwd_ms", timed(plain, runs))
    emit("torch_matmul_tanh_fwdbwd_ms", timed(full, runs))
