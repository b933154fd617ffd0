"""cocotb testbench for the emitted GEMM engine Verilog (gemm_engine.v and its sub-modules).

Reads the vectors written by ``bin/chiltepin golden gemm`` (path in $CHILTEPIN_VECTORS): the
configuration, seed and stall probability, the 128-bit command words and data beats of a random
command program, and the golden model's result beats and responses. Drivers feed s_axis_cmd and
s_axis_data, sinks take m_axis_data and m_axis_resp, each stream with its own random stalls. A
scoreboard compares every result beat in order and every response by tag (units finish out of
order; counter readings depend on timing and are not compared), and checks that a refused beat
is held unchanged. A watchdog fails a run that stops moving.
"""

import json
import os
import random
from collections import defaultdict, deque

import cocotb
from cocotb.clock import Clock
from cocotb.simtime import get_sim_time
from cocotb.triggers import ReadOnly, RisingEdge

MAX_REPORTED = 20
COMPUTE = 4  # GemmReference.COMPUTE


@cocotb.test()
async def gemm_engine_matches_golden_model(dut):
    with open(os.environ["CHILTEPIN_VECTORS"], encoding="utf-8") as f:
        vec = json.load(f)
    cfg = vec["config"]
    rows, cols = cfg["rows"], cfg["cols"]
    stall = vec["stall"]
    rng = random.Random(vec["seed"])
    commands = [int(w, 16) for w in vec["commands"]]
    data = [int(d, 16) for d in vec["data"]]
    beats = vec["beats"]
    expected_resp = defaultdict(deque)
    for r in vec["responses"]:
        expected_resp[r["tag"]].append(r)
    responses_left = len(vec["responses"])
    c_out = [getattr(dut, f"m_axis_data_payload_c_{j}") for j in range(cols)]
    value_mask = (1 << len(dut.m_axis_resp_payload_value)) - 1

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.reset.value = 1
    for s in (dut.s_axis_cmd_valid, dut.s_axis_data_valid, dut.m_axis_data_ready, dut.m_axis_resp_ready,
              dut.s_axis_cmd_payload, dut.s_axis_data_payload):
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

    # A long COMPUTE moves nothing on the streams while it runs: allow for the longest.
    longest = 0
    for w in commands:
        if w & 0xF == COMPUTE:
            count, n, k = (w >> 64) & 0xFFFF, (w >> 80) & 0xFFFF, (w >> 96) & 0xFFFF
            passes = -(-count // rows) * -(-n // cols)
            longest = max(longest, passes * max(k, rows, cols))
    watchdog = 2000 + 20 * (rows + cols) + 2 * longest
    cmd_i = data_i = beat_i = 0
    cmd_offer = data_offer = False
    held_beat = held_resp = None
    idle, tail, cycles = 0, 50, 0
    while True:
        if not cmd_offer and cmd_i < len(commands) and rng.random() >= stall:
            cmd_offer = True
            dut.s_axis_cmd_payload.value = commands[cmd_i]
        if not data_offer and data_i < len(data) and rng.random() >= stall:
            data_offer = True
            dut.s_axis_data_payload.value = data[data_i]
        dut.s_axis_cmd_valid.value = int(cmd_offer)
        dut.s_axis_data_valid.value = int(data_offer)
        out_ready = rng.random() >= stall
        resp_ready = rng.random() >= stall
        dut.m_axis_data_ready.value = int(out_ready)
        dut.m_axis_resp_ready.value = int(resp_ready)

        await ReadOnly()
        cmd_fire = cmd_offer and dut.s_axis_cmd_ready.value == 1
        data_fire = data_offer and dut.s_axis_data_ready.value == 1
        beat = None
        if dut.m_axis_data_valid.value == 1:
            beat = ([p.value.to_signed() for p in c_out], dut.m_axis_data_payload_last.value == 1)
        resp = None
        if dut.m_axis_resp_valid.value == 1:
            resp = (int(dut.m_axis_resp_payload_tag.value), int(dut.m_axis_resp_payload_opcode.value),
                    int(dut.m_axis_resp_payload_status.value), int(dut.m_axis_resp_payload_value.value))
        await RisingEdge(dut.clk)
        cycles += 1
        idle += 1

        if cmd_fire:
            cmd_offer, cmd_i, idle = False, cmd_i + 1, 0
        if data_fire:
            data_offer, data_i, idle = False, data_i + 1, 0
        if held_beat is not None and held_beat != beat:
            fail("protocol: m_axis_data beat changed or dropped while stalled")
        held_beat = None
        if beat is not None and out_ready:
            idle = 0
            if beat_i >= len(beats):
                fail(f"unexpected result beat {beat}")
            else:
                e = beats[beat_i]
                if beat[0] != e["lanes"] or beat[1] != e["last"]:
                    fail(f"result beat {beat_i}: expected {e['lanes']} last={e['last']}, got {beat[0]} last={beat[1]}")
            beat_i += 1
        elif beat is not None:
            held_beat = beat
        if held_resp is not None and held_resp != resp:
            fail("protocol: m_axis_resp changed or dropped while stalled")
        held_resp = None
        if resp is not None and resp_ready:
            idle = 0
            tag, opcode, status, value = resp
            q = expected_resp.get(tag)
            if not q:
                fail(f"unexpected response tag {tag} opcode {opcode} status {status}")
            else:
                e = q.popleft()
                responses_left -= 1
                if (e["opcode"], e["status"]) != (opcode, status):
                    fail(f"response tag {tag}: expected opcode {e['opcode']} status {e['status']}, "
                         f"got opcode {opcode} status {status}")
                elif e["value"] is not None and (e["value"] & value_mask) != value:
                    fail(f"response tag {tag}: expected value {e['value']}, got {value}")
        elif resp is not None:
            held_resp = resp

        done = cmd_i == len(commands) and data_i == len(data) and responses_left == 0 and beat_i >= len(beats)
        if done:
            tail -= 1
            if tail == 0:
                break
        elif idle > watchdog:
            fail(f"watchdog: nothing moved for {idle} cycles (commands {cmd_i}/{len(commands)}, data "
                 f"{data_i}/{len(data)}, responses outstanding {responses_left}, beats {beat_i}/{len(beats)})")
            break
        if failure_count > 200:
            break

    dut._log.info("%d commands, %d data beats, %d result beats compared in %d cycles; %d failures",
                  len(commands), len(data), beat_i, cycles, failure_count)
    assert failure_count == 0, f"{failure_count} failures; the first: " + "; ".join(failures[:5])
