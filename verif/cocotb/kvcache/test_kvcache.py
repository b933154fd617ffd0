"""cocotb testbench for the emitted paged KV-cache controller Verilog (kv_cache.v, SRAM or AXI4 backend).

Reads the vectors written by ``bin/chiltepin golden kvcache`` (path in $CHILTEPIN_VECTORS): the
random command stream of ``verify kvcache`` for the seed (alloc, append bursts across pages,
gathers, truncate, free, fork with copy-on-write, query, stats and illegal commands), the golden
model's response to each command and the rows each gather returns. A driver offers the commands
with random idle cycles (random junk on the payload while valid is low), sinks take responses and
rows under random back-pressure; a scoreboard compares every response field in order and every
gathered row (all lanes and ``last``) in order, and checks that a refused beat is held unchanged.
An X on a valid after reset, or on a payload while valid, is a failure. A watchdog fails a run
that stops moving. With the AXI4 backend (presets ``axi``, ``tiny-axi``) the memory is cocotbext-axi's
AxiRam (zero at start, every channel paused at random with the stall probability; axi_memory.py) and
``axi_error`` must stay low.
"""

import json
import os
import random
from collections import deque

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tbutil import Failures, StallHold, resolved  # noqa: E402 (verif/cocotb/tbutil.py)

RSP_FIELDS = ("status", "op", "seq", "length", "pages", "free_pages", "high_water")


@cocotb.test()
async def kv_cache_matches_golden_model(dut):
    with open(os.environ["CHILTEPIN_VECTORS"], encoding="utf-8") as f:
        vec = json.load(f)
    cfg = vec["config"]
    lanes = cfg["kvHeads"] * cfg["headDim"]
    stall = vec["stall"]
    rng = random.Random(vec["seed"])
    commands = vec["commands"]
    rsp_expected = deque((i, c) for i, c in enumerate(commands))
    row_expected = deque((i, j, row, j == len(c["rows"]) - 1) for i, c in enumerate(commands)
                         for j, row in enumerate(c["rows"]))
    k_in = [getattr(dut, f"s_axis_cmd_payload_k_{i}") for i in range(lanes)]
    v_in = [getattr(dut, f"s_axis_cmd_payload_v_{i}") for i in range(lanes)]
    scalars = [getattr(dut, f"s_axis_cmd_payload_{n}") for n in ("op", "seq", "kv", "first", "count")]
    rsp_out = [getattr(dut, f"m_axis_rsp_payload_{n}") for n in RSP_FIELDS]
    row_out = [getattr(dut, f"m_axis_row_payload_data_{i}") for i in range(lanes)] + [dut.m_axis_row_payload_last]

    fail = Failures(dut._log)

    def junk():
        for h in scalars + k_in + v_in:
            h.value = rng.getrandbits(len(h))

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    axi = cfg["backend"] == "axi"
    if axi:
        from axi_memory import attach_axi_ram  # noqa: E402 (cocotbext-axi, AXI presets only)
        word_bytes = len(dut.m_axi_wdata) // 8
        size = 1 << (cfg["numPages"] * cfg["pageTokens"] * word_bytes - 1).bit_length()
        attach_axi_ram(dut, dut.clk, dut.reset, size, stall, random.Random(rng.getrandbits(32)))
    dut.reset.value = 1
    dut.s_axis_cmd_valid.value = 0
    dut.m_axis_rsp_ready.value = 0
    dut.m_axis_row_ready.value = 0
    junk()
    for _ in range(4):
        await RisingEdge(dut.clk)
    dut.reset.value = 0
    await RisingEdge(dut.clk)

    watchdog = 400 + 8 * cfg["maxPagesPerSeq"] + 4 * cfg["pageTokens"] + cfg["numPages"] * 4 \
        + int(60 / max(0.01, 1 - stall))
    if axi:  # each burst waits on five paused channels
        watchdog *= 4
    cmd_i, offering = 0, False
    rsp_hold = StallHold("m_axis_rsp", fail)
    row_hold = StallHold("m_axis_row", fail)
    idle, tail, cycles = 0, 20, 0
    while True:
        if not offering and cmd_i < len(commands) and rng.random() >= stall:
            offering = True
            c = commands[cmd_i]
            for h, x in zip(scalars, (c["op"], c["seq"], c["kv"], c["first"], c["count"])):
                h.value = x
            for hs, key in ((k_in, "k"), (v_in, "v")):
                for i, h in enumerate(hs):
                    h.value = (c[key][i] & 0xFF) if c[key] else rng.getrandbits(8)
        elif not offering:
            junk()
        dut.s_axis_cmd_valid.value = int(offering)
        rsp_ready = rng.random() >= stall
        row_ready = rng.random() >= stall
        dut.m_axis_rsp_ready.value = int(rsp_ready)
        dut.m_axis_row_ready.value = int(row_ready)

        await ReadOnly()
        for v, payload in ((dut.m_axis_rsp_valid, rsp_out), (dut.m_axis_row_valid, row_out)):
            if not resolved(v.value):
                fail(f"{v._name} is {v.value} after reset")
            elif v.value == 1:
                for q in payload:
                    if not resolved(q.value):
                        fail(f"{q._name} is {q.value} while {v._name} is high")
        if not resolved(dut.s_axis_cmd_ready.value):
            fail(f"s_axis_cmd_ready is {dut.s_axis_cmd_ready.value} after reset")
        if axi and dut.axi_error.value != 0:
            fail(f"axi_error is {dut.axi_error.value}")
        if fail.count > 200:
            break
        fired = offering and dut.s_axis_cmd_ready.value == 1
        rsp = row = None
        if dut.m_axis_rsp_valid.value == 1 and all(resolved(q.value) for q in rsp_out):
            rsp = tuple(int(q.value) for q in rsp_out)
        if dut.m_axis_row_valid.value == 1 and all(resolved(q.value) for q in row_out):
            row = ([q.value.to_signed() for q in row_out[:lanes]], int(row_out[lanes].value) == 1)
        await RisingEdge(dut.clk)
        cycles += 1
        idle += 1
        if fired:
            offering, cmd_i, idle = False, cmd_i + 1, 0

        if rsp_hold.taken(rsp, rsp_ready):
            idle = 0
            if not rsp_expected:
                fail(f"unexpected response {dict(zip(RSP_FIELDS, rsp))}")
            else:
                i, c = rsp_expected.popleft()
                want = tuple(c["response"][f] for f in RSP_FIELDS)
                if want != rsp:
                    diff = {f: (w, g) for f, w, g in zip(RSP_FIELDS, want, rsp) if w != g}
                    fail(f"command #{i} (op {c['op']} seq {c['seq']}): response fields (expected, got) {diff}")
        if row_hold.taken(row, row_ready):
            idle = 0
            if not row_expected:
                fail(f"unexpected gathered row {row}")
            else:
                i, j, data, last = row_expected.popleft()
                if row != (data, last):
                    fail(f"command #{i} row {j}: expected {data} last={last}, got {row[0]} last={row[1]}")

        if cmd_i == len(commands) and not rsp_expected and not row_expected:
            tail -= 1
            if tail == 0:
                break
        elif idle > watchdog:
            fail(f"watchdog: nothing moved for {idle} cycles (commands {cmd_i}/{len(commands)}, responses outstanding "
                 f"{len(rsp_expected)}, rows outstanding {len(row_expected)})")
            break

    dut._log.info("%d commands, %d responses and %d rows outstanding, %d cycles; %d failures", len(commands),
                  len(rsp_expected), len(row_expected), cycles, fail.count)
    fail.check()
