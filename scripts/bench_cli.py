"""Timing harness for scripts/bench.sh, items 1 and 2 (standard library only, any python3).

  bench_cli.py oneshot GRADCLI [--runs N]        one-shot latency, median wall time of N runs
  bench_cli.py batch GRADCLI FILE [--runs N]     gradcli batch FILE --jobs 1 and 2, requests/s
  bench_cli.py requests FILE [N]                 writes the N batch requests (default 100000)
  bench_cli.py output GRADCLI [--runs N]         text of a 512x512 tensor, JSON of 10^6 numbers
  bench_cli.py einsum GRADCLI [--runs N]         einsum('ij,jk->ik') against @ on 512x512, beyond the inputs

Prints `key=value` lines. Wall time is time.perf_counter() around os.posix_spawn + waitpid
(lighter than subprocess.run, which costs ~1-3 ms more here), stdout to /dev/null (batch: to a
file, checked afterwards). The cost of starting any process is measured on /bin/true and printed
as `spawn_overhead_ms`; it is included in every one-shot figure (as in torch's), not subtracted.
"""
import json
import math
import os
import subprocess
import sys
import time

EXPR = "mean(3*(a+3)^2)"
BATCH_EXPR = "x^3*sin(x) + mean(y*x)"
Y = [1.0, 2.0, 3.0]


def option(name, default):
    args = sys.argv
    return int(args[args.index(name) + 1]) if name in args else default


def emit(key, value):
    print(f"{key}={value}", flush=True)


def wall(cmd, runs, stdout="/dev/null"):
    """Median and best wall seconds of `runs` runs of cmd, stdout to a fresh file each run,
    and the median CPU seconds (user + system, from wait4's rusage) of the child."""
    times = []
    cpu = []
    for _ in range(runs):
        actions = [(os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                   (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
        t = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - t)
        cpu.append(usage.ru_utime + usage.ru_stime)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(cmd)} failed with status {status}")
    times.sort()
    cpu.sort()
    return times[len(times) // 2], times[0], cpu[len(cpu) // 2]


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
    elif mode == "requests":
        write_requests(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100_000)
    else:
        sys.exit(f"unknown mode {mode!r}")
