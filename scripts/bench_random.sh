#!/bin/sh
# randn(1000, 1000) in float32 and float64: gradcli's generator next to PyTorch's, one thread,
# medians of N runs, measured in the same run on the same machine.
#
# Usage: scripts/bench_random.sh [--runs N]        (default 21)
# Environment: TORCH_PYTHON (default /work/.venv-torch/bin/python), SWIFTFLAGS (default -O, the
# package's release optimisation without machine-specific flags).
set -eu
cd "$(dirname "$0")/.."
RUNS=21
[ "${1:-}" = "--runs" ] && RUNS="$2"
TORCH_PYTHON="${TORCH_PYTHON:-/work/.venv-torch/bin/python}"
OUT="${TMPDIR:-/tmp}/gradcli-bench-random.$$"
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT

# Autograd's sources and the harness in one module; the C kernels built as scripts/bench.sh builds them.
cp scripts/bench_random.swift "$OUT/main.swift"
for c in Sources/CKernels/*.c; do
    clang -O2 -fPIC -I Sources/CKernels/include -c "$c" -o "$OUT/$(basename "$c" .c).o"
done
# shellcheck disable=SC2086
swiftc ${SWIFTFLAGS:--O} -module-name Bench -I Sources/CKernels/include -o "$OUT/bench_random" \
    Sources/Autograd/*.swift Sources/Autograd/Ops/*.swift Sources/Autograd/Random/*.swift "$OUT/main.swift" "$OUT"/*.o

echo "machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/bench_random" --runs "$RUNS"
"$TORCH_PYTHON" - "$RUNS" <<'PY'
import sys, time, torch
runs = int(sys.argv[1])
torch.set_num_threads(1)
print(f"torch_version={torch.__version__} capability={torch.backends.cpu.get_cpu_capability()}")
for name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
    torch.manual_seed(0)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        torch.randn(1000, 1000, dtype=dtype)
        times.append(time.perf_counter() - start)
    print(f"torch_randn_1000x1000_{name}_ms={sorted(times)[runs // 2] * 1e3:.3f}")
PY
