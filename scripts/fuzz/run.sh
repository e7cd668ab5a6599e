#!/bin/sh
# Fuzzes gradcli with libFuzzer + AddressSanitizer.
# Usage: scripts/fuzz/run.sh [SECONDS] [expression|batch|script|lines|plot] (defaults 120, expression).
#   expression: any bytes are a program, parsed, evaluated and backpropagated (the front end and
#               the autograd core).
#   batch:      any bytes are one `gradcli batch` request line (JSON parsing, inputs, every
#               command, the record).
#   script:     any bytes are a `gradcli run` program (the Python front end and interpreter),
#               seeded with samples/run_*.py.
#   lines:      a first byte choosing grad or eval and --json, then `gradcli lines` input (one
#               expression per line), seeded with the samples' expressions.
#   plot:       `gradcli plot` arguments: the expression, the range (`x=lo:hi`) and more options
#               on a third line, at most 8 points.
# Crashing inputs land in $OUT/crash-*. FUZZ_FLAGS adds libFuzzer flags. lines and plot close
# the target's stderr (-close_fd_mask=2; sanitizer reports still show): run a crash-* input
# through the harness again to see the message.
set -eu
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN="${1:-120}"
TARGET="${2:-expression}"
OUT="${TMPDIR:-/tmp}/gradcli-fuzz-$TARGET"
mkdir -p "$OUT/corpus"
# Seed the corpus from the samples.
if [ "$TARGET" = script ]; then
    for f in samples/run_*.py; do cp "$f" "$OUT/corpus/$(basename "$f")"; done
elif [ "$TARGET" = batch ]; then
    i=0
    while IFS= read -r line; do i=$((i+1)); printf '%s' "$line" > "$OUT/corpus/checks-$i"; done < samples/checks.jsonl
elif [ "$TARGET" = lines ]; then
    grep -h '^\$ gradcli' samples/*.txt | sed -n "s/^[^']*'\([^']*\)'.*/\1/p" | while read -r program; do
        printf '\001%s\n1+x @ x=2\n' "$program" > "$OUT/corpus/$(printf '%s' "$program" | cksum | cut -d' ' -f1)"
    done
elif [ "$TARGET" = plot ]; then
    printf 'sin(x)\nx=-3:3' > "$OUT/corpus/sin"
    printf 'relu(x)^2 + abs(x - 1)\nx=-2:2\n--width 20 --height 4' > "$OUT/corpus/kinks"
    printf 'x^a\nx=0:1\n--set a=3 --dtype float32' > "$OUT/corpus/set"
else
    grep -h '^\$ gradcli' samples/*.txt | sed -n "s/^[^']*'\([^']*\)'.*/\1/p" | while read -r program; do
        printf '%s' "$program" > "$OUT/corpus/$(printf '%s' "$program" | cksum | cut -d' ' -f1)"
    done
fi
# Each module is compiled whole into one instrumented object, then linked with the harness. The
# objects are shared by the targets and rebuilt only when a source is newer.
FLAGS="-sanitize=fuzzer,address -O -parse-as-library -wmo -I Sources/CKernels/include"
OBJ="${TMPDIR:-/tmp}/gradcli-fuzz-objects"
mkdir -p "$OBJ"
if [ ! -f "$OBJ/ExprParser.o" ] || [ -n "$(find Sources/Autograd Sources/ExprParser Sources/CKernels -newer "$OBJ/ExprParser.o" | head -1)" ]; then
    # The C kernels with AddressSanitizer too, in one object.
    for c in Sources/CKernels/*.c; do
        clang -O2 -fsanitize=address,fuzzer-no-link -I Sources/CKernels/include -c "$c" -o "$OBJ/ck_$(basename "$c" .c).o"
    done
    ld -r "$OBJ"/ck_*.o -o "$OBJ/CKernels.o"
    swiftc $FLAGS -module-name Autograd -emit-module -emit-module-path "$OBJ/Autograd.swiftmodule" \
        -c Sources/Autograd/*.swift Sources/Autograd/Ops/*.swift Sources/Autograd/Random/*.swift -o "$OBJ/Autograd.o"
    swiftc $FLAGS -module-name ExprParser -I "$OBJ" -emit-module -emit-module-path "$OBJ/ExprParser.swiftmodule" \
        -c $(find Sources/ExprParser -name '*.swift' | sort) -o "$OBJ/ExprParser.o"
fi
case "$TARGET" in
    expression)
        swiftc $FLAGS -module-name FuzzExpression -I "$OBJ" \
            scripts/fuzz/fuzz_expression.swift "$OBJ/Autograd.o" "$OBJ/ExprParser.o" "$OBJ/CKernels.o" -o "$OUT/fuzz" ;;
    batch)
        # The harness joins the gradcli sources (without main.swift's top-level code) in one module.
        swiftc $FLAGS -module-name FuzzBatch -I "$OBJ" scripts/fuzz/fuzz_batch_line.swift \
            $(find Sources/gradcli -name '*.swift' ! -name main.swift | sort) "$OBJ/Autograd.o" "$OBJ/ExprParser.o" "$OBJ/CKernels.o" -o "$OUT/fuzz" ;;
    script)
        swiftc $FLAGS -module-name FuzzScript -I "$OBJ" \
            scripts/fuzz/fuzz_script.swift "$OBJ/Autograd.o" "$OBJ/ExprParser.o" "$OBJ/CKernels.o" -o "$OUT/fuzz" ;;
    lines|plot)
        swiftc $FLAGS -module-name "Fuzz$TARGET" -I "$OBJ" "scripts/fuzz/fuzz_$TARGET.swift" \
            $(find Sources/gradcli -name '*.swift' ! -name main.swift | sort) "$OBJ/Autograd.o" "$OBJ/ExprParser.o" "$OBJ/CKernels.o" -o "$OUT/fuzz"
        FUZZ_FLAGS="-close_fd_mask=2 ${FUZZ_FLAGS:-}" ;;
    *) echo "fuzz: unknown target $TARGET (expression, batch, script, lines or plot)" >&2; exit 64 ;;
esac
cd "$OUT"
./fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=512 -timeout=10 -rss_limit_mb=4096 ${FUZZ_FLAGS:-} corpus
