#!/usr/bin/env bash
# The systolic array alone on the iCE40UP5K: yosys cell counts and nextpnr post-route Fmax, with
# the ProductPairs as SB_MAC16s (two int8 products each) and, for comparison, built from LUTs.
#   scripts/ice40-array.sh [PRESET=small] [OUT=build/ice40-array] [FREQ=40]
# The array's port bits (198 for a 4 × 4) do not fit the SG48's pins: a timing wrapper puts them between
# flip-flops (inputs from a shift register on one pin, outputs XOR-reduced to one pin), so the
# Fmax is that of the array's register-to-register paths. The cell counts are of the array alone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-small}"
out="$(realpath -m "${2:-$root/build/ice40-array}")"
freq="${3:-40}"
rm -rf "$out"
mkdir -p "$out"
"$root/bin/chiltepin" generate array --preset "$preset" --out "$out/rtl" >/dev/null
[ -f "$out/rtl/ProductPair.v" ] || { echo "ice40-array: preset $preset has no ProductPair (odd cols or inputWidth > 8)" >&2; exit 1; }
# The SB_MAC16 mapping as fpga build writes it (a board build with --no-synth stops before synthesis).
"$root/bin/chiltepin" fpga build --board icebreaker --preset tiny --no-synth --out "$out/board" >/dev/null
cp "$out/board/rtl/ProductPair_ice40.v" "$out/ProductPair_ice40.v"
cd "$out"
pes="rtl/ProcessingElement*.v rtl/systolic_array.v"
# The timing wrapper, written from the array's port list.
python3 - <<'PY'
import re
ports = re.findall(r"^\s*(input|output)\s+wire\s+(?:\[(\d+):0\])?\s*(\w+)", open("rtl/systolic_array.v").read(), re.M)
ins = [(n, int(w or 0) + 1) for d, w, n in ports if d == "input" and n not in ("clk", "reset")]
outs = [(n, int(w or 0) + 1) for d, w, n in ports if d == "output"]
ni, no = sum(w for _, w in ins), sum(w for _, w in outs)
v = ["// Timing wrapper (scripts/ice40-array.sh): every array port between flip-flops, three pins.",
     "module array_timing_wrap (input wire clk, input wire sin, output reg sout);",
     f"  reg [{ni}:0] sr;", f"  reg [{no - 1}:0] q;"]
v += [f"  wire [{w - 1}:0] o_{n};" for n, w in outs]
v += ["  always @(posedge clk) begin", f"    sr <= {{sr[{ni - 1}:0], sin}};",
      "    q <= {" + ", ".join("o_" + n for n, _ in outs) + "};", "    sout <= ^q;", "  end", "  systolic_array dut ("]
conns, at = [], 0
for n, w in ins:
    conns.append(f"    .{n}(sr[{at + w - 1}:{at}])")
    at += w
conns += [f"    .{n}(o_{n})" for n, _ in outs]
conns += ["    .clk(clk)", f"    .reset(sr[{ni}])"]
v += [",\n".join(conns), "  );", "endmodule", ""]
open("array_timing_wrap.v", "w").write("\n".join(v))
print(f"{ni + 1} input and {no} output bits", file=open("ports.txt", "w"))
PY
printf 'set_io clk 35\nset_io sin 6\nset_io sout 9\n' > timing.pcf
for v in sbmac16 logic; do
  pair=$([ $v = sbmac16 ] && echo ProductPair_ice40.v || echo rtl/ProductPair.v)
  dsp=$([ $v = sbmac16 ] && echo -dsp || true)
  yosys -q -l $v.log -p "read_verilog $pes $pair; synth_ice40 $dsp -top systolic_array; tee -q -o $v.stat stat"
  yosys -q -l t_$v.log -p "read_verilog $pes $pair array_timing_wrap.v; synth_ice40 $dsp -top array_timing_wrap -json t_$v.json"
  nextpnr-ice40 --up5k --package sg48 --json t_$v.json --pcf timing.pcf --freq "$freq" --seed 1 \
      --report t_$v.report.json --log t_$v.nextpnr.log --timing-allow-fail -q || { echo "$v: nextpnr failed, see $out/t_$v.nextpnr.log"; continue; }
  python3 - "$v" <<'PY'
import json, re, sys
v = sys.argv[1]
stat = open(f"{v}.stat").read()
cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(SB_\w+)\s+(\d+)\s*$", stat, re.M)}
ffs = sum(n for c, n in cells.items() if c.startswith("SB_DFF"))
rep = json.load(open(f"t_{v}.report.json"))
fmax = max(x["achieved"] for x in rep["fmax"].values())
lc = rep["utilization"]["ICESTORM_LC"]["used"]
print(f"{v:8s} array: {cells.get('SB_LUT4', 0)} SB_LUT4, {cells.get('SB_CARRY', 0)} SB_CARRY, {ffs} flip-flops, "
      f"{cells.get('SB_MAC16', 0)} SB_MAC16 | with the timing wrapper: {lc} LCs, post-route Fmax {fmax:.1f} MHz")
PY
done
echo "(array ports: $(cat ports.txt); files in $out)"
