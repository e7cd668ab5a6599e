#!/bin/sh
# Fuzzes the expression front end and the autograd core with libFuzzer + AddressSanitizer.
# Usage: scripts/fuzz/run.sh [SECONDS] (default 120). Crashing inputs land in $OUT/crash-*.
set -eu
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN="${1:-120}"
OUT="${TMPDIR:-/tmp}/gradcli-fuzz"
mkdir -p "$OUT/corpus"
# Seed the corpus with the programs of the samples.
grep -h '^\$ gradcli' samples/*.txt | sed -n "s/^[^']*'\([^']*\)'.*/\1/p" | while read -r program; do
    printf '%s' "$program" > "$OUT/corpus/$(printf '%s' "$program" | cksum | cut -d' ' -f1)"
done
# Each module is compiled whole into one instrumented object, then linked with the harness.
FLAGS="-sanitize=fuzzer,address -O -parse-as-library -wmo"
swiftc $FLAGS -module-name Autograd -emit-module -emit-module-path "$OUT/Autograd.swiftmodule" \
    -c Sources/Autograd/*.swift Sources/Autograd/Ops/*.swift -o "$OUT/Autograd.o"
swiftc $FLAGS -module-name ExprParser -I "$OUT" -emit-module -emit-module-path "$OUT/ExprParser.swiftmodule" \
    -c Sources/ExprParser/*.swift -o "$OUT/ExprParser.o"
swiftc -sanitize=fuzzer,address -O -parse-as-library -module-name FuzzExpression -I "$OUT" \
    scripts/fuzz/fuzz_expression.swift "$OUT/Autograd.o" "$OUT/ExprParser.o" -o "$OUT/fuzz_expression"
cd "$OUT"
./fuzz_expression -max_total_time="$SECONDS_TO_RUN" -max_len=256 -timeout=10 -rss_limit_mb=4096 corpus
