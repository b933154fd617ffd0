#!/usr/bin/env bash
# The main job on the default configuration: generate the 8×8 int8 systolic array, lint it,
# co-simulate it with Verilator against the golden model, and print the verdict.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
out="$root/build/array-default"
"$root/bin/chiltepin" generate array --preset default --out "$out" --lint
"$root/bin/chiltepin" verify array --preset default --seed "${SEED:-1}" --cases "${CASES:-200}"
