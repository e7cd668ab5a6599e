"""PyTorch peers for scripts/bench.sh, run with $TORCH_PYTHON. Prints `key=value` lines.

Usage: bench_torch.py [oneshot|batch|chain|matmul|jacobian|hessian|chainfile|gmm ...] [--quick]
Environment: BENCH_REQUESTS, the batch request file; BENCH_WORK, the directory where
scripts/bench_cli.py left its inputs and gradcli's outputs (jacobian, hessian, chainfile, gmm),
which are checked here against PyTorch (`*_check_max_err` keys: the largest absolute difference).
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
WORK = os.environ.get("BENCH_WORK", "")


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


def gradcli_output(name):
    """gradcli's JSON output that scripts/bench_cli.py kept in BENCH_WORK, or None."""
    path = os.path.join(WORK, name)
    if not WORK or not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def max_err(ours, theirs):
    return (torch.tensor(ours, dtype=DOUBLE) - theirs.detach()).abs().max().item()


def seeded(*shapes):
    """What gradcli's NAME=randn(...) inputs hold: torch.manual_seed(0), then one randn per input."""
    torch.manual_seed(0)
    return [torch.randn(*shape, dtype=DOUBLE) for shape in shapes]


# Item 7: the Jacobian of tanh(W @ x) wrt x, W 256x256 (reverse mode row by row, as torch's
# default; vectorize=True batches the rows through vmap).
if "jacobian" in items:
    runs = 5 if quick else 11
    w, x = seeded((256, 256), (256,))
    f = lambda v: torch.tanh(w @ v)
    want = torch.autograd.functional.jacobian(f, x)
    ours = gradcli_output("jacobian.json")
    if ours is not None:
        emit("torch_jacobian_check_max_err", max_err(ours["jacobian"]["x"], want))
    torch.autograd.functional.jacobian(f, x, vectorize=True)
    emit("torch_jacobian_ms", timed(lambda: torch.autograd.functional.jacobian(f, x), runs))
    emit("torch_jacobian_vectorized_ms", timed(lambda: torch.autograd.functional.jacobian(f, x, vectorize=True), runs))


# Item 8: the Hessian of sum(tanh(W @ x)^2) wrt x at n = 100 and 300.
if "hessian" in items:
    runs = 5 if quick else 11
    for n in (100, 300):
        w, x = seeded((n, n), (n,))
        f = lambda v: (torch.tanh(w @ v) ** 2).sum()
        want = torch.autograd.functional.hessian(f, x)
        ours = gradcli_output(f"hessian{n}.json")
        if ours is not None:
            emit(f"torch_hessian{n}_check_max_err", max_err(ours["hessian"]["x"]["x"], want))
        torch.autograd.functional.hessian(f, x, vectorize=True)
        emit(f"torch_hessian{n}_ms", timed(lambda: torch.autograd.functional.hessian(f, x), runs))
        emit(f"torch_hessian{n}_vectorized_ms",
             timed(lambda: torch.autograd.functional.hessian(f, x, vectorize=True), runs))


# Item 9: the 10^6-term chain x+x+...+x in a fresh interpreter, wall time and peak RSS (wait4),
# like gradcli's. Python cannot compile the file's expression (RecursionError), so the program
# reads it, counts the terms and builds the same 10^6-node graph with a loop.
CHAINFILE = (
    "import sys, torch\n"
    "terms = open(sys.argv[1]).read().count('+') + 1\n"
    "x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)\n"
    "y = x\n"
    "for _ in range(terms - 1):\n"
    "    y = y + x\n"
    "y.backward()\n"
    "print(y.item(), x.grad.item())\n"
)


def spawned(cmd, runs):
    """Median wall ms and the largest peak RSS (MB, wait4's ru_maxrss) of `runs` runs of cmd."""
    times, rss = [], []
    for _ in range(runs):
        t = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0)])
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - t)
        rss.append(usage.ru_maxrss / 1024)
        assert os.waitstatus_to_exitcode(status) == 0, cmd
    return median(times), max(rss)


if "chainfile" in items:
    runs = 1 if quick else 3
    path = os.path.join(WORK, "chain.txt")
    cmd = [sys.executable, "-c", CHAINFILE, path]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1000000.0", "1000000.0"], out
    wall, rss = spawned(cmd, runs)
    emit("torch_chainfile_ms", wall)
    emit("torch_chainfile_maxrss_mb", rss)
    wall, rss = spawned([sys.executable, "-c", "import torch"], runs)
    emit("torch_import_ms", wall)
    emit("torch_import_maxrss_mb", rss)


# Item 10: the GMM objective on the inputs bench_cli.py wrote (.npy), forward and forward+backward
# wrt alpha, mu and q; first the small instance's gradient against gradcli's.
def gmm_objective(x, mu, q, alpha):
    n = x.shape[0]
    inner = alpha + torch.log(q).sum(dim=1) - 0.5 * (((x[:, None, :] - mu[None]) * q[None]) ** 2).sum(dim=2)
    return torch.logsumexp(inner, dim=1).sum() - n * torch.logsumexp(alpha, dim=0)


def gmm_inputs(size):
    import numpy
    return {name: torch.from_numpy(numpy.load(os.path.join(WORK, f"gmm_{size}_{name}.npy"))).requires_grad_()
            for name in ("x", "mu", "q", "alpha")}


if "gmm" in items and WORK and os.path.exists(os.path.join(WORK, "gmm_big_x.npy")):
    runs = 5 if quick else 11
    small = gmm_inputs("small")
    gmm_objective(**small).backward()
    ours = gradcli_output("gmm_small_grad.json")
    if ours is not None:
        emit("torch_gmm_check_max_err", max(max_err(ours["grad"][k], v.grad) for k, v in small.items()))
    big = gmm_inputs("big")
    big["x"].requires_grad_(False)
    emit("torch_gmm_value", repr(gmm_objective(**big).item()))

    def fwdbwd():
        for v in big.values():
            v.grad = None
        gmm_objective(**big).backward()

    # Warm-up: glibc raises its mmap threshold only after the first big blocks are freed, so the
    # first calls pay for fresh pages that later ones reuse.
    for _ in range(3):
        fwdbwd()
    with torch.no_grad():
        gmm_objective(**big)
        emit("torch_gmm_objective_nograd_ms", timed(lambda: gmm_objective(**big), runs))
    emit("torch_gmm_objective_ms", timed(lambda: gmm_objective(**big), runs))
    emit("torch_gmm_fwdbwd_ms", timed(fwdbwd, runs))
