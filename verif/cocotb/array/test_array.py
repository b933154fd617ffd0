"""cocotb testbench for the emitted systolic array Verilog (systolic_array.v and its PEs).

Reads the vectors written by ``bin/chiltepin golden array`` (path in $CHILTEPIN_VECTORS):
the configuration, the seed and stall probability, and per tile A, B and the golden model's C.
A driver streams each tile's K beats into s_axis with random idle cycles (random payload while
idle), a sink takes result rows from m_axis under random back-pressure, and a scoreboard
compares every row, bit for bit, and the stream protocol (a refused beat stays valid and
unchanged; ``last`` marks each tile's final row); an X on a valid or ready after reset, or on the
payload while valid, is a failure. A watchdog fails a run that stops moving. Reset is entered with
junk on the payload and ``last`` = 1; for rows + cols + 2 cycles after it, before any beat, the
array must show no output (a register whose valid resets wrong would carry that ``last`` out) and
be ready.
"""

import json
import os
import random
from collections import deque

import cocotb
from cocotb.clock import Clock
from cocotb.simtime import get_sim_time
from cocotb.triggers import ReadOnly, RisingEdge

MAX_REPORTED = 20


def _signed(handle):
    return handle.value.to_signed()


def _resolved(value):
    return all(c in "01" for c in str(value))


@cocotb.test()
async def array_matches_golden_model(dut):
    with open(os.environ["CHILTEPIN_VECTORS"], encoding="utf-8") as f:
        vec = json.load(f)
    cfg = vec["config"]
    rows, cols, width = cfg["rows"], cfg["cols"], cfg["inputWidth"]
    stall = vec["stall"]
    rng = random.Random(vec["seed"])
    mask = (1 << width) - 1
    cases = vec["cases"]

    a_in = [getattr(dut, f"s_axis_payload_a_{i}") for i in range(rows)]
    b_in = [getattr(dut, f"s_axis_payload_b_{j}") for j in range(cols)]
    c_out = [getattr(dut, f"m_axis_payload_c_{j}") for j in range(cols)]

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.reset.value = 1
    dut.s_axis_valid.value = 0
    dut.m_axis_ready.value = 1
    # Through reset the idle payload is junk with last = 1, so a pipeline register whose valid does
    # not reset to 0 carries a "last" row out; none may come out before the first beat is sent.
    for _ in range(4):
        for p in a_in + b_in:
            p.value = rng.getrandbits(width)
        dut.s_axis_payload_last.value = 1
        await RisingEdge(dut.clk)
    dut.reset.value = 0
    for n in range(rows + cols + 2):
        await ReadOnly()
        if str(dut.m_axis_valid.value) != "0":
            raise AssertionError(f"m_axis_valid is {dut.m_axis_valid.value} in cycle {n} after reset, before any input")
        if str(dut.s_axis_ready.value) != "1":  # an empty array takes any beat, last or not
            raise AssertionError(f"s_axis_ready is {dut.s_axis_ready.value} in cycle {n} after reset, array empty")
        await RisingEdge(dut.clk)
        for p in a_in + b_in:
            p.value = rng.getrandbits(width)
        dut.s_axis_payload_last.value = rng.getrandbits(1)
    dut.m_axis_ready.value = 0

    expected = deque((c["name"], i, row) for c in cases for i, row in enumerate(c["c"]))
    failures = []
    failure_count = 0
    rows_compared = 0

    def fail(msg):
        nonlocal failure_count
        failure_count += 1
        if len(failures) < MAX_REPORTED:
            failures.append(f"@{get_sim_time('ns'):.0f} ns: {msg}")
            dut._log.error(failures[-1])

    case_index, k, offering = 0, 0, False
    stalled_row = None
    idle = 0
    watchdog = 200 + 4 * (rows + cols) + int(50 / max(0.01, 1 - stall))
    tail = 2 * (rows + cols) + 4
    cycles = 0
    while True:
        # Driver: a beat once offered stays valid and unchanged until accepted.
        if not offering and case_index < len(cases) and rng.random() >= stall:
            offering = True
            c = cases[case_index]
            for i in range(rows):
                a_in[i].value = c["a"][i][k] & mask
            for j in range(cols):
                b_in[j].value = c["b"][k][j] & mask
            dut.s_axis_payload_last.value = int(k == len(c["b"]) - 1)
        elif not offering:
            for p in a_in + b_in:  # idle: random payload the array must ignore
                p.value = rng.getrandbits(width)
            dut.s_axis_payload_last.value = rng.getrandbits(1)
        dut.s_axis_valid.value = int(offering)
        ready = int(rng.random() >= stall)
        dut.m_axis_ready.value = ready

        await ReadOnly()  # the cycle's settled values, sampled just before the edge
        # After reset an X or Z on a valid or ready (or on the payload while valid) is a failure,
        # not "not valid".
        for sig in (dut.m_axis_valid, dut.s_axis_ready):
            if not _resolved(sig.value):
                fail(f"{sig._name} is {sig.value} after reset")
        if dut.m_axis_valid.value == 1:
            unknown = [p for p in c_out + [dut.m_axis_payload_last] if not _resolved(p.value)]
            for p in unknown:
                fail(f"{p._name} is {p.value} while m_axis_valid is high")
            if unknown:
                break
        in_fire = offering and dut.s_axis_ready.value == 1
        out_valid = dut.m_axis_valid.value == 1
        row = [_signed(p) for p in c_out] if out_valid else None
        last = out_valid and dut.m_axis_payload_last.value == 1
        await RisingEdge(dut.clk)
        cycles += 1
        idle += 1

        if in_fire:
            offering = False
            idle = 0
            k += 1
            if k == len(cases[case_index]["b"]):
                k = 0
                case_index += 1
        if stalled_row is not None and stalled_row != (row, last):
            fail("protocol: m_axis beat changed or dropped while stalled")
        stalled_row = None
        if out_valid and ready:
            idle = 0
            if not expected:
                fail(f"unexpected result row {row} after all tiles completed")
            else:
                name, i, want = expected.popleft()
                rows_compared += 1
                for j, (got, exp) in enumerate(zip(row, want)):
                    if got != exp:
                        fail(f"tile '{name}' C[{i}][{j}]: expected {exp}, got {got}")
                if last != (i == rows - 1):
                    fail(f"tile '{name}' row {i}: m_axis_payload_last = {int(last)}, expected {int(i == rows - 1)}")
        elif out_valid:
            stalled_row = (row, last)

        if case_index == len(cases) and not expected:
            tail -= 1
            if tail == 0:
                break
        elif idle > watchdog:
            fail(f"watchdog: nothing moved for {idle} cycles ({len(expected)} rows outstanding)")
            break
        if failure_count > 1000:
            break

    dut._log.info("compared %d tiles, %d rows, %d values in %d cycles; %d failures",
                  len(cases), rows_compared, rows_compared * cols, cycles, failure_count)
    assert failure_count == 0, f"{failure_count} failures; the first: " + "; ".join(failures[:5])
