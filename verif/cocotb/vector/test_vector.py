"""cocotb testbench for the emitted vector unit Verilog (vector_unit.v and its sub-modules).

Reads the vectors written by ``bin/chiltepin golden vector`` (path in $CHILTEPIN_VECTORS): the
configuration, seed and stall probability, the 128-bit command words of a random program, the
LOAD data beats (lanes of int32), and the golden model's store beats and responses. Drivers feed
s_axis_cmd and s_axis_data, sinks take m_axis_data and m_axis_rsp, each stream with its own
random stalls. One command runs at a time, so store beats and responses are compared in order;
a refused beat must be held unchanged. A watchdog fails a run that stops moving.
"""

import json
import os
import random
import sys
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.simtime import get_sim_time
from cocotb.triggers import ReadOnly, RisingEdge

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tbutil import StallHold  # noqa: E402 (verif/cocotb/tbutil.py)

MAX_REPORTED = 20


@cocotb.test()
async def vector_unit_matches_golden_model(dut):
    with open(os.environ["CHILTEPIN_VECTORS"], encoding="utf-8") as f:
        vec = json.load(f)
    lanes = vec["lanes"]
    stall = vec["stall"]
    rng = random.Random(vec["seed"])
    commands = [int(w, 16) for w in vec["commands"]]
    data = vec["data"]
    beats = vec["beats"]
    responses = vec["responses"]
    d_in = [getattr(dut, f"s_axis_data_payload_d_{j}") for j in range(lanes)]
    d_out = [getattr(dut, f"m_axis_data_payload_d_{j}") for j in range(lanes)]

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.reset.value = 1
    for s in [dut.s_axis_cmd_valid, dut.s_axis_data_valid, dut.m_axis_data_ready, dut.m_axis_rsp_ready,
              dut.s_axis_cmd_payload] + d_in:
        s.value = 0
    for _ in range(4):
        await RisingEdge(dut.clk)
    dut.reset.value = 0
    await RisingEdge(dut.clk)

    failures = []
    failure_count = 0

    def fail(msg):
        nonlocal failure_count
        failure_count += 1
        if len(failures) < MAX_REPORTED:
            failures.append(f"@{get_sim_time('ns'):.0f} ns: {msg}")
            dut._log.error(failures[-1])

    watchdog = 2000 + 4 * 65536 // lanes
    cmd_i = data_i = beat_i = rsp_i = 0
    cmd_offer = data_offer = False
    beat_hold = StallHold("m_axis_data beat", fail)
    rsp_hold = StallHold("m_axis_rsp", fail)
    idle = cycles = 0
    while rsp_i < len(responses):
        if not cmd_offer and cmd_i < len(commands) and rng.random() >= stall:
            cmd_offer = True
            dut.s_axis_cmd_payload.value = commands[cmd_i]
        if not data_offer and data_i < len(data) and rng.random() >= stall:
            data_offer = True
            for j in range(lanes):
                d_in[j].value = data[data_i][j] & 0xFFFFFFFF
        dut.s_axis_cmd_valid.value = int(cmd_offer)
        dut.s_axis_data_valid.value = int(data_offer)
        out_ready = rng.random() >= stall
        rsp_ready = rng.random() >= stall
        dut.m_axis_data_ready.value = int(out_ready)
        dut.m_axis_rsp_ready.value = int(rsp_ready)

        await ReadOnly()
        cmd_fire = cmd_offer and dut.s_axis_cmd_ready.value == 1
        data_fire = data_offer and dut.s_axis_data_ready.value == 1
        beat = None
        if dut.m_axis_data_valid.value == 1:
            beat = ([p.value.to_signed() for p in d_out], dut.m_axis_data_payload_last.value == 1)
        rsp = None
        if dut.m_axis_rsp_valid.value == 1:
            rsp = (int(dut.m_axis_rsp_payload_tag.value), int(dut.m_axis_rsp_payload_opcode.value),
                   int(dut.m_axis_rsp_payload_status.value), dut.m_axis_rsp_payload_value.value.to_signed(),
                   int(dut.m_axis_rsp_payload_index.value))
        await RisingEdge(dut.clk)
        cycles += 1
        idle += 1

        if cmd_fire:
            cmd_offer, cmd_i, idle = False, cmd_i + 1, 0
        if data_fire:
            data_offer, data_i, idle = False, data_i + 1, 0
        if beat_hold.taken(beat, out_ready):
            idle = 0
            if beat_i >= len(beats):
                fail(f"unexpected store beat {beat}")
            else:
                e = beats[beat_i]
                if beat[0] != e["lanes"] or beat[1] != e["last"]:
                    fail(f"store beat {beat_i}: expected {e['lanes']} last={e['last']}, got {beat[0]} last={beat[1]}")
            beat_i += 1
        if rsp_hold.taken(rsp, rsp_ready):
            idle = 0
            e = responses[rsp_i]
            want = (e["tag"], e["opcode"], e["status"], e["value"], e["index"])
            if want != rsp:
                fail(f"response {rsp_i}: expected {want}, got {rsp}")
            rsp_i += 1

        if idle > watchdog:
            fail(f"watchdog: nothing moved for {idle} cycles (commands {cmd_i}/{len(commands)}, data "
                 f"{data_i}/{len(data)}, responses {rsp_i}/{len(responses)}, beats {beat_i}/{len(beats)})")
            break
        if failure_count > 200:
            break
    if beat_i != len(beats):
        fail(f"store beats: expected {len(beats)}, got {beat_i}")

    dut._log.info("%d commands, %d data beats, %d store beats, %d responses compared in %d cycles; %d failures",
                  len(commands), len(data), beat_i, rsp_i, cycles, failure_count)
    assert failure_count == 0, f"{failure_count} failures; the first: " + "; ".join(failures[:5])
