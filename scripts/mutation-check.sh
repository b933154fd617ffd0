#!/usr/bin/env bash
# Would the regression catch a bug? A small fixed-budget run of `bin/chiltepin mutate` on the tiny
# array (8 drawn mutants of the emitted Verilog through the cocotb regression, one seed), plus the
# hand-made bug that must always be caught: the accumulator's `+` flipped into `-` in
# ProcessingElement.v. Requires the flipped adder to be killed, the run to complete with its
# reports (junit.xml, mutation.md) and a score line. Exit 0 when all holds, 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/mutation}"
rm -rf "$out"
mkdir -p "$out"
"$root/bin/chiltepin" generate array --preset tiny --out "$out/rtl" >/dev/null
pe="$out/rtl/ProcessingElement.v"
line="$(grep -n '\$signed(acc) + \$signed(product)' "$pe" | cut -d: -f1 | head -1)"
[ -n "$line" ] || { echo "mutation-check: accumulator adder not found in $pe" >&2; exit 1; }
col="$(sed -n "${line}p" "$pe" | awk '{ print index($0, ") + $signed(product)") + 1 }')"
site="ProcessingElement.v:$line:$col:arith"
echo "mutation-check: the hand-made mutant $site (+ -> -) must be killed"
status=0
"$root/bin/chiltepin" mutate array --preset tiny --seeds 1 --only "$site" --min-score 100 -q --out "$out/adder" \
    >"$out/adder.log" 2>&1 || status=$?
cat "$out/adder.log"
[ "$status" -eq 0 ] || { echo "mutation-check: FAILED: the flipped adder was not killed (exit $status)" >&2; exit 1; }
grep -q 'mutation score array tiny: 1/1 killed' "$out/adder.log" \
    || { echo "mutation-check: FAILED: no kill reported for the flipped adder" >&2; exit 1; }
status=0
"$root/bin/chiltepin" mutate array --preset tiny --budget 8 --seeds 1 -q --out "$out/sample" >"$out/sample.log" 2>&1 \
    || status=$?
cat "$out/sample.log"
[ "$status" -eq 0 ] || { echo "mutation-check: FAILED: mutate exited $status" >&2; exit 1; }
grep -q '^mutation score array tiny: ' "$out/sample.log" || { echo "mutation-check: FAILED: no score line" >&2; exit 1; }
for f in junit.xml mutation.md; do
    [ -s "$out/sample/$f" ] || { echo "mutation-check: FAILED: no $f" >&2; exit 1; }
done
echo "mutation-check: PASS (the flipped adder was killed; $(grep '^mutation score' "$out/sample.log"))"
