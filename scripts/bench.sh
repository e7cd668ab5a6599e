#!/bin/sh
# gradcli benchmarks, each next to PyTorch measured in the same run (see docs/benchmarks.md).
#
# Usage: scripts/bench.sh [--quick] [--no-build] [--only 1,2,...,10] [--profile]
#   --quick     fewer runs and requests, for a smoke test (figures are not the documented ones)
#   --no-build  use the existing release build in .build/release
#   --only L    run only the listed items (comma separated)
#   --profile   afterwards, profile items 1 and 2 with scripts/bench_profile.sh
# Environment: TORCH_PYTHON (default /work/.venv-torch/bin/python), SWIFTFLAGS (extra flags for
# the Autograd harness), BENCH_KEEP=1 keeps the work directory (requests, results, binaries),
# BENCH_GRADCLI=path measures that binary for the CLI items (all but 3 and 4; implies --no-build).
#
# Items: 1 one-shot CLI latency; 2 batch throughput (--jobs 1 and 2); 3 backward/forward ratio
# of a 10^6-element elementwise chain; 4 forward+backward of mean(tanh(A @ B)), 512x512 float64;
# 5 output: text of a 512x512 tensor and JSON of 10^6 numbers, beyond computing them. Item 1 also
# counts the one-shot's instructions with callgrind when valgrind is installed. 6 einsum of a matrix
# product against the matrix product (within 1.2x). 7 jacobian of tanh(W @ x), W 256x256; 8 hessian
# of sum(tanh(W @ x)^2) at n = 100 and 300; 9 wall and peak RSS of the 10^6-term chain x+x+...+x
# read from a file; 10 the GMM objective (n = 10^4, k = 25, d = 10) and its gradient. 7, 8 and 10
# check gradcli's numbers against torch and count instructions too.
set -eu
cd "$(dirname "$0")/.."
QUICK=""
BUILD=1
ONLY="1,2,3,4,5,6,7,8,9,10"
PROFILE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --no-build) BUILD="" ;;
        --only) ONLY="$2"; shift ;;
        --profile) PROFILE=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done
wants() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

OUT="${TMPDIR:-/tmp}/gradcli-bench.$$"
mkdir -p "$OUT"
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$OUT"' EXIT
RESULTS="$OUT/results.txt"
: > "$RESULTS"
note() { echo "bench: $*" >&2; }
record() { echo "$1=$2" >> "$RESULTS"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

record date "$(date -u '+%Y-%m-%d %H:%M UTC')"
record machine "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sm)"
record load_before "$(load) (1/5/15-min load average)"

# Release build, one static executable as shipped; the dynamic build is
# the fallback when static linking fails.
GRADCLI="${BENCH_GRADCLI:-.build/release/gradcli}"
[ -z "${BENCH_GRADCLI:-}" ] || BUILD=""
if wants 1 || wants 2 || wants 5 || wants 6 || wants 7 || wants 8 || wants 9 || wants 10; then
    if [ -n "$BUILD" ]; then
        note "release build (static executable, as make install builds it)"
        if swift build -c release -Xswiftc -static-executable --product gradcli >"$OUT/build.log" 2>&1; then
            record build "release, -Xswiftc -static-executable"
        else
            tail -5 "$OUT/build.log" >&2
            note "static build failed; falling back to the dynamic build"
            swift build -c release --product gradcli >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; exit 1; }
            record build "release, dynamic Swift stdlib (static link failed)"
        fi
    else
        [ -x "$GRADCLI" ] || { note "no $GRADCLI; run without --no-build"; exit 1; }
        if ldd "$GRADCLI" | grep -q libswiftCore; then record build "existing release build, dynamic"; else record build "existing release build, static"; fi
    fi
fi

PY="${TORCH_PYTHON:-/work/.venv-torch/bin/python}"
TORCH=""
if [ -x "$PY" ] && "$PY" -c "import torch" 2>/dev/null; then
    TORCH=1
    record torch "$("$PY" -c 'import torch; print(torch.__version__)') via $PY, torch.set_num_threads(1)"
else
    note "torch not found (TORCH_PYTHON=$PY); measuring gradcli only"
    record torch "torch not found ($PY)"
fi
torch_item() { [ -z "$TORCH" ] || BENCH_WORK="$OUT" "$PY" scripts/bench_torch.py "$@" ${QUICK:+--quick} >> "$RESULTS"; }

if wants 1; then
    note "1: one-shot latency"
    python3 scripts/bench_cli.py oneshot "$GRADCLI" --runs "$([ -n "$QUICK" ] && echo 30 || echo 50)" >> "$RESULTS"
    torch_item oneshot
    if command -v valgrind >/dev/null; then
        # Instructions do not drift with the machine's load. valgrind cannot read the toolchain's
        # DWARF 5, so it runs a copy without debug information.
        objcopy --strip-debug "$GRADCLI" "$OUT/gradcli-nodebug"
        valgrind --tool=callgrind --callgrind-out-file="$OUT/oneshot.callgrind" "$OUT/gradcli-nodebug" 'mean(3*(a+3)^2)' a=2,3 \
            >/dev/null 2>"$OUT/valgrind.log"
        record oneshot_instructions "$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$OUT/valgrind.log")"
    fi
fi
if wants 2; then
    note "2: batch throughput"
    REQUESTS="$OUT/requests.jsonl"
    python3 scripts/bench_cli.py requests "$REQUESTS" "$([ -n "$QUICK" ] && echo 10000 || echo 100000)"
    python3 scripts/bench_cli.py batch "$GRADCLI" "$REQUESTS" --runs "$([ -n "$QUICK" ] && echo 1 || echo 3)" >> "$RESULTS"
    BENCH_REQUESTS="$REQUESTS" torch_item batch
fi
if wants 5; then
    note "5: output"
    python3 scripts/bench_cli.py output "$GRADCLI" --runs "$([ -n "$QUICK" ] && echo 5 || echo 11)" >> "$RESULTS"
    if command -v valgrind >/dev/null; then
        objcopy --strip-debug "$GRADCLI" "$OUT/gradcli-nodebug"
        count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$OUT/gradcli-nodebug" "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'; }
        text=$(count eval 'randn(512,512)'); text_sum=$(count eval 'sum(randn(512,512))')
        json=$(count eval 'randn(1000,1000)' --json); json_sum=$(count eval 'sum(randn(1000,1000))' --json)
        record output_text_beyond_instructions "$((text - text_sum))"
        record output_json_beyond_instructions "$((json - json_sum))"
    fi
fi
if wants 6; then
    note "6: einsum against matmul"
    python3 scripts/bench_cli.py einsum "$GRADCLI" --runs "$([ -n "$QUICK" ] && echo 5 || echo 11)" >> "$RESULTS"
fi
# Items 7-10 keep their inputs and gradcli's outputs in $OUT, where bench_torch.py checks them.
RUNS_CLI="$([ -n "$QUICK" ] && echo 5 || echo 11)"
CALLGRIND=""
if command -v valgrind >/dev/null && { wants 7 || wants 8 || wants 10; }; then
    objcopy --strip-debug "$GRADCLI" "$OUT/gradcli-nodebug"
    CALLGRIND="$OUT/gradcli-nodebug"
fi
cli_item() { python3 scripts/bench_cli.py "$1" "$GRADCLI" "$OUT" --runs "$2" ${CALLGRIND:+--callgrind "$CALLGRIND"} >> "$RESULTS"; }
if wants 7; then
    note "7: jacobian of tanh(W @ x), 256x256"
    cli_item jacobian "$RUNS_CLI"
    torch_item jacobian
fi
if wants 8; then
    note "8: hessian of sum(tanh(W @ x)^2), n = 100 and 300"
    cli_item hessian "$RUNS_CLI"
    torch_item hessian
fi
if wants 9; then
    note "9: the 10^6-term chain from a file (wall, peak RSS)"
    cli_item chainfile "$([ -n "$QUICK" ] && echo 2 || echo 5)"
    torch_item chainfile
fi
if wants 10; then
    note "10: GMM objective and gradient"
    cli_item gmm "$RUNS_CLI"
    torch_item gmm
fi
if wants 3 || wants 4; then
    # Autograd's sources and the harness in one module, optimised as the package's release
    # build is (swift build -c release: -O with whole-module optimisation for Swift, -O2 for the C
    # kernels, no unsafe flags). Without -wmo every access to a class's stored property is checked
    # for exclusivity at run time, which the package's build proves statically.
    FLAGS="-O -wmo"
    note "compiling the Autograd harness ($FLAGS ${SWIFTFLAGS:-})"
    for c in Sources/CKernels/*.c; do
        clang -O2 -fPIC -I Sources/CKernels/include -c "$c" -o "$OUT/$(basename "$c" .c).o"
    done
    cp scripts/bench_core.swift "$OUT/main.swift"
    # shellcheck disable=SC2086
    swiftc $FLAGS ${SWIFTFLAGS:-} -module-name Bench -I Sources/CKernels/include -o "$OUT/bench_core" \
        Sources/Autograd/*.swift Sources/Autograd/Ops/*.swift Sources/Autograd/Random/*.swift "$OUT/main.swift" "$OUT"/*.o
    RUNS="$([ -n "$QUICK" ] && echo 5 || echo 11)"
    # The same harness again with glibc malloc keeping freed memory (no trim, no mmap for big
    # blocks): shows how much of the time is the kernel zero-filling fresh pages.
    if wants 3; then
        note "3: elementwise chain"
        "$OUT/bench_core" chain --runs "$RUNS" >> "$RESULTS"
        "$OUT/bench_core" chain --runs "$RUNS" --cli-heap | sed 's/^/tuned_/' >> "$RESULTS"
        torch_item chain
    fi
    if wants 4; then
        note "4: mean(tanh(A @ B))"
        "$OUT/bench_core" matmul --runs "$RUNS" >> "$RESULTS"
        "$OUT/bench_core" matmul --runs "$RUNS" --cli-heap | sed 's/^/tuned_/' >> "$RESULTS"
        torch_item matmul
    fi
fi
record load_after "$(load)"

echo
python3 scripts/bench_report.py "$RESULTS"
[ -z "$QUICK" ] || echo "(--quick: fewer runs and requests than documented)"
[ -z "${BENCH_KEEP:-}" ] || echo "results: $RESULTS"
if [ -n "$PROFILE" ]; then
    echo
    scripts/bench_profile.sh all "$GRADCLI"
fi
