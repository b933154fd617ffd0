#!/usr/bin/env bash
# Would the regression catch a bug? Generates the tiny array, flips the accumulator's `+` into
# `-` in ProcessingElement.v by hand, runs the cocotb suite of the regression on that copy and
# requires it to FAIL with a reproduce command and a waveform of the failing run.
# Exit 0 when the bug was caught, 1 when it was not.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/mutation}"
rm -rf "$out"
mkdir -p "$out"
"$root/bin/chiltepin" generate array --preset tiny --out "$out/rtl" >/dev/null
pe="$out/rtl/ProcessingElement.v"
grep -q '\$signed(acc) + \$signed(product)' "$pe" || { echo "mutation-check: accumulator adder not found in $pe" >&2; exit 1; }
sed -i 's/\$signed(acc) + \$signed(product)/$signed(acc) - $signed(product)/' "$pe"
echo "mutation-check: $pe:$(grep -n 'signed(acc) -' "$pe" | tr -s ' ')"
status=0
"$root/bin/chiltepin" regress --blocks array --configs tiny --suites cocotb --seed-list 1 --cases 40 --rtl "$out/rtl" \
    --jobs 1 --out "$out/regress" >"$out/regress.log" 2>&1 || status=$?
cat "$out/regress.log"
[ "$status" -eq 1 ] || { echo "mutation-check: FAILED: expected the regression to fail (exit 1), got exit $status" >&2; exit 1; }
grep -q 'reproduce: .*verif/cocotb/run.py array' "$out/regress.log" \
    || { echo "mutation-check: FAILED: no reproduce command" >&2; exit 1; }
ls "$out"/regress/waves/*.fst >/dev/null 2>&1 || { echo "mutation-check: FAILED: no waveform of the failing run" >&2; exit 1; }
grep -q '<failure' "$out/regress/junit.xml" || { echo "mutation-check: FAILED: junit.xml has no failure" >&2; exit 1; }
echo "mutation-check: PASS (the cocotb suite caught the flipped operator)"
