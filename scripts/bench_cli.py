"""Timing harness for scripts/bench.sh's gradcli items (standard library only, any python3).

  bench_cli.py oneshot GRADCLI [--runs N]        one-shot latency, median wall time of N runs
  bench_cli.py batch GRADCLI FILE [--runs N]     gradcli batch FILE --jobs 1 and 2, requests/s
  bench_cli.py requests FILE [N]                 writes the N batch requests (default 100000)
  bench_cli.py output GRADCLI [--runs N]         text of a 512x512 tensor, JSON of 10^6 numbers
  bench_cli.py einsum GRADCLI [--runs N]         einsum('ij,jk->ik') against @ on 512x512, beyond the inputs
  bench_cli.py jacobian GRADCLI WORK [--runs N]  jacobian of tanh(W @ x), 256x256, beyond the inputs
  bench_cli.py hessian GRADCLI WORK [--runs N]   hessian of sum(tanh(W @ x)^2) at n = 100 and 300
  bench_cli.py chainfile GRADCLI WORK [--runs N] the 10^6-term chain from a file: wall and peak RSS
  bench_cli.py gmm GRADCLI WORK [--runs N]       the GMM objective and its gradient (inputs as .npy)

Prints `key=value` lines. Wall time is time.perf_counter() around os.posix_spawn + waitpid
(lighter than subprocess.run, which costs ~1-3 ms more here), stdout to /dev/null (batch: to a
file, checked afterwards). The cost of starting any process is measured on /bin/true and printed
as `spawn_overhead_ms`; it is included in every one-shot figure (as in torch's), not subtracted.
The WORK items take `--callgrind NODEBUG` to count instructions beyond the same baseline too.
WORK is a directory for the files an item writes (inputs, gradcli's outputs that bench_torch.py
checks against PyTorch).
"""
import array
import json
import math
import os
import random
import re
import shlex
import struct
import subprocess
import sys
import time

EXPR = "mean(3*(a+3)^2)"
BATCH_EXPR = "x^3*sin(x) + mean(y*x)"
Y = [1.0, 2.0, 3.0]


def option(name, default):
    args = sys.argv
    return int(args[args.index(name) + 1]) if name in args else default


# --callgrind NODEBUG: also count instructions, running that copy of gradcli (without debug
# information, which valgrind cannot read) under callgrind.
CALLGRIND = sys.argv[sys.argv.index("--callgrind") + 1] if "--callgrind" in sys.argv else None


def instructions(cmd):
    """callgrind's instruction count of cmd (gradcli replaced by the copy without debug info)."""
    env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1")
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", CALLGRIND] + cmd[1:],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    found = re.search(r"Collected : *(\d+)", result.stderr)
    if result.returncode != 0 or not found:
        sys.exit(f"callgrind failed on {shlex.join(cmd)}: {result.stderr[-300:]}")
    return int(found.group(1))


def emit_instructions_beyond(key, cmd, base_cmd):
    if CALLGRIND:
        emit(f"{key}_beyond_instructions", instructions(cmd) - instructions(base_cmd))


def emit(key, value):
    print(f"{key}={value}", flush=True)


def spawned(cmd, runs, stdout="/dev/null"):
    """`runs` runs of cmd, stdout to a fresh file each run: (wall seconds, child CPU seconds
    (user + system), child peak RSS in MB) per run, from perf_counter and wait4's rusage.
    posix_spawn shares the harness's memory until exec, so the peak RSS is at least the
    harness's own (about 10 MB)."""
    out = []
    for _ in range(runs):
        actions = [(os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                   (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
        t = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        out.append((time.perf_counter() - t, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024))
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(cmd)} failed with status {status}")
    return out


def middle(values):
    values = sorted(values)
    return values[len(values) // 2]


def wall(cmd, runs, stdout="/dev/null"):
    """Median and best wall seconds of `runs` runs of cmd, and the child's median CPU seconds."""
    runs = spawned(cmd, runs, stdout)
    times = [r[0] for r in runs]
    return middle(times), min(times), middle(r[1] for r in runs)


def x_value(i, n):
    """Request i's x: spread over [-3, 3], never repeating, so nothing can be cached."""
    return round(-3 + 6 * i / n, 9)


def write_requests(path, n):
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({"id": i, "expr": BATCH_EXPR,
                                "inputs": {"x": x_value(i, n), "y": Y}}, separators=(",", ":")) + "\n")


def oneshot(gradcli, runs):
    gradcli = os.path.abspath(gradcli)
    cmd = [gradcli, EXPR, "a=2,3"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "91.5" in out and "15" in out and "18" in out, out
    wall(cmd, 3)  # warm the page cache
    overhead, _, _ = wall(["/bin/true"], runs)
    median, best, cpu = wall(cmd, runs)
    emit("spawn_overhead_ms", overhead * 1e3)
    emit("oneshot_runs", runs)
    emit("oneshot_ms", median * 1e3)
    emit("oneshot_min_ms", best * 1e3)
    emit("oneshot_cpu_ms", cpu * 1e3)


def check_batch_output(path, n):
    with open(path) as f:
        lines = f.readlines()
    assert len(lines) == n, f"expected {n} result lines, got {len(lines)}"
    for i in (0, n // 3, n - 1):
        record = json.loads(lines[i])
        x = x_value(i, n)
        want = 3 * x * x * math.sin(x) + x ** 3 * math.cos(x) + sum(Y) / len(Y)
        got = record["grad"]["x"]
        assert abs(got - want) <= 1e-9 * max(1, abs(want)), (i, got, want)


def batch(gradcli, path, runs):
    gradcli = os.path.abspath(gradcli)
    with open(path) as f:
        n = sum(1 for _ in f)
    emit("batch_n", n)
    out_path = path + ".out"
    for jobs in (1, 2):
        cmd = [gradcli, "batch", path, "--jobs", str(jobs)]
        median, best, cpu = wall(cmd, runs, stdout=out_path)
        check_batch_output(out_path, n)
        emit(f"batch_jobs{jobs}_rps", n / median)
        emit(f"batch_jobs{jobs}_best_rps", n / best)
        emit(f"batch_jobs{jobs}_cpu_s", cpu)


def output(gradcli, runs):
    """Output cost: each printing run against the same program reduced to one number by sum(),
    which computes the same tensor and prints almost nothing; the difference is the output."""
    gradcli = os.path.abspath(gradcli)
    cases = (("text", "randn(512,512)", []), ("json", "randn(1000,1000)", ["--json"]))
    for name, tensor, flags in cases:
        full, _, _ = wall([gradcli, "eval", tensor] + flags, runs)
        compute, _, _ = wall([gradcli, "eval", f"sum({tensor})"] + flags, runs)
        emit(f"output_{name}_ms", full * 1e3)
        emit(f"output_{name}_compute_ms", compute * 1e3)
        emit(f"output_{name}_beyond_ms", (full - compute) * 1e3)


def einsum(gradcli, runs):
    """einsum of a matrix product against the matrix product itself (512 x 512 float64), each
    beyond the same program without the product (making the inputs, starting, printing one number)."""
    gradcli = os.path.abspath(gradcli)
    inputs = ["A=rand(512,512)", "B=rand(512,512)", "--seed", "1"]
    base, _, _ = wall([gradcli, "eval", "sum(A) + sum(B)"] + inputs, runs)
    product, _, _ = wall([gradcli, "eval", "sum(A @ B)"] + inputs, runs)
    contracted, _, _ = wall([gradcli, "eval", "sum(einsum('ij,jk->ik', A, B))"] + inputs, runs)
    emit("einsum_matmul_ms", (product - base) * 1e3)
    emit("einsum_einsum_ms", (contracted - base) * 1e3)
    emit("einsum_ratio", (contracted - base) / (product - base))


def interleaved(cmds, runs):
    """`runs` rounds, each running every command of cmds once in turn, so that a baseline and
    the commands measured against it see the same load: per command, its runs as `spawned` gives."""
    measured = [[] for _ in cmds]
    for _ in range(runs):
        for runs_of_cmd, cmd in zip(measured, cmds):
            runs_of_cmd.extend(spawned(cmd, 1))
    return measured


def beyond(runs, base_runs):
    """The median over rounds of (wall - baseline's wall in the same round), in ms."""
    return middle(a[0] - b[0] for a, b in zip(runs, base_runs)) * 1e3


def median_ms(runs):
    return middle(r[0] for r in runs) * 1e3


def inputs_sum(names):
    """The baseline program: reads the same inputs and prints one number."""
    return " + ".join(f"sum({n})" for n in names)


def jacobian(gradcli, work, runs):
    """gradcli jacobian of tanh(W @ x), W 256x256, wrt x, beyond the same inputs summed (start-up,
    making W and x, printing one number). The JSON is kept in WORK for bench_torch.py to check."""
    gradcli = os.path.abspath(gradcli)
    inputs = ["W=randn(256,256)", "x=randn(256)"]
    cmd = [gradcli, "jacobian", "tanh(W @ x)"] + inputs + ["--wrt", "x"]
    spawned(cmd + ["--json"], 1, stdout=os.path.join(work, "jacobian.json"))
    base_cmd = [gradcli, "eval", inputs_sum(["W", "x"])] + inputs + ["--json"]
    base, full, text = interleaved([base_cmd, cmd + ["--json"], cmd], runs)
    emit("jacobian_base_ms", median_ms(base))
    emit("jacobian_ms", median_ms(full))
    emit("jacobian_beyond_ms", beyond(full, base))
    emit("jacobian_text_beyond_ms", beyond(text, base))
    emit_instructions_beyond("jacobian", cmd + ["--json"], base_cmd)
    emit_instructions_beyond("jacobian_text", cmd, base_cmd)


def hessian(gradcli, work, runs):
    """gradcli hessian of sum(tanh(W @ x)^2) wrt x at n = 100 and 300, beyond the inputs summed."""
    gradcli = os.path.abspath(gradcli)
    for n in (100, 300):
        inputs = [f"W=randn({n},{n})", f"x=randn({n})"]
        cmd = [gradcli, "hessian", "sum(tanh(W @ x)^2)"] + inputs + ["--wrt", "x", "--json"]
        spawned(cmd, 1, stdout=os.path.join(work, f"hessian{n}.json"))
        base_cmd = [gradcli, "eval", inputs_sum(["W", "x"])] + inputs + ["--json"]
        base, full = interleaved([base_cmd, cmd], runs)
        emit(f"hessian{n}_ms", median_ms(full))
        emit(f"hessian{n}_beyond_ms", beyond(full, base))
        emit_instructions_beyond(f"hessian{n}", cmd, base_cmd)


CHAIN_TERMS = 1_000_000


def chainfile(gradcli, work, runs):
    """`gradcli -f chain.txt x=1` on the 10^6-term chain x+x+...+x (as scripts/stress.sh builds
    it): wall time and peak RSS of the whole process; `eval` (no graph) for comparison."""
    gradcli = os.path.abspath(gradcli)
    path = os.path.join(work, "chain.txt")
    with open(path, "w") as f:
        f.write("x" + "+x" * (CHAIN_TERMS - 1) + "\n")
    out = subprocess.run([gradcli, "-f", path, "x=1", "--exact"], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[1].startswith(f"grad x = {CHAIN_TERMS} "), out
    keys = ("chainfile", "chainfile_eval")
    for key, measured in zip(keys, interleaved([[gradcli, "-f", path, "x=1"], [gradcli, "eval", "-f", path, "x=1"]], runs)):
        emit(f"{key}_ms", middle(r[0] for r in measured) * 1e3)
        emit(f"{key}_min_ms", min(r[0] for r in measured) * 1e3)
        emit(f"{key}_cpu_ms", middle(r[1] for r in measured) * 1e3)
        emit(f"{key}_maxrss_mb", max(r[2] for r in measured))


def write_npy(path, shape, values):
    """A float64 .npy file (format 1.0, C order) with the standard library."""
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({', '.join(map(str, shape))},), }}"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    data = array.array("d", values)
    if sys.byteorder != "little":
        data.byteswap()
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data.tobytes())


def gmm_expr(n):
    """The GMM objective (ADBench's, without the Wishart prior): x [n, d], mu and q [k, d], alpha [k]."""
    return ("sum(logsumexp(alpha + sum(log(q), dim=1) - 0.5*sum(((x[:, None, :] - mu[None]) * q[None])^2, dim=2), dim=1))"
            f" - {n}*logsumexp(alpha, dim=0)")


GMM_SIZES = {"small": (50, 3, 4), "big": (10_000, 25, 10)}


def gmm_inputs(work, size):
    """Writes the instance's inputs (seeded, q in [0.5, 1.5)) and returns gradcli's NAME=@FILE arguments."""
    n, k, d = GMM_SIZES[size]
    rng = random.Random(size)
    shapes = {"x": ((n, d), lambda: rng.gauss(0, 1)), "mu": ((k, d), lambda: rng.gauss(0, 1)),
              "q": ((k, d), lambda: 0.5 + rng.random()), "alpha": ((k,), lambda: rng.gauss(0, 1))}
    args = []
    for name, (shape, draw) in shapes.items():
        path = os.path.join(work, f"gmm_{size}_{name}.npy")
        write_npy(path, shape, [draw() for _ in range(math.prod(shape))])
        args.append(f"{name}=@{path}")
    return args


def gmm(gradcli, work, runs):
    """The GMM row: the small instance's gradient (all inputs) is kept for bench_torch.py to check;
    the big instance's objective (eval) and gradient wrt alpha, mu, q (grad), each beyond the same
    inputs summed. A refused command is reported as gmm_error, with the command, and not timed."""
    gradcli = os.path.abspath(gradcli)
    small = [gradcli, "grad", gmm_expr(GMM_SIZES["small"][0])] + gmm_inputs(work, "small") + ["--json"]
    result = subprocess.run(small, capture_output=True, text=True)
    if result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip()).splitlines()[:1] or ["(no message)"]
        emit("gmm_error", f"exit {result.returncode}: {message[0]} -- command: {shlex.join(small)}")
        return
    with open(os.path.join(work, "gmm_small_grad.json"), "w") as f:
        f.write(result.stdout)
    inputs = gmm_inputs(work, "big")
    expr = gmm_expr(GMM_SIZES["big"][0])
    objective_cmd = [gradcli, "eval", expr] + inputs + ["--json"]
    grad_cmd = [gradcli, "grad", expr] + inputs + ["--wrt", "alpha,mu,q", "--json"]
    for cmd in (objective_cmd, grad_cmd):
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            emit("gmm_error", f"exit {result.returncode}: {result.stderr.strip()[:300]} -- command: {shlex.join(cmd)}")
            return
    emit("gmm_value", repr(json.loads(result.stdout)["value"]))
    base_cmd = [gradcli, "eval", inputs_sum(["x", "mu", "q", "alpha"])] + inputs + ["--json"]
    base, objective, grad = interleaved([base_cmd, objective_cmd, grad_cmd], runs)
    emit("gmm_base_ms", median_ms(base))
    emit("gmm_objective_ms", median_ms(objective))
    emit("gmm_grad_ms", median_ms(grad))
    emit("gmm_objective_beyond_ms", beyond(objective, base))
    emit("gmm_grad_beyond_ms", beyond(grad, base))
    emit("gmm_grad_over_objective", beyond(grad, base) / beyond(objective, base))
    emit("gmm_grad_maxrss_mb", max(r[2] for r in grad))
    emit_instructions_beyond("gmm_objective", objective_cmd, base_cmd)
    emit_instructions_beyond("gmm_grad", grad_cmd, base_cmd)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "oneshot":
        oneshot(sys.argv[2], option("--runs", 50))
    elif mode == "batch":
        batch(sys.argv[2], sys.argv[3], option("--runs", 3))
    elif mode == "output":
        output(sys.argv[2], option("--runs", 11))
    elif mode == "einsum":
        einsum(sys.argv[2], option("--runs", 11))
    elif mode in ("jacobian", "hessian", "chainfile", "gmm"):
        globals()[mode](sys.argv[2], sys.argv[3], option("--runs", 11))
    elif mode == "requests":
        write_requests(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100_000)
    else:
        sys.exit(f"unknown mode {mode!r}")
