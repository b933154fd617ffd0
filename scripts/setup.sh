#!/usr/bin/env bash
# Installs what Chiltepin needs on a fresh Debian 12 machine; safe to run again (it only
# installs what is missing). Java 17 and Maven are expected on the machine already.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have verilator     || need_pkgs+=(verilator)
have iverilog      || need_pkgs+=(iverilog)
have yosys         || need_pkgs+=(yosys)
have nextpnr-ice40 || need_pkgs+=(nextpnr-ice40)
have icepack       || need_pkgs+=(fpga-icestorm)
have make          || need_pkgs+=(make)
have g++           || need_pkgs+=(g++)
# JNI headers for Verilator models loaded by the JVM come with a full JDK.
javac_path="$(command -v javac || true)"
[ -n "$javac_path" ] || need_pkgs+=(openjdk-17-jdk-headless)
have mvn           || need_pkgs+=(maven)
# cocotb runs from a virtual environment in the repository (.venv, git-ignored).
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_pkgs+=(python3-venv)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# The simulator versions decide what runs: Verilator for SpinalSim co-simulation.
verilator --version >/dev/null
echo "setup: $(verilator --version | cut -d' ' -f1-2), $(yosys -V | cut -d' ' -f1-2), $(java -version 2>&1 | head -n1)" >&2

# cocotb 2.1 (with Icarus here; Verilator >= 5.036 would be picked when installed) in .venv.
if ! "$root/.venv/bin/python" -c 'import sys, cocotb, pytest; sys.exit(cocotb.__version__ != "2.1.0")' >/dev/null 2>&1; then
  echo "setup: creating .venv with cocotb 2.1.0" >&2
  python3 -m venv "$root/.venv"
  "$root/.venv/bin/pip" install -q cocotb==2.1.0 pytest==8.4.2 numpy==2.2.6 >&2
fi
# cocotbext-axi: AxiRam for the KV cache's AXI4 backend in cocotb (verif/cocotb/kvcache/axi_memory.py).
if ! "$root/.venv/bin/python" -c 'import cocotbext.axi' >/dev/null 2>&1; then
  "$root/.venv/bin/pip" install -q cocotbext-axi==0.1.28 >&2
fi

# The CLI jar (bin/chiltepin rebuilds it when sources change).
if [ ! -f "$root/hw-gen/target/chiltepin.jar" ]; then
  echo "setup: building the Java modules (first build downloads Maven dependencies)" >&2
  (cd "$root" && mvn -q -DskipTests package >&2)
fi

# The second FPGA toolchain (chiltepin fpga build --toolchain yowasp): YoWASP's WebAssembly builds
# of yosys 0.55 and nextpnr-ice40 0.8 on Node, in build/tools/yowasp (or $CHILTEPIN_YOWASP).
# Optional: without npm, setup carries on and only --toolchain yowasp is unavailable.
yowasp="${CHILTEPIN_YOWASP:-$root/build/tools/yowasp}"
if [ -f "$yowasp/node_modules/@yowasp/yosys/gen/bundle.js" ] && [ -f "$yowasp/node_modules/@yowasp/nextpnr-ice40/gen/bundle.js" ]; then
  :
elif have node && have npm; then
  echo "setup: installing @yowasp/yosys 0.55 and @yowasp/nextpnr-ice40 0.8 into $yowasp" >&2
  mkdir -p "$yowasp"
  npm install --prefix "$yowasp" --no-audit --no-fund --silent @yowasp/yosys@0.55 @yowasp/nextpnr-ice40@0.8 >&2 \
    || echo "setup: npm install of the YoWASP toolchain failed; fpga build --toolchain debian still works" >&2
else
  echo "setup: no node/npm: skipping the YoWASP toolchain (fpga build --toolchain yowasp); install nodejs and npm, then rerun" >&2
fi
