#!/usr/bin/env bash
# All tests: unit tests, golden-model tests, Verilator co-simulation and the lint/synthesis
# quality gates, through Maven Surefire. Extra arguments go to Maven (e.g. -Dtest=HdlTest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
mvn -B -ntp test "$@"
