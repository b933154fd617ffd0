#!/usr/bin/env bash
# Would the regression catch a bug? Generates the tiny array, flips the accumulator's `+` into
# `-` in ProcessingElement.v by hand, runs the cocotb suite on that copy and requires it to FAIL
# and to print a reproduce command. Exit 0 when the bug was caught, 1 when it was not.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/mutation}"
rm -rf "$out"
mkdir -p "$out"
"$root/bin/chiltepin" generate array --preset tiny --out "$out/rtl" >/dev/null
pe="$out/rtl/ProcessingElement.v"
grep -q '\$signed(acc) + \$signed(product)' "$pe" || { echo "mutation-check: accumulator adder not found in $pe" >&2; exit 1; }
sed -i 's/\$signed(acc) + \$signed(product)/$signed(acc) - $signed(product)/' "$pe"
echo "mutation-check: $(grep -n 'signed(acc) -' "$pe" | tr -s ' ')"
if "$root/.venv/bin/python" "$root/verif/cocotb/run.py" array --preset tiny --seed 1 --cases 40 --rtl "$out/rtl" \
    --out "$out/run" >"$out/run.log" 2>&1; then
  cat "$out/run.log"
  echo "mutation-check: FAILED: the cocotb suite passed on the mutant" >&2
  exit 1
fi
grep -q '^FAIL$' "$out/run.log" || { cat "$out/run.log"; echo "mutation-check: the suite did not run" >&2; exit 1; }
repro="$(grep '  reproduce ' "$out/run.log" || true)"
[ -n "$repro" ] || { cat "$out/run.log"; echo "mutation-check: no reproduce command printed" >&2; exit 1; }
grep -E '  (failure|simulator) ' "$out/run.log"
echo "$repro"
echo "mutation-check: PASS (the cocotb suite caught the flipped operator)"
