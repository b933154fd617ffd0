package org.chiltepin.verif.noc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.noc.Mesh;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.golden.NocReference.Packet;
import org.chiltepin.verif.noc.MeshHarness.Report;
import org.chiltepin.verif.noc.MeshHarness.Traffic;
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;
import spinal.core.Bool;
import spinal.lib.Stream;

/**
 * One traffic run of {@link MeshHarness} on the {@link Testbench} core: per node and network a
 * Bernoulli generator filling a source queue, a {@link StreamDriver} offering the queue's head on
 * {@code s_axis}, a {@link StreamMonitor} taking {@code m_axis} under random back-pressure (and
 * checking that a stalled message is held), and the scoreboard ({@link NocReference}): exactly
 * once, intact, in order; latency and throughput statistics over the measurement window.
 */
final class MeshTrafficRun {
    /** A packet waiting at its source, with its generation cycle. */
    static final class Pending {
        final Packet packet;
        final long born;
        final boolean measured;
        long accepted;

        Pending(Packet packet, long born, boolean measured) {
            this.packet = packet;
            this.born = born;
            this.measured = measured;
        }
    }

    private static final int REQ = 0;
    private static final int RESP = 1;

    private final NocConfig config;
    private final Traffic t;
    private final int seed;
    private final NocReference ref;
    private final int n;
    private final int k;
    @SuppressWarnings("unchecked")
    private final Deque<Pending>[][] queue = new Deque[2][];
    /** Per network and node: the driver of its s_axis and the monitor of its m_axis. */
    @SuppressWarnings("unchecked")
    private final StreamDriver<Pending>[][] drivers = new StreamDriver[2][];
    private final StreamMonitor[][] sinks = new StreamMonitor[2][];
    /** Per network and destination: packets accepted and not yet delivered (by source, FIFO). */
    @SuppressWarnings("unchecked")
    private final Deque<Pending>[][] inFlight = new Deque[2][];
    private final int[][] expectedAt = new int[2][];
    private final long[] nextTag;
    private final DescriptiveStatistics latency = new DescriptiveStatistics();
    private final DescriptiveStatistics netLatency = new DescriptiveStatistics();
    private Testbench<Mesh> tb;
    private RandomGenerator rng;
    private double excessSum;
    private double minExcess = Double.MAX_VALUE;
    private double analyticSum;
    private long generatedFlits;
    private long acceptedFlits;
    private final long[] acceptedBySource;
    private long responses;
    private long lost;
    private boolean deadlock;
    private int maxQueue;
    private long outstandingMeasured;

    @SuppressWarnings("unchecked")
    MeshTrafficRun(NocConfig config, Traffic traffic, int seed) {
        this.config = config;
        this.acceptedBySource = new long[config.nodes()];
        this.t = traffic;
        this.seed = seed;
        this.ref = new NocReference(config.k(), config.m());
        this.n = config.nodes();
        this.k = config.k();
        for (int net = 0; net < 2; net++) {
            queue[net] = new Deque[n];
            inFlight[net] = new Deque[n];
            drivers[net] = new StreamDriver[n];
            sinks[net] = new StreamMonitor[n];
            expectedAt[net] = new int[n];
            for (int i = 0; i < n; i++) {
                queue[net][i] = new ArrayDeque<>();
            }
        }
        nextTag = new long[2 * n];
    }

    private long[] payload(int words) {
        long[] p = new long[words];
        int w = config.flitWidth();
        for (int i = 0; i < words; i++) {
            p[i] = w >= 63 ? rng.nextLong() >>> 1 : rng.nextLong() & ((1L << w) - 1);
        }
        return p;
    }

    private Packet packet(int net, int src, int dst, int words) {
        long tag = nextTag[net * n + src]++ & ((1L << Math.min(62, config.tagWidth())) - 1);
        return new Packet(net, src, dst, tag, payload(words));
    }

    private int payloadWords() {
        return t.payload() >= 0 ? t.payload() : rng.nextInt(config.maxPayloadFlits() + 1);
    }

    private double meanFlits() {
        return t.payload() >= 0 ? 1 + t.payload() : 1 + config.maxPayloadFlits() / 2.0;
    }

    /** A message on {@code s_axis}: destination, length, tag and payload words. */
    private void write(Simulation.Cycle<Mesh> c, Message msg, Packet p) {
        int dst = p.dst();
        c.set(msg.destX, dst % k);
        c.set(msg.destY, dst / k);
        c.set(msg.length, p.payload().length);
        c.set(msg.tag, p.tag());
        for (int w = 0; w < p.payload().length; w++) {
            c.set(msg.data[w], p.payload()[w]);
        }
    }

    /** A message on {@code m_axis} as {destX, destY, srcX, srcY, length, tag, data...} (the words its length names). */
    private long[] read(Simulation.Cycle<Mesh> c, Message msg) {
        long len = c.get(msg.length);
        int words = (int) Math.min(len, config.maxPayloadFlits());
        long[] m = new long[6 + words];
        m[0] = c.get(msg.destX);
        m[1] = c.get(msg.destY);
        m[2] = c.get(msg.srcX);
        m[3] = c.get(msg.srcY);
        m[4] = len;
        m[5] = c.get(msg.tag);
        for (int w = 0; w < words; w++) {
            m[6 + w] = c.get(msg.data[w]);
        }
        return m;
    }

    void drive(Simulation.Cycle<Mesh> c) {
        Mesh dut = c.dut();
        tb = new Testbench<>(c, seed, new Failures(20, 100), t.watchdog());
        rng = tb.rng();
        for (int net = 0; net < 2; net++) {
            Stream<Message>[] in = net == REQ ? dut.sAxisReq : dut.sAxisResp;
            Stream<Message>[] out = net == REQ ? dut.mAxisReq : dut.mAxisResp;
            String name = net == REQ ? "req" : "resp";
            for (int i = 0; i < n; i++) {
                Message inMsg = in[i].payload();
                Message outMsg = out[i].payload();
                drivers[net][i] = tb.driver(in[i], 0, p -> write(c, inMsg, p.packet), null);
                sinks[net][i] = tb.monitor("m_axis_" + name + "[" + i + "]", out[i], t.ejectStall(), () -> read(c, outMsg));
            }
        }
        long windowStart = t.warmup();
        long windowEnd = t.warmup() + (long) t.measure();
        double pStart = Math.min(1.0, t.load() / meanFlits());
        long scanEvery = 64;
        while (true) {
            long now = tb.cycles();
            boolean generating = now < windowEnd;
            boolean inWindow = now >= windowStart && now < windowEnd;
            if (generating) {
                generate(now, pStart, inWindow);
            }
            for (int net = 0; net < 2; net++) {
                for (int i = 0; i < n; i++) {
                    drivers[net][i].drive(queue[net][i]::poll);
                    // A node holding responseLimit responses takes no more requests.
                    sinks[net][i].drive(!(net == REQ && t.requestResponse() && queue[RESP][i].size() >= t.responseLimit()));
                }
            }
            tb.tick();
            boolean scan = tb.cycles() % scanEvery == 0;
            for (int net = 0; net < 2; net++) {
                Bool[] dropped = net == REQ ? dut.droppedReq : dut.droppedResp;
                for (int i = 0; i < n; i++) {
                    Pending p = drivers[net][i].sample();
                    if (p != null) {
                        if (c.get(dropped[i])) {
                            tb.fail("legal packet dropped: " + p.packet);
                        }
                        p.accepted = tb.cycles();
                        ref.sent(p.packet);
                        inFlightQueue(net, i).add(p);
                        expectedAt[net][p.packet.dst()]++;
                    }
                    // Only nodes expecting a message are watched every cycle; all of them every scanEvery cycles.
                    if (expectedAt[net][i] == 0 && !scan && !sinks[net][i].holding()) {
                        continue;
                    }
                    long[] m = sinks[net][i].sample();
                    if (m != null) {
                        deliver(net, i, m);
                    }
                }
            }
            boolean outstanding = ref.outstanding() > 0 || anyQueued();
            if (tb.cycles() >= windowEnd && !outstanding) {
                break;
            }
            if (outstanding && tb.timedOut(() -> ref.outstanding() + " packets in the network")) {
                deadlock = true;
                break;
            }
            if (tb.cycles() > windowEnd + t.drainLimit()) {
                tb.fail("drain: " + ref.outstanding() + " packets still in the network " + t.drainLimit()
                        + " cycles after generation stopped");
                break;
            }
            if (ref.errorCount() + tb.failures().count() > 100) {
                break;
            }
        }
        // Nothing else may come out: with every sink refusing, no message may be offered.
        for (int net = 0; net < 2; net++) {
            Stream<Message>[] out = net == REQ ? dut.mAxisReq : dut.mAxisResp;
            for (int i = 0; i < n; i++) {
                c.set(out[i].ready(), false);
            }
        }
        c.tick(2);
        for (int net = 0; net < 2; net++) {
            Stream<Message>[] out = net == REQ ? dut.mAxisReq : dut.mAxisResp;
            for (int i = 0; i < n; i++) {
                if (c.get(out[i].valid())) {
                    tb.fail("spurious message offered at node " + i + " on " + (net == REQ ? "req" : "resp"));
                }
            }
        }
        lost = ref.outstanding();
    }

    /** Bernoulli sources: each node starts a request with probability pStart, unless its queue is full. */
    private void generate(long now, double pStart, boolean inWindow) {
        for (int s = 0; s < n; s++) {
            if (rng.nextDouble() < pStart) {
                if (t.sourceQueue() > 0 && queue[REQ][s].size() >= t.sourceQueue()) {
                    continue;
                }
                int dst = t.pattern().destination(s, k, config.m(), rng);
                Pending p = new Pending(packet(REQ, s, dst, payloadWords()), now, inWindow);
                queue[REQ][s].add(p);
                maxQueue = Math.max(maxQueue, queue[REQ][s].size());
                if (inWindow) {
                    generatedFlits += p.packet.flits();
                    outstandingMeasured++;
                }
            }
        }
    }

    private boolean anyQueued() {
        for (int net = 0; net < 2; net++) {
            for (int i = 0; i < n; i++) {
                if (drivers[net][i].offered() != null || !queue[net][i].isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    private void deliver(int net, int at, long[] m) {
        int src = (int) (m[3] * k + m[2]);
        int dst = (int) (m[1] * k + m[0]);
        long tag = m[5];
        Packet got = new Packet(net, src, dst, tag, Arrays.copyOfRange(m, 6, m.length));
        // Find the sender's bookkeeping before the scoreboard consumes the packet.
        Pending sent = null;
        if (src >= 0 && src < n) {
            sent = findInFlight(net, src, dst, tag);
        }
        String fault = ref.delivered(at, got);
        if (fault != null) {
            return;
        }
        expectedAt[net][at]--;
        if (sent != null) {
            long cycles = tb.cycles();
            if (net == REQ && cycles > t.warmup() && cycles <= t.warmup() + (long) t.measure()) {
                acceptedFlits += got.flits();
                acceptedBySource[src] += got.flits();
            }
            if (net == REQ && sent.measured) {
                long lat = cycles - sent.born;
                long netLat = cycles - sent.accepted;
                latency.addValue(lat);
                netLatency.addValue(netLat);
                int hops = NocReference.hops(k, src, dst);
                double t0 = NocReference.zeroLoadLatency(hops, got.flits(), NocConfig.ROUTER_DELAY, NocConfig.NI_OVERHEAD);
                analyticSum += t0;
                excessSum += netLat - t0;
                minExcess = Math.min(minExcess, netLat - t0);
                outstandingMeasured--;
            }
        }
        if (net == REQ && t.requestResponse()) {
            queue[RESP][at].add(new Pending(packet(RESP, at, src, payloadWords()), tb.cycles(), false));
        } else if (net == RESP) {
            responses++;
        }
    }

    /** The oldest accepted packet from src to dst with this tag (the scoreboard decides correctness). */
    private Pending findInFlight(int net, int src, int dst, long tag) {
        Deque<Pending> q = inFlightQueue(net, src);
        for (var it = q.iterator(); it.hasNext();) {
            Pending p = it.next();
            if (p.packet.dst() == dst && p.packet.tag() == tag) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    private Deque<Pending> inFlightQueue(int net, int src) {
        if (inFlight[net][src] == null) {
            inFlight[net][src] = new ArrayDeque<>();
        }
        return inFlight[net][src];
    }

    Report report() {
        double window = Math.max(1, t.measure()) * (double) n;
        List<String> faults = new ArrayList<>(tb.failures().first());
        faults.addAll(ref.errors());
        if (lost > 0) {
            ref.undelivered(5).forEach(p -> faults.add("lost: " + p));
        }
        long count = netLatency.getN();
        return new Report(tb.cycles(), ref.sentCount(), ref.deliveredCount(), responses, ref.errorCount() + tb.failures().count(),
                faults, lost, deadlock, generatedFlits / window, acceptedFlits / window,
                count == 0 ? Double.NaN : latency.getMean(), count == 0 ? Double.NaN : latency.getPercentile(99),
                count == 0 ? Double.NaN : netLatency.getMean(), count == 0 ? Double.NaN : netLatency.getPercentile(99),
                count == 0 ? Double.NaN : minExcess, count == 0 ? Double.NaN : excessSum / count,
                count == 0 ? Double.NaN : analyticSum / count, count, maxQueue,
                java.util.Arrays.stream(acceptedBySource).min().orElse(0) / Math.max(1.0, t.measure()));
    }
}
