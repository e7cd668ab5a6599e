#!/usr/bin/env bash
# Heavy cases kept out of `swift test` so that it stays quick: they run the release binary, the
# path a user takes. .ci/run runs this after the tests. GRADCLI=path uses another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${GRADCLI:-}" ]; then
  swift build -c release --product gradcli >/dev/null
  GRADCLI=.build/release/gradcli
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "stress: FAIL: $*" >&2; exit 1; }

# A 10^6-term chain x+x+...+x: parsing, printing, evaluation, a million-node backward pass and
# the graph's teardown, none of which may recurse a million frames deep.
# Expected: value 1.5 * 10^6, d/dx = 10^6 (one per term), and the S-expression
# "(+ " and " x)" per term plus the innermost x: 6 * (10^6 - 1) + 1 characters.
terms=1000000
{ printf 'x'; (set +o pipefail; yes '+x' | head -n $((terms - 1)) | tr -d '\n'); echo; } > "$work/chain.txt"
start=$(date +%s.%N)
out=$("$GRADCLI" grad -f "$work/chain.txt" x=1.5 --exact)
[ "$out" = "$(printf 'value = 1500000   (shape [], grad_fn=<AddBackward0>)\ngrad x = 1000000   (shape [])')" ] || fail "10^6-term chain: $out"
ast=$("$GRADCLI" grad -f "$work/chain.txt" x=1.5 --dump-ast | wc -c)
[ "$ast" -eq $((6 * (terms - 1) + 1 + 1)) ] || fail "10^6-term chain S-expression has $ast bytes"

# A 10^6-node chain y = x + 1 + 1 + ... of constants: the backward pass and teardown.
{ printf 'x'; (set +o pipefail; yes '+1' | head -n $terms | tr -d '\n'); echo; } > "$work/ones.txt"
out=$("$GRADCLI" grad -f "$work/ones.txt" x=1 --exact)
[ "$out" = "$(printf 'value = 1000001   (shape [], grad_fn=<AddBackward0>)\ngrad x = 1   (shape [])')" ] || fail "10^6-node chain: $out"
end=$(date +%s.%N)
echo "stress: ok ($(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s)"
