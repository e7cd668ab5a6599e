#!/bin/sh
# Script mode's training loops: `gradcli run` next to PyTorch in the same run, plus callgrind
# instructions per loop iteration (which do not drift with the machine's load).
#
# Usage: scripts/bench_run.sh [--no-build] [--runs N]
#   --no-build  use the existing release build in .build/release
#   --runs N    timed runs per program (median reported; default 7)
# Environment: TORCH_PYTHON (default /work/.venv-torch/bin/python), BENCH_GRADCLI=path measures
# that binary (implies --no-build), PYTORCH_PROGRAMS (default /work/shared/pytorch-programs).
#
# The ratio is gradcli over PyTorch's whole run, start-up included.
# Programs: samples/bench_train_loop.py (10,000 steps of a 3-parameter model) and, when the
# directory exists, 003d_loop_with_zeroing.py (675 iterations of a 2-parameter linear fit).
set -eu
cd "$(dirname "$0")/.."
BUILD=1
RUNS=7
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD="" ;;
        --runs) RUNS="$2"; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_run.sh: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done
TORCH_PYTHON="${TORCH_PYTHON:-/work/.venv-torch/bin/python}"
PROGRAMS="${PYTORCH_PROGRAMS:-/work/shared/pytorch-programs}"
GRADCLI="${BENCH_GRADCLI:-.build/release/gradcli}"
[ -z "${BENCH_GRADCLI:-}" ] || BUILD=""
if [ -n "$BUILD" ]; then
    # The build `make install` makes: one static executable, so start-up resolves no symbols.
    echo "bench_run: release build (static executable)" >&2
    swift build -c release -Xswiftc -static-executable --product gradcli >/dev/null
fi
[ -x "$GRADCLI" ] || { echo "bench_run: no $GRADCLI" >&2; exit 1; }
OUT="${TMPDIR:-/tmp}/gradcli-bench-run.$$"
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT

now_ns() { date +%s%N; }
# median_ms CMD...: the median wall time of $RUNS runs of CMD, in milliseconds (stdout discarded).
median_ms() {
    : > "$OUT/times"
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        start=$(now_ns)
        "$@" >/dev/null 2>&1 || { echo "bench_run: failed: $*" >&2; exit 1; }
        end=$(now_ns)
        echo $(( (end - start) / 1000 )) >> "$OUT/times"
        i=$((i + 1))
    done
    sort -n "$OUT/times" | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

# with_steps FILE FROM TO: a copy of FILE with its loop `range(FROM)` made `range(TO)`.
with_steps() {
    sed "s/range($2)/range($3)/" "$1" > "$OUT/steps_$3_$(basename "$1")"
    echo "$OUT/steps_$3_$(basename "$1")"
}
# instructions FILE: callgrind's instruction count (Ir) of `gradcli run FILE`. valgrind cannot
# read the toolchain's DWARF 5 debug info, so it runs a copy without it.
instructions() {
    [ -x "$OUT/gradcli-nodebug" ] || objcopy --strip-debug "$GRADCLI" "$OUT/gradcli-nodebug"
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" "$OUT/gradcli-nodebug" run "$1" >/dev/null 2>"$OUT/cg.err" \
        || { echo "bench_run: callgrind failed on $1" >&2; cat "$OUT/cg.err" >&2; exit 1; }
    sed -n 's/^summary: //p' "$OUT/cg.out"
}
# per_iteration FILE STEPS: instructions per loop iteration, from runs of STEPS/10 and STEPS/5
# iterations (the difference removes start-up and printing).
per_iteration() {
    small=$(( $2 / 10 )); large=$(( $2 / 5 ))
    a=$(instructions "$(with_steps "$1" "$2" "$small")")
    b=$(instructions "$(with_steps "$1" "$2" "$large")")
    echo $(( (b - a) / (large - small) ))
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if ! ldd "$GRADCLI" >/dev/null 2>&1; then LINKED="static executable, as make install builds"
elif ldd "$GRADCLI" | grep -q libswiftCore; then LINKED="dynamic Swift stdlib"; else LINKED="static Swift stdlib"; fi
echo "binary: $GRADCLI ($LINKED)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS runs"
# PyTorch's start-up (`import torch`) is timed alone too, so its loop can be read beyond it.
if [ -x "$TORCH_PYTHON" ]; then IMPORT=$(median_ms "$TORCH_PYTHON" -c "import torch"); else IMPORT="-"; fi
echo "PyTorch start-up (python -c 'import torch'): $IMPORT ms"
printf '%-28s %12s %12s %14s %8s %16s\n' program "gradcli ms" "PyTorch ms" "beyond import" ratio "Ir/iteration"
# row NAME FILE STEPS: times FILE under gradcli and PyTorch; counts instructions per iteration
# (the loop is written `range(STEPS)`; 003d breaks out after 675 of its 1000).
row() {
    g=$(median_ms "$GRADCLI" run "$2")
    if [ -x "$TORCH_PYTHON" ]; then t=$(median_ms "$TORCH_PYTHON" "$2"); else t="-"; fi
    ratio=$(awk -v g="$g" -v t="$t" 'BEGIN { if (t + 0 > 0) printf "%.2fx", g / t; else print "-" }')
    beyond=$(awk -v t="$t" -v i="$IMPORT" 'BEGIN { if (t + 0 > 0 && i + 0 > 0) printf "%.1f", t - i; else print "-" }')
    if command -v valgrind >/dev/null; then ir=$(per_iteration "$2" "$3"); else ir="-"; fi
    printf '%-28s %12s %12s %14s %8s %16s\n' "$1" "$g" "$t" "$beyond" "$ratio" "$ir"
}
row "bench_train_loop (10,000)" samples/bench_train_loop.py 10000
if [ -f "$PROGRAMS/003d_loop_with_zeroing.py" ]; then
    row "003d (675 iterations)" "$PROGRAMS/003d_loop_with_zeroing.py" 1000
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
