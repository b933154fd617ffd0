#!/usr/bin/env bash
# All tests: unit tests, golden-model tests, Verilator co-simulation and the lint/synthesis
# quality gates, through Maven Surefire. Extra arguments go to Maven (e.g. -Dtest=HdlTest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
mvn -B -ntp test "$@"
# The smoke regression (co-simulation and cocotb, a few seeds; see docs/verification.md) and the
# check that the cocotb suite catches a flipped operator in the emitted Verilog.
# One seed here (bin/chiltepin regress alone runs seeds 1..2; --full the long matrix).
"$root/bin/chiltepin" regress --seeds 1 --jobs 2 --out "$root/build/regress-smoke"
"$root/scripts/mutation-check.sh"
