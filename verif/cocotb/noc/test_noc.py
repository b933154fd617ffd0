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
4. Throughput floor: node 0 streams STREAM back-to-back request packets of maxPayloadFlits words to
   the farthest node, every sink ready. A channel carries one flit per cycle (NocReference's
   channel-load model), so the last packet must arrive within T0 + (STREAM - 1) * flits cycles of
   the first handshake (T0: the golden zero-load latency). A count of cycles, not a wall time.
5. Fairness under saturation: every other node sends equal request packets to one node without a
   pause, every sink ready. With round-robin output arbiters each input of a router gets an equal
   share of its output, so under XY (or YX) routing a source's share of node 0's ejection is the
   product over the routers on its path of 1 / (inputs competing there); over the window each
   source's delivered count must be within FAIR_SLACK packets of its share. Every node is the hot
   spot in turn (on a mesh over 4 nodes: the corners and the centre), so every router's arbiters
   are contended.
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
STREAM = 8
FAIR_WINDOW = 12  # packets the smallest share must get over the fairness window
FAIR_SLACK = 2  # packets: the pipeline's fill and drain at the window's edges
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


def route(cfg, src, dst):
    """The (router, input port) pairs a packet passes under dimension-order routing, source first."""
    k = cfg["k"]
    x, y, tx, ty = src % k, src // k, dst % k, dst // k
    hops, came = [], "l"
    order = "xy" if cfg["routing"] == "xy" else "yx"
    while True:
        hops.append((y * k + x, came))
        d = order[0] if (x != tx if order[0] == "x" else y != ty) else order[1]
        if d == "x" and x != tx:
            x, came = (x + 1, "w") if tx > x else (x - 1, "e")
        elif d == "y" and y != ty:
            y, came = (y + 1, "n") if ty > y else (y - 1, "s")
        else:
            return hops


def fair_shares(cfg, sources, dst):
    """Each source's share of dst's ejection when all send to dst at once (round-robin per output)."""
    paths = {s: route(cfg, s, dst) for s in sources}
    inputs = defaultdict(set)
    for path in paths.values():
        for router, came in path:
            inputs[router].add(came)
    shares = {}
    for s, path in paths.items():
        share = 1.0
        for router, _ in path:
            share /= len(inputs[router])
        shares[s] = share
    return shares


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

    # 4. Throughput floor: a stream of back-to-back packets from node 0 to the farthest node.
    src, dst = ports["req"][0], ports["req"][nodes - 1]
    flits = words + 1
    hops = (nodes - 1) % k + (nodes - 1) // k
    t0 = (hops + 1) * vec["routerDelay"] + flits + vec["interfaceOverhead"]
    stream = [{"dst": nodes - 1, "tag": 100 + j, "data": [rng.getrandbits(32) for _ in range(words)]}
              for j in range(STREAM)]
    sent, got, cycle, first, last = 0, 0, 0, None, None
    while got < STREAM and cycle < 20 * t0 * STREAM:
        if sent < STREAM:
            src.offer(stream[sent], k)
        src.s_valid.value = int(sent < STREAM)
        await ReadOnly()
        fire = sent < STREAM and src.s_ready.value == 1
        if fire and first is None:
            first = cycle
        if dst.m_valid.value == 1:
            msg, bad = dst.received(k)
            if bad or msg != (nodes - 1, 0, stream[got]["tag"], stream[got]["data"]):
                fail(f"stream packet {got}: expected tag {stream[got]['tag']}, got {msg} (X on {bad})")
            got, last = got + 1, cycle
        await RisingEdge(dut.clk)
        sent += int(fire)
        cycle += 1
    floor = t0 + (STREAM - 1) * flits
    dut._log.info("stream 0->%d: %d packets of %d flits in %d cycles (floor %d)", nodes - 1, got, flits,
                  (last or 0) - (first or 0), floor)
    if got < STREAM or last - first > floor:
        fail(f"throughput: {STREAM} packets of {flits} flits 0->{nodes - 1} ({hops} hops) took "
             f"{(last or 0) - (first or 0)} cycles (delivered {got}), the channel-load model allows {floor}")
    await drained("idle after the throughput stream")

    # 5. Fairness: every other node saturates one hot spot; every node in turn on a small mesh.
    spots = range(nodes) if nodes <= 4 else sorted({0, k - 1, nodes - k, nodes - 1, (cfg["m"] // 2) * k + k // 2})
    for hot in spots:
        sources = [n for n in range(nodes) if n != hot]
        shares = fair_shares(cfg, sources, hot)
        window = min(round(FAIR_WINDOW / min(shares.values())), FAIR_WINDOW * nodes)  # short on a large mesh
        count, seq, total, cycle = defaultdict(int), defaultdict(int), 0, 0
        while total < window + nodes and cycle < 50 * window * flits:
            for s_ in sources:
                ports["req"][s_].offer({"dst": hot, "tag": seq[s_] % 256, "data": [s_] * words}, k)
                ports["req"][s_].s_valid.value = 1
            await ReadOnly()
            fired = [s_ for s_ in sources if ports["req"][s_].s_ready.value == 1]
            out = ports["req"][hot]
            if out.m_valid.value == 1:
                msg, bad = out.received(k)
                if bad or msg[0] != hot or msg[1] not in shares or msg[3] != [msg[1]] * words:
                    fail(f"fairness: bad packet at node {hot}: {msg} (X on {bad})")
                else:
                    total += 1
                    if total > nodes:  # the first packets fill the pipeline
                        count[msg[1]] += 1
            await RisingEdge(dut.clk)
            for s_ in fired:
                seq[s_] += 1
            cycle += 1
        got = sum(count.values())
        for s_, share in sorted(shares.items()):
            dut._log.info("fairness at %d: source %d got %d of %d packets (share %.3f)", hot, s_, count[s_], got, share)
            if abs(count[s_] - share * got) > FAIR_SLACK:
                fail(f"fairness: source {s_} got {count[s_]} of {got} packets at node {hot} under saturation, "
                     f"round-robin gives it {share:.3f} ({share * got:.1f} +- {FAIR_SLACK})")
        await drained(f"idle after the fairness run at node {hot}")

    dut._log.info("%d isolated packets, %d traffic packets in %d cycles; %d failures", len(vec["isolated"]),
                  len(vec["traffic"]) - left, cycles, fail.count)
    fail.check()
