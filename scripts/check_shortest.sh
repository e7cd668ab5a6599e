#!/bin/sh
# Developer check: gk_shortest_double (Sources/CKernels/shortest.c) against Swift's
# Double.description on edge cases (subnormals, powers of 2 and 10, short decimals, integers near
# 2^53, the notation switch points) and 10^8 random bit patterns. Exits 1 on any mismatch.
#
# Usage: scripts/check_shortest.sh [RANDOM]   (random bit patterns, default 100000000)
# Takes a few minutes; runs under nice.
set -eu
cd "$(dirname "$0")/.."
OUT="${TMPDIR:-/tmp}/gradcli-check-shortest.$$"
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT
# The C file built as the package builds it (-O2 here, release -O3 there: same integer code).
nice clang -O2 -I Sources/CKernels/include -c Sources/CKernels/shortest.c -o "$OUT/shortest.o"
nice swiftc -O -I Sources/CKernels/include -o "$OUT/check_shortest" scripts/check_shortest.swift "$OUT/shortest.o"
# Every y < 10^8 through the eight-digit writer, against digits taken off one at a time.
cat > "$OUT/digits.c" <<'C'
#include "shortest.c"
#include <stdio.h>
int main(void) {
    long wrong = 0;
    for (uint32_t y = 0; y < 100000000; y++) {
        uint64_t block = eight_digits(y) | 0x3030303030303030;
        char got[8], want[8];
        memcpy(got, &block, 8);
        for (int i = 7, r = (int)y; i >= 0; i--, r /= 10) want[i] = (char)('0' + r % 10);
        wrong += memcmp(got, want, 8) != 0;
    }
    printf("eight_digits: 100000000 checked, %ld mismatches\n", wrong);
    return wrong != 0;
}
C
nice clang -O2 -I Sources/CKernels/include -I Sources/CKernels -o "$OUT/digits" "$OUT/digits.c" -lpthread
nice "$OUT/digits"
nice "$OUT/check_shortest" "${1:-100000000}"
