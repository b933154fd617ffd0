#!/usr/bin/env python3
"""Runs one block's cocotb testbench on the emitted Verilog, with vectors from the Java golden model.

    .venv/bin/python verif/cocotb/run.py array [--preset tiny | --config FILE.json] --seed 3 [--cases N] [--stall P]
                                         [--rtl DIR] [--vectors FILE] [--out DIR] [--waves] [--sim icarus|verilator]

Steps: ``bin/chiltepin generate BLOCK`` into OUT/rtl (unless --rtl names a directory of
Verilog already generated, e.g. a hand-edited copy), ``bin/chiltepin golden BLOCK`` into
OUT/vectors.json (unless --vectors names a file it wrote, e.g. for many mutants of one design), then cocotb's runner builds the Verilog and runs verif/cocotb/BLOCK/test_BLOCK.py.
Prints the simulator that ran, PASS or FAIL, and on FAIL a one-line reproduce command (which adds
--waves; the waveform is OUT/build/<top>.fst). Exit 0 on PASS, 1 on FAIL, 2 on a usage error (a bad
option or configuration: the CLI's one-line message), 3 when the simulator cannot build the Verilog
(the cause line from OUT/sim.log, and its path), 130 on Ctrl-C. Never a Python traceback for these.

The simulator: Verilator when a version >= 5.036 is installed (cocotb 2.x needs it), else Icarus.
$CHILTEPIN_CLI replaces ``bin/chiltepin`` (the regression passes ``java -jar ...``).
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# Blocks with a testbench: directory verif/cocotb/<block>/ holding test_<block>.py. A new block
# adds its directory and a line here (and `golden <block>` in the CLI).
BLOCKS = {"array": "systolic_array", "gemm": "gemm_engine", "vector": "vector_unit", "noc": "noc_mesh", "kvcache": "kv_cache"}


def verilator_version():
    exe = shutil.which("verilator")
    if not exe:
        return None
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"Verilator (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def pick_simulator(requested):
    if requested:
        return requested
    v = verilator_version()
    if v and v >= (5, 36):
        return "verilator"
    return "icarus"


def simulator_name(sim):
    if sim == "icarus":
        out = subprocess.run(["iverilog", "-V"], capture_output=True, text=True).stdout.splitlines()
        return out[0].split(" (")[0] if out else "Icarus Verilog"
    v = verilator_version()
    return f"Verilator {v[0]}.{v[1]:03d}" if v else "Verilator"


def cli():
    env = os.environ.get("CHILTEPIN_CLI")
    return shlex.split(env) if env else [str(ROOT / "bin" / "chiltepin")]


def fail(code, message):
    """One line on stderr and the exit code (2 usage, 3 build)."""
    print(f"run.py: {message}", file=sys.stderr)
    return code


def run_cli(args):
    """Runs the CLI quietly; on failure returns (exit code, its one-line message), else None."""
    r = subprocess.run(cli() + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode == 0:
        return None
    lines = [l for l in r.stderr.splitlines() if l.strip() and not l.startswith("chiltepin: building the CLI")]
    return r.returncode, (lines[-1] if lines else f"{shlex.join(args[:2])} exited {r.returncode}")


def build_cause(log):
    """The line of a simulator's build log that says what went wrong."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return "no build log"
    for pattern in (r"\berror\b", r"%Error", r"Unable to", r"syntax error", r"\bfatal\b"):
        for line in lines:
            if re.search(pattern, line, re.IGNORECASE):
                return line.strip()
    return lines[-1].strip() if lines else "the build log is empty"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("block", choices=sorted(BLOCKS))
    g = p.add_mutually_exclusive_group()
    g.add_argument("--preset", help="a named configuration (default: default)")
    g.add_argument("--config", type=Path, help="a JSON configuration (as for bin/chiltepin generate --config)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cases", type=int, default=100)
    p.add_argument("--stall", type=float, default=0.3)
    p.add_argument("--rtl", type=Path, help="use this directory of generated Verilog instead of generating it")
    p.add_argument("--vectors", type=Path, help="use this vectors file (bin/chiltepin golden, same options) instead of writing it")
    p.add_argument("--out", type=Path, help="work directory (default: build/cocotb/BLOCK-PRESET-sSEED)")
    p.add_argument("--waves", action="store_true", help="dump an FST waveform of the run")
    p.add_argument("--sim", choices=["icarus", "verilator"], help="default: by the installed versions")
    a = p.parse_args(argv)
    if not 0 <= a.stall < 1:
        return fail(2, f"--stall: must be in [0, 1), got {a.stall}")
    if a.cases < 1:
        return fail(2, f"--cases: must be >= 1, got {a.cases}")
    if a.rtl and not a.rtl.is_dir():
        return fail(2, f"--rtl: must be a directory of generated Verilog, got {a.rtl}")
    if a.vectors and not a.vectors.is_file():
        return fail(2, f"--vectors: must name a readable file, got {a.vectors}")
    if a.config and not a.config.is_file():
        return fail(2, f"--config: must name a readable file, got {a.config}")

    if a.config:
        cfg_args, cfg_name = ["--config", str(a.config.resolve())], a.config.stem
    else:
        cfg_args, cfg_name = ["--preset", a.preset or "default"], a.preset or "default"
    out = (a.out or ROOT / "build" / "cocotb" / f"{a.block}-{cfg_name}-s{a.seed}").resolve()
    top = BLOCKS[a.block]
    # The configuration first: a bad one writes nothing.
    vectors_args = ["golden", a.block] + cfg_args + ["--seed", str(a.seed), "--cases", str(a.cases),
                                                     "--stall", str(a.stall)]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return fail(2, f"--out: cannot create {out}: {e.strerror}")
    # This run's waveform only.
    for old in (out / "build").glob("*.fst"):
        old.unlink()
    t0 = time.monotonic()
    if a.rtl:
        rtl = a.rtl.resolve()
    else:
        rtl = out / "rtl"
        err = run_cli(["generate", a.block] + cfg_args + ["--out", str(rtl), "--force"])
        if err:
            return fail(err[0], err[1])
    if a.vectors:
        vectors = a.vectors.resolve()
    else:
        vectors = out / "vectors.json"
        err = run_cli(vectors_args + ["--out", str(vectors)])
        if err:
            return fail(err[0], err[1])
    filelist = rtl / "files.f"
    if filelist.is_file():
        sources = [rtl / f for f in filelist.read_text().split()]
    else:
        sources = sorted(rtl.glob("*.v"))
    if not sources:
        print(f"run.py: no Verilog in {rtl}", file=sys.stderr)
        return 2

    from cocotb_tools.runner import get_runner  # noqa: E402 (the venv's cocotb)

    sim = pick_simulator(a.sim)
    build = out / "build"
    runner = get_runner(sim)
    log = out / "sim.log"
    try:
        runner.build(sources=sources, hdl_toplevel=top, build_dir=build, always=True, waves=a.waves,
                     timescale=("1ns", "1ps"), log_file=log)
    except (RuntimeError, SystemExit, subprocess.CalledProcessError):
        return fail(3, f"{sim} could not build the Verilog in {rtl}: {build_cause(log)} (log: {log})")
    results = out / "results.xml"
    try:
        runner.test(hdl_toplevel=top, test_module=f"test_{a.block}", test_dir=HERE / a.block, build_dir=build,
                    extra_env={"CHILTEPIN_VECTORS": str(vectors)}, waves=a.waves, results_xml=str(results),
                    log_file=log, seed=a.seed)
    except SystemExit:
        pass
    passed, message = False, "no results"
    if results.exists():
        cases = ET.parse(results).getroot().iter("testcase")
        verdicts = [(c.find("failure") is None and c.find("error") is None, c) for c in cases]
        passed = bool(verdicts) and all(ok for ok, _ in verdicts)
        for ok, c in verdicts:
            if not ok:
                f = c.find("failure") if c.find("failure") is not None else c.find("error")
                message = (f.get("message") or f.text or "").strip().splitlines()[0][:500] if f is not None else ""
    vec = json.loads(vectors.read_text())
    if "cases" in vec:
        size = f"{len(vec['cases'])} tiles"
    elif "commands" in vec and "beats" not in vec:
        size = f"{len(vec['commands'])} commands"
    elif "traffic" in vec:
        size = f"{len(vec['isolated'])} isolated packets, {len(vec['traffic'])} traffic packets"
    else:
        size = f"{len(vec['commands'])} commands, {len(vec['beats'])} result beats"
    print(f"cocotb {a.block} {' '.join(cfg_args)} --seed {a.seed}: {size}")
    print(f"  simulator   {simulator_name(sim)} (cocotb {__import__('cocotb').__version__})")
    print(f"  rtl         {rtl}")
    print(f"  log         {log}")
    print(f"  time        {time.monotonic() - t0:.1f} s")
    if a.waves:
        print(f"  waveform    {build / (top + '.fst')}")
    if passed:
        print("PASS")
        return 0
    print(f"  failure     {message}")
    shown = ["--config", os.path.relpath(cfg_args[1], ROOT)] if a.config else cfg_args
    repro = [".venv/bin/python", "verif/cocotb/run.py", a.block] + shown + ["--seed", str(a.seed),
             "--cases", str(a.cases), "--stall", str(a.stall)]
    if a.rtl:
        repro += ["--rtl", str(rtl)]
    repro += ["--sim", sim, "--waves"]
    print("  reproduce   " + shlex.join(repro))
    print("FAIL")
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("run.py: interrupted", file=sys.stderr)
        sys.exit(130)
