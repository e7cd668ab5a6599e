#!/bin/sh
# Where the time of benchmark items 1 (one-shot) and 2 (batch) goes. See docs/benchmarks.md.
#
# Usage: scripts/bench_profile.sh [oneshot|batch|all] [GRADCLI]
#   GRADCLI defaults to .build/release/gradcli (build it first, e.g. with scripts/bench.sh).
#   With perf: samples with call graphs (perf record -g) and prints inclusive ("children") and
#   self time per function, as a share of the gradcli process's samples (kernel included).
#   Without perf, or with PROFILER=callgrind: valgrind --tool=callgrind, instruction counts.
# Environment: PROFILE_REQUESTS (batch size, default 100000), PROFILE_TOP (rows, default 40),
# BENCH_KEEP=1 keeps the perf.data / callgrind.out files.
set -eu
cd "$(dirname "$0")/.."
WHAT="${1:-all}"
GRADCLI="$(realpath "${2:-.build/release/gradcli}")"
TOP="${PROFILE_TOP:-40}"
[ -x "$GRADCLI" ] || { echo "bench_profile: no $GRADCLI (run scripts/bench.sh or swift build -c release first)" >&2; exit 1; }
OUT="${TMPDIR:-/tmp}/gradcli-profile.$$"
mkdir -p "$OUT"
if [ -n "${BENCH_KEEP:-}" ]; then echo "profile data in $OUT"; else trap 'rm -rf "$OUT"' EXIT; fi

PROFILER="${PROFILER:-}"
if [ -z "$PROFILER" ]; then
    if command -v perf >/dev/null && perf record -o "$OUT/probe.data" -q -- true >/dev/null 2>&1; then PROFILER=perf
    elif command -v valgrind >/dev/null; then PROFILER=callgrind
    else echo "bench_profile: neither perf nor valgrind is usable" >&2; exit 1; fi
fi
demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }
shorten() { cut -c1-"${PROFILE_WIDTH:-160}"; }

# perf report of the gradcli process: inclusive then self shares, symbols only.
perf_tables() {
    echo "-- inclusive (function and its callees), % of gradcli samples"
    perf report -i "$1" --comm gradcli --percentage relative --children --sort sym --stdio -g none 2>/dev/null \
        | grep '%' | head -n "$TOP" | demangle | shorten
    echo "-- self, % of gradcli samples"
    perf report -i "$1" --comm gradcli --percentage relative --no-children --sort dso,sym --stdio -g none 2>/dev/null \
        | grep '%' | head -n "$TOP" | demangle | shorten
}
callgrind_tables() {
    echo "-- inclusive instructions (Ir)"
    callgrind_annotate --inclusive=yes "$1" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | head -n "$TOP" | demangle | shorten
    echo "-- self instructions (Ir)"
    callgrind_annotate "$1" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | head -n "$TOP" | demangle | shorten
}

if [ "$WHAT" = oneshot ] || [ "$WHAT" = all ]; then
    echo "== item 1: gradcli 'mean(3*(a+3)^2)' a=2,3 ($PROFILER)"
    if [ "$PROFILER" = perf ]; then
        # One run is ~2 ms, so sample 300 runs at 20 kHz.
        cat > "$OUT/loop.sh" <<LOOP
#!/bin/sh
i=0; while [ \$i -lt 300 ]; do "$GRADCLI" 'mean(3*(a+3)^2)' a=2,3 >/dev/null; i=\$((i+1)); done
LOOP
        chmod +x "$OUT/loop.sh"
        perf stat -r 50 -e task-clock,page-faults,user_time,system_time "$GRADCLI" 'mean(3*(a+3)^2)' a=2,3 2>&1 >/dev/null \
            | grep -E 'task-clock|page-faults|user_time|system_time|elapsed' || true
        perf record -q -o "$OUT/oneshot.data" -F 20000 -g -- "$OUT/loop.sh" >/dev/null 2>&1
        perf_tables "$OUT/oneshot.data"
    else
        valgrind --tool=callgrind --callgrind-out-file="$OUT/oneshot.callgrind" "$GRADCLI" 'mean(3*(a+3)^2)' a=2,3 >/dev/null 2>"$OUT/valgrind.log"
        grep 'refs' "$OUT/valgrind.log" || true
        callgrind_tables "$OUT/oneshot.callgrind"
    fi
fi

if [ "$WHAT" = batch ] || [ "$WHAT" = all ]; then
    N="${PROFILE_REQUESTS:-100000}"
    [ "$PROFILER" = perf ] || N="${PROFILE_REQUESTS:-5000}"  # callgrind runs ~50x slower
    python3 scripts/bench_cli.py requests "$OUT/requests.jsonl" "$N"
    echo "== item 2: gradcli batch, $N requests, --jobs 1 ($PROFILER)"
    if [ "$PROFILER" = perf ]; then
        perf record -q -o "$OUT/batch.data" -F 2000 -g -- "$GRADCLI" batch "$OUT/requests.jsonl" --jobs 1 >/dev/null 2>&1
        perf_tables "$OUT/batch.data"
    else
        valgrind --tool=callgrind --callgrind-out-file="$OUT/batch.callgrind" "$GRADCLI" batch "$OUT/requests.jsonl" >/dev/null 2>"$OUT/valgrind.log"
        grep 'refs' "$OUT/valgrind.log" || true
        callgrind_tables "$OUT/batch.callgrind"
    fi
fi
