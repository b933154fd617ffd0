"""cocotb testbench for the emitted 2D-mesh NoC Verilog (noc_mesh.v, its routers and interfaces).

Reads the vectors written by ``bin/chiltepin golden noc`` (path in $CHILTEPIN_VECTORS).

1. Zero-load latency: each isolated request packet is sent alone into an empty mesh with every
   sink ready; the cycles from its ``s_axis`` handshake to its ``m_axis`` handshake must equal the
   golden model's (hops + 1) * router delay + flits + interface overhead exactly, and the message
   must arrive intact at its destination.
2. Traffic: every source offers its packets on both networks at once, with random idle cycles
   (random junk on the payload while valid is low) and random back-pressure on every ejection
   port. A scoreboard per (network, source, destination) requires each packet delivered exactly
   once, intact (destination, source, length, tag, payload words) and in order; ``dropped`` must
   never rise; no X on a valid after reset or on a payload while valid. A watchdog fails a run
   that stops moving.
3. Reset and idle state, read through the hierarchy (``REGS``): at the first cycle after reset,
   before any input, and again once the network has drained after each phase, every credit
   counter equals ``bufferDepth`` (the receiver's buffer, Router's Javadoc), every FIFO and
   ejection count is 0 and no output is owned; right after reset every round-robin pointer is at
   input 0 (the RTL's declared start), so a router that starts elsewhere is a failure.
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
from tbutil import Failures, resolved  # noqa: E402 (verif/cocotb/tbutil.py)

NETS = ("req", "resp")
PORTS = "neswl"
# (register, value at reset and when idle; None: checked only right after reset, to 0)
REGS = [(f"credits_{p}", "depth") for p in PORTS] + [(f"fifo_{p}_count", 0) for p in PORTS] + \
       [(f"owner_{a}_{b}", 0) for a in PORTS for b in PORTS] + [(f"rr_{p}", None) for p in PORTS]
NI_REGS = [("inj_credits", "depth"), ("inj_busy", 0), ("ej_count", 0)]


def state_regs(dut, nodes):
    """(path, handle, expected-when-idle) of every router and interface register in REGS."""
    out = []
    for net in NETS:
        for i in range(nodes):
            for inst, regs in ((f"{net}_router_{i}", REGS), (f"{net}_ni_{i}", NI_REGS)):
                h = getattr(dut, inst)
                for name, want in regs:
                    if hasattr(h, name):
                        out.append((f"{inst}.{name}", getattr(h, name), want))
    return out


def check_state(regs, depth, fail, when, after_reset):
    """Fails every register of ``state_regs`` that is not at its reset value (sample in ReadOnly)."""
    for path, h, want in regs:
        if want is None and not after_reset:
            continue
        v = h.value
        exp = depth if want == "depth" else 0
        if not resolved(v) or int(v) != exp:
            fail(f"{path} is {v} {when}, expected {exp}")


class Port:
    """One node's injection and ejection ports on one network."""

    def __init__(self, dut, net, node, words):
        g = lambda n: getattr(dut, n)
        self.s_valid, self.s_ready = g(f"s_axis_{net}_{node}_valid"), g(f"s_axis_{net}_{node}_ready")
        s = f"s_axis_{net}_{node}_payload_"
        self.s_fields = {f: g(s + f) for f in ("dest_x", "dest_y", "length", "tag")}
        self.s_data = [g(f"{s}data_{w}") for w in range(words)]
        self.m_valid, self.m_ready = g(f"m_axis_{net}_{node}_valid"), g(f"m_axis_{net}_{node}_ready")
        m = f"m_axis_{net}_{node}_payload_"
        self.m_fields = {f: g(m + f) for f in ("dest_x", "dest_y", "src_x", "src_y", "length", "tag")}
        self.m_data = [g(f"{m}data_{w}") for w in range(words)]
        self.dropped = g(f"dropped_{net}_{node}")

    def offer(self, p, k):
        self.s_fields["dest_x"].value = p["dst"] % k
        self.s_fields["dest_y"].value = p["dst"] // k
        self.s_fields["length"].value = len(p["data"])
        self.s_fields["tag"].value = p["tag"]
        for w, h in enumerate(self.s_data):
            h.value = p["data"][w] if w < len(p["data"]) else 0

    def junk(self, rng):
        for h in list(self.s_fields.values()) + self.s_data:
            h.value = rng.getrandbits(len(h))

    def received(self, k):
        """The message on m_axis as (dst, src, tag, data) and any X in it (sample in ReadOnly)."""
        vals = {f: h.value for f, h in self.m_fields.items()}
        bad = [f for f, v in vals.items() if not resolved(v)]
        if bad:
            return None, bad
        n = int(vals["length"])
        data = []
        for h in self.m_data[:n]:
            if not resolved(h.value):
                return None, [h._name]
            data.append(int(h.value))
        return (int(vals["dest_y"]) * k + int(vals["dest_x"]), int(vals["src_y"]) * k + int(vals["src_x"]),
                int(vals["tag"]), data), []


@cocotb.test()
async def mesh_matches_golden_model(dut):
    with open(os.environ["CHILTEPIN_VECTORS"], encoding="utf-8") as f:
        vec = json.load(f)
    cfg = vec["config"]
    k, nodes, words = cfg["k"], cfg["k"] * cfg["m"], cfg["maxPayloadFlits"]
    stall = vec["stall"]
    rng = random.Random(vec["seed"])
    ports = {net: [Port(dut, net, i, words) for i in range(nodes)] for net in NETS}
    fail = Failures(dut._log)

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.reset.value = 1
    for net in NETS:
        for p in ports[net]:
            p.s_valid.value = 0
            p.m_ready.value = 0
            p.junk(rng)
    for _ in range(4):
        await RisingEdge(dut.clk)
    dut.reset.value = 0
    await RisingEdge(dut.clk)
    regs = state_regs(dut, nodes)
    if not regs:
        fail("no credit counter found in the hierarchy (REGS no longer matches the RTL's names)")
    await ReadOnly()
    check_state(regs, cfg["bufferDepth"], fail, "at the first cycle after reset", True)
    await RisingEdge(dut.clk)

    async def drained(when):
        for net in NETS:
            for p in ports[net]:
                p.s_valid.value = 0
                p.m_ready.value = 1
        for _ in range(4 * (words + 2) * nodes):
            await RisingEdge(dut.clk)
        await ReadOnly()
        check_state(regs, cfg["bufferDepth"], fail, when, False)
        await RisingEdge(dut.clk)

    def check_outputs():
        for net in NETS:
            for i, p in enumerate(ports[net]):
                for sig in (p.m_valid, p.s_ready, p.dropped):
                    if not resolved(sig.value):
                        fail(f"{sig._name} is {sig.value} after reset")
                if resolved(p.dropped.value) and p.dropped.value == 1:
                    fail(f"{p.dropped._name} rose for a legal message")

    # 1. Zero-load latency, one request packet at a time, every sink ready.
    for p in ports["req"]:
        p.m_ready.value = 1
    for pk in vec["isolated"]:
        src, dst = ports["req"][pk["src"]], ports["req"][pk["dst"]]
        src.offer(pk, k)
        src.s_valid.value = 1
        cycle, accepted, arrived = 0, None, None
        while arrived is None and cycle < 1000:
            await ReadOnly()
            check_outputs()
            if accepted is None and src.s_ready.value == 1:
                accepted = cycle
            if dst.m_valid.value == 1:
                got, bad = dst.received(k)
                want = (pk["dst"], pk["src"], pk["tag"], pk["data"])
                if bad:
                    fail(f"isolated packet tag {pk['tag']}: X on {bad} while valid")
                elif got != want:
                    fail(f"isolated packet tag {pk['tag']}: expected (dst, src, tag, data) {want}, got {got}")
                arrived = cycle
            await RisingEdge(dut.clk)
            cycle += 1
            if accepted is not None:
                src.s_valid.value = 0
                src.junk(rng)
        if arrived is None or accepted is None:
            fail(f"isolated packet tag {pk['tag']} {pk['src']}->{pk['dst']} not delivered in 1000 cycles")
            break
        if arrived - accepted != pk["latency"]:
            fail(f"zero-load latency of packet tag {pk['tag']} {pk['src']}->{pk['dst']} ({pk['hops']} hops, "
                 f"{len(pk['data'])} payload flits): expected {pk['latency']} cycles, got {arrived - accepted}")
        for _ in range(2):
            await RisingEdge(dut.clk)
    await drained("idle after the zero-load packets")

    # 2. Random traffic on both networks with back-pressure on every ejection port.
    queues = {(net, i): deque() for net in NETS for i in range(nodes)}
    expected = defaultdict(deque)
    for pk in vec["traffic"]:
        queues[(NETS[pk["network"]], pk["src"])].append(pk)
    offering = {key: None for key in queues}
    left = len(vec["traffic"])
    idle, cycles = 0, 0
    watchdog = 500 + 20 * nodes * (words + 2)
    while left > 0 and fail.count <= 200:
        for (net, i), q in queues.items():
            p = ports[net][i]
            if offering[(net, i)] is None and q and rng.random() >= stall:
                offering[(net, i)] = q.popleft()
                p.offer(offering[(net, i)], k)
            elif offering[(net, i)] is None:
                p.junk(rng)
            p.s_valid.value = int(offering[(net, i)] is not None)
            p.m_ready.value = int(rng.random() >= stall)
        await ReadOnly()
        check_outputs()
        fired, got = [], []
        for (net, i) in queues:
            p = ports[net][i]
            if offering[(net, i)] is not None and p.s_ready.value == 1:
                fired.append((net, i))
            if p.m_valid.value == 1 and p.m_ready.value == 1:
                msg, bad = p.received(k)
                got.append((net, i, msg, bad))
        await RisingEdge(dut.clk)
        cycles += 1
        idle += 1
        for key in fired:
            pk = offering[key]
            expected[(key[0], pk["src"], pk["dst"])].append(pk)
            offering[key] = None
            idle = 0
        for net, i, msg, bad in got:
            idle = 0
            if bad:
                fail(f"{net} at node {i}: X on {bad} while valid")
                continue
            dst, src, tag, data = msg
            q = expected.get((net, src, dst))
            if dst != i:
                fail(f"{net} message tag {tag} from {src} for {dst} ejected at node {i}")
            elif not q:
                fail(f"{net} message tag {tag} {src}->{dst} unexpected (duplicate or never sent)")
            else:
                want = q.popleft()
                left -= 1
                if (tag, data) != (want["tag"], want["data"]):
                    fail(f"{net} {src}->{dst}: expected tag {want['tag']} data {want['data']} (in order), "
                         f"got tag {tag} data {data}")
        if idle > watchdog:
            outstanding = sum(len(q) for q in expected.values())
            fail(f"watchdog: nothing moved for {idle} cycles ({left} packets not delivered, {outstanding} in the mesh)")
            break

    await drained("idle after the traffic")
    dut._log.info("%d isolated packets, %d traffic packets in %d cycles; %d failures", len(vec["isolated"]),
                  len(vec["traffic"]) - left, cycles, fail.count)
    fail.check()
