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
from cocotb.triggers import ReadOnly, RisingEdge

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tbutil import Failures, StallHold, resolved  # noqa: E402 (verif/cocotb/tbutil.py)

COMPUTE = 4  # GemmReference.COMPUTE
READ_COUNTER, CLEAR_COUNTERS = 7, 8
CYCLES, BUSY, MAC_ACTIVE, STALL_INPUT, STALL_OUTPUT, STALL_HAZARD = range(6)


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

    # MAC beats of the OK COMPUTEs (responses are one per command, in program order).
    mac_beats = 0
    for w, r in zip(commands, vec["responses"]):
        if w & 0xF == COMPUTE and r["status"] == 0:
            count, n, k = (w >> 64) & 0xFFFF, (w >> 80) & 0xFFFF, (w >> 96) & 0xFFFF
            mac_beats += -(-count // rows) * -(-n // cols) * k
    check_mac = cfg.get("dataflow", "OUTPUT_STATIONARY") == "OUTPUT_STATIONARY"
    # The FPGA profile with serial multipliers holds the command on its port, named cmd_word
    # (elsewhere cmd_word is the decoder's internal copy: the port comes first).
    cmd_in = dut.s_axis_cmd_payload if hasattr(dut, "s_axis_cmd_payload") else dut.cmd_word
    # The FPGA profile builds only cycles, busy and MAC-active; a stall counter there reads 0.
    stall_built = not cfg.get("fpgaProfile", False)
    cmd_width = len(cmd_in)
    data_width = len(dut.s_axis_data_payload)

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.reset.value = 1
    for s in (dut.s_axis_cmd_valid, dut.s_axis_data_valid, dut.m_axis_data_ready, dut.m_axis_resp_ready,
              cmd_in, dut.s_axis_data_payload):
        s.value = 0
    for _ in range(4):
        await RisingEdge(dut.clk)
    dut.reset.value = 0
    await RisingEdge(dut.clk)

    fail = Failures(dut._log)

    def check_counter(tag, value):
        index, counts, cleared = expected_counter.pop(tag)
        name = ["cycles", "busy", "mac_active", "stall_input", "stall_output", "stall_hazard"][index]
        if index >= STALL_INPUT and not stall_built:
            if value != 0:
                fail(f"counter {name} (tag {tag}): not built in the FPGA profile, expected 0, got {value}")
        elif index in (CYCLES, STALL_INPUT, STALL_OUTPUT):
            if value != counts[index]:
                fail(f"counter {name} (tag {tag}): expected {counts[index]}, got {value}")
        elif index == MAC_ACTIVE and tag in mac_reads:
            want = mac_beats if mac_reads[tag] == "all" else 0
            if (check_mac or want == 0) and value != want:
                fail(f"counter mac_active (tag {tag}, {mac_reads[tag]}): expected {want} MAC beats, got {value}")
        elif value > counts[CYCLES]:
            fail(f"counter {name} (tag {tag}): {value} exceeds the {counts[CYCLES]} cycles counted")

    # A LOAD waits for input while it is taking beats and none is offered. Without the transposing
    # load that is s_axis_data_ready; with it the ready also waits for a beat's last byte, so the
    # engine's own load_taking tells a starved LOAD from one busy writing bytes.
    taking = dut.load_taking if hasattr(dut, "load_taking") else dut.s_axis_data_ready

    def count_events(c):
        c[CYCLES] += 1
        c[STALL_INPUT] += int(taking.value == 1 and not data_offer)
        c[STALL_OUTPUT] += int((dut.m_axis_data_valid.value == 1 and not out_ready)
                               or (dut.m_axis_resp_valid.value == 1 and not resp_ready))
        for i in (BUSY, MAC_ACTIVE, STALL_HAZARD):
            c[i] += 1  # upper bounds: these events are internal
        return c

    # The program closes (RandomGemmPrograms.counterEpilogue) on an idle engine with READ_COUNTER
    # 0..5, CLEAR_COUNTERS, READ_COUNTER 0..5, FENCE: the first MAC reading covers every COMPUTE
    # (no program clears the counters before), the second must be 0.
    mac_reads = {}
    ops = [(w & 0xF, (w >> 16) & 0xFFFF) for w in commands[-14:]]
    if len(commands) >= 14 and ops[6][0] == CLEAR_COUNTERS and ops[2] == (READ_COUNTER, MAC_ACTIVE) \
            and ops[9] == (READ_COUNTER, MAC_ACTIVE) and all(o != CLEAR_COUNTERS for o, _ in
                                                             ((w & 0xF, 0) for w in commands[:-14])):
        mac_reads = {(commands[-12] >> 4) & 0xFF: "all", (commands[-5] >> 4) & 0xFF: "after the clear"}

    # A long COMPUTE moves nothing on the streams while it runs: allow for the longest.
    longest = 0
    for w in commands:
        if w & 0xF == COMPUTE:
            count, n, k = (w >> 64) & 0xFFFF, (w >> 80) & 0xFFFF, (w >> 96) & 0xFFFF
            passes = -(-count // rows) * -(-n // cols)
            longest = max(longest, passes * max(k, rows, cols))
    watchdog = 2000 + 20 * (rows + cols) + 2 * longest
    # The testbench's own counters since the last CLEAR_COUNTERS (or reset); readings by tag.
    seen = [1] * 6  # the counters also count the cycle reset falls in (its events are 0 at the ports)
    seen[STALL_INPUT] = seen[STALL_OUTPUT] = 0
    clears = 0
    expected_counter = {}
    cmd_i = data_i = beat_i = 0
    cmd_offer = data_offer = False
    beat_hold = StallHold("m_axis_data beat", fail)
    resp_hold = StallHold("m_axis_resp", fail)
    idle, tail, cycles = 0, 50, 0
    while True:
        if not cmd_offer and cmd_i < len(commands) and rng.random() >= stall:
            cmd_offer = True
            cmd_in.value = commands[cmd_i]
        elif not cmd_offer:
            cmd_in.value = rng.getrandbits(cmd_width)
        if not data_offer and data_i < len(data) and rng.random() >= stall:
            data_offer = True
            dut.s_axis_data_payload.value = data[data_i]
        elif not data_offer:
            dut.s_axis_data_payload.value = rng.getrandbits(data_width)
        dut.s_axis_cmd_valid.value = int(cmd_offer)
        dut.s_axis_data_valid.value = int(data_offer)
        out_ready = rng.random() >= stall
        resp_ready = rng.random() >= stall
        dut.m_axis_data_ready.value = int(out_ready)
        dut.m_axis_resp_ready.value = int(resp_ready)

        await ReadOnly()
        for v, payloads in ((dut.m_axis_data_valid, [dut.m_axis_data_payload_last] + c_out),
                            (dut.m_axis_resp_valid, [dut.m_axis_resp_payload_tag, dut.m_axis_resp_payload_opcode,
                                                     dut.m_axis_resp_payload_status, dut.m_axis_resp_payload_value])):
            if not resolved(v.value):
                fail(f"{v._name} is {v.value} after reset")
            elif v.value == 1:
                for q in payloads:
                    if not resolved(q.value):
                        fail(f"{q._name} is {q.value} while {v._name} is high")
        for r in (dut.s_axis_cmd_ready, dut.s_axis_data_ready):
            if not resolved(r.value):
                fail(f"{r._name} is {r.value} after reset")
        if fail.count > 200:
            break
        # Counters: READ_COUNTER reads the events up to the cycle before it issues; CLEAR_COUNTERS
        # zeroes them in the cycle it issues (clear wins over that cycle's events).
        if resolved(dut.accept.value) and dut.accept.value == 1 and dut.dec_error.value == 0:
            op = int(dut.dec_opcode.value)
            if op == READ_COUNTER:
                expected_counter[int(dut.dec_tag.value)] = (int(dut.dec_addr0.value), list(seen), clears)
            elif op == CLEAR_COUNTERS:
                seen = [-1] * 6  # this cycle's events are dropped: the counting below brings them to 0
                clears += 1
        seen = [max(0, x) for x in seen] if min(seen) < 0 else count_events(seen)
        cmd_fire = cmd_offer and dut.s_axis_cmd_ready.value == 1

        data_fire = data_offer and dut.s_axis_data_ready.value == 1
        beat = None
        if dut.m_axis_data_valid.value == 1 and all(resolved(p.value) for p in c_out):
            beat = ([p.value.to_signed() for p in c_out], dut.m_axis_data_payload_last.value == 1)
        resp = None
        if dut.m_axis_resp_valid.value == 1 and resolved(dut.m_axis_resp_payload_value.value):
            resp = (int(dut.m_axis_resp_payload_tag.value), int(dut.m_axis_resp_payload_opcode.value),
                    int(dut.m_axis_resp_payload_status.value), int(dut.m_axis_resp_payload_value.value))
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
                fail(f"unexpected result beat {beat}")
            else:
                e = beats[beat_i]
                if beat[0] != e["lanes"] or beat[1] != e["last"]:
                    fail(f"result beat {beat_i}: expected {e['lanes']} last={e['last']}, got {beat[0]} last={beat[1]}")
            beat_i += 1
        if resp_hold.taken(resp, resp_ready):
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
                elif e["value"] is None and tag in expected_counter:
                    check_counter(tag, value)

        done = cmd_i == len(commands) and data_i == len(data) and responses_left == 0 and beat_i >= len(beats)
        if done:
            tail -= 1
            if tail == 0:
                break
        elif idle > watchdog:
            fail(f"watchdog: nothing moved for {idle} cycles (commands {cmd_i}/{len(commands)}, data "
                 f"{data_i}/{len(data)}, responses outstanding {responses_left}, beats {beat_i}/{len(beats)})")
            break
        if fail.count > 200:
            break

    dut._log.info("%d commands, %d data beats, %d result beats compared in %d cycles; %d failures",
                  len(commands), len(data), beat_i, cycles, fail.count)
    fail.check()
