#!/bin/sh
# Times a 512x512 float64 matmul and forward+backward of mean(tanh(A @ B)) in gradcli's
# Autograd and in PyTorch (one thread), in the same run. Usage: scripts/bench_matmul.sh [N]
# Set SWIFTFLAGS to try other code generation (e.g. "-target-cpu x86-64-v3").
# PyTorch is looked up at $TORCH_PYTHON (default /work/.venv-torch/bin/python); only this
# script uses it.
set -eu
cd "$(dirname "$0")/.."
N="${1:-512}"
OUT="${TMPDIR:-/tmp}/gradcli-bench-matmul.$$"
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT
cp scripts/bench_matmul.swift "$OUT/main.swift"
# Same optimisation level as the package's release build of Autograd.
swiftc -Ounchecked ${SWIFTFLAGS:-} -module-name Bench -o "$OUT/bench" Sources/Autograd/*.swift Sources/Autograd/Ops/*.swift "$OUT/main.swift"
"$OUT/bench" "$N"
PY="${TORCH_PYTHON:-/work/.venv-torch/bin/python}"
if [ -x "$PY" ]; then
    "$PY" - "$N" <<'PYEOF'
import sys, time, torch
torch.set_num_threads(1)
n = int(sys.argv[1])
a = torch.randn(n, n, dtype=torch.float64, requires_grad=True)
b = torch.randn(n, n, dtype=torch.float64, requires_grad=True)
def median(body, runs=11):
    times = []
    for _ in range(runs):
        t = time.perf_counter(); body(); times.append(time.perf_counter() - t)
    return sorted(times)[runs // 2] * 1e3
def full():
    a.grad = None; b.grad = None
    torch.tanh(a @ b).mean().backward()
def plain():
    a.grad = None; b.grad = None
    (a @ b).mean().backward()
print(f"torch {n}x{n}: mean(A@B) fwd+bwd {median(plain):.3f} ms")
mm = median(lambda: a.detach() @ b.detach())
print(f"torch {n}x{n}: gemm {mm:.3f} ms ({2 * n**3 / mm / 1e6:.1f} GFLOP/s), mean(tanh(A@B)) fwd+bwd {median(full):.3f} ms")
PYEOF
fi
