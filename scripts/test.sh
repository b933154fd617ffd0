#!/usr/bin/env bash
# All tests: unit tests, golden-model tests, Verilator co-simulation and the lint/synthesis
# quality gates, through Maven Surefire. Extra arguments go to Maven (e.g. -Dtest=HdlTest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
mvn -B -ntp test "$@"
# The smoke regression: every block's cocotb testbench (Maven above already co-simulates every
# block against its golden model) and the array's co-simulation with coverage, one seed; then the
# check that the cocotb suite catches a flipped operator in the emitted Verilog.
# bin/chiltepin regress alone runs both suites of every block with seeds 1..2; --full the long matrix.
"$root/bin/chiltepin" regress --suites cocotb --seeds 1 --jobs 2 --out "$root/build/regress-smoke"
"$root/bin/chiltepin" regress --blocks array --suites cosim --seeds 1 --jobs 2 --out "$root/build/regress-smoke-cosim"
"$root/scripts/mutation-check.sh"
