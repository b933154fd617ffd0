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
# bin/chiltepin regress --full runs the long matrix.
"$root/bin/chiltepin" regress --jobs 2 --out "$root/build/regress-smoke"
"$root/scripts/mutation-check.sh"
