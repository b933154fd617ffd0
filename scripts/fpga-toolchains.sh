#!/usr/bin/env bash
# Builds the iCEBreaker bitstream with both toolchains over placement seeds, one build at a time
# (nice), and writes OUT/toolchains.csv: toolchain, seed, logic cells, DSP, EBR, Fmax, seconds.
# OUT must lie inside the repository (the CLI finds fpga/ from its jar).
# Usage: scripts/fpga-toolchains.sh OUT [SEEDS (default "1 2 3")] [extra fpga build options...]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: fpga-toolchains.sh OUT [SEEDS] [options]}"; shift
seeds="${1:-1 2 3}"; [ $# -gt 0 ] && shift
mkdir -p "$out"
csv="$out/toolchains.csv"
# A private copy of the CLI: edits to the sources during the run do not rebuild it mid-way.
"$root/bin/chiltepin" --version > /dev/null
rm -rf "$out/cli" && mkdir -p "$out/cli" && cp -r "$root/hw-gen/target/chiltepin.jar" "$root/hw-gen/target/lib" "$out/cli/"
echo "toolchain,seed,logic_cells,dsp,ebr,fmax_mhz,constraint_mhz,seconds" > "$csv"
for tc in debian yowasp; do
  for s in $seeds; do
    d="$out/$tc-$s"
    t0=$(date +%s)
    nice java -Xss16m -jar "$out/cli/chiltepin.jar" fpga build --board icebreaker --toolchain "$tc" --seed "$s" --out "$d" "$@" > "$d.log" 2>&1
    t1=$(date +%s)
    r="$d/build-report.txt"
    lc=$(grep -o 'logic cells [0-9]*' "$r" | grep -o '[0-9]*$')
    dsp=$(grep -o 'DSP [0-9]*/8' "$r" | cut -d' ' -f2 | cut -d/ -f1)
    ebr=$(grep -o 'EBR [0-9]*' "$r" | grep -o '[0-9]*$')
    fmax=$(grep -o 'Fmax [0-9.]* MHz against [0-9.]*' "$r" | tail -n1 | awk '{print $2","$5}')
    echo "$tc,$s,${lc:-},${dsp:-},${ebr:-},${fmax:-,},$((t1 - t0))" | tee -a "$csv"
  done
done
