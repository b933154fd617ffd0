package org.chiltepin.verif.noc;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.noc.Mesh;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.golden.NocReference.Packet;
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.Harness;
import org.chiltepin.verif.sim.HarnessReport;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;
import spinal.core.Bool;
import spinal.lib.Stream;

/**
 * Co-simulates the emitted {@link Mesh} (Verilator) against {@link NocReference}. Per node and
 * network: a Bernoulli traffic generator fills an (optionally bounded) source queue, a driver offers
 * the queue's head on {@code s_axis} (a message once offered stays valid and unchanged), and a sink
 * takes {@code m_axis} under random back-pressure and hands every delivered message to the
 * scoreboard, which checks exactly-once, intact, in-order delivery. In request/response mode every
 * delivered request makes its destination send a response back on the response network, and a
 * node stops taking requests while it has {@link Traffic#responseLimit} responses waiting to leave:
 * the dependency that deadlocks a single shared network. A watchdog fails the run when no message
 * is accepted or delivered for {@link Traffic#watchdog} cycles while messages are outstanding.
 */
public final class MeshHarness extends Harness<NocConfig, Mesh> {
    private static final int REQ = 0;
    private static final int RESP = 1;

    /**
     * One run's stimulus.
     *
     * @param pattern         destinations of the requests
     * @param load            offered load, flits per node per cycle (Bernoulli: a packet of
     *                        {@code 1 + payload} flits starts with probability load / flits per cycle)
     * @param payload         payload words per packet, or −1 for uniform in 0..maxPayloadFlits
     * @param ejectStall      probability that a sink refuses a delivered message in a cycle
     * @param requestResponse every delivered request is answered on the response network
     * @param warmup          cycles of traffic before the measurement window
     * @param measure         cycles of the measurement window
     * @param drainLimit      cycles allowed after the window for everything to be delivered
     * @param sourceQueue     most packets waiting at a source; generation pauses while full
     *                        (0 = unbounded)
     * @param responseLimit   responses a node may hold before it stops taking requests
     * @param watchdog        cycles without any handshake, while messages are outstanding, that fail the run
     */
    public record Traffic(TrafficPattern pattern, double load, int payload, double ejectStall, boolean requestResponse,
            int warmup, int measure, int drainLimit, int sourceQueue, int responseLimit, int watchdog) {
        public static Traffic of(TrafficPattern pattern, double load, int payload) {
            return new Traffic(pattern, load, payload, 0.0, false, 500, 2000, 20000, 64, 4, 2000);
        }

        public Traffic withStall(double p) {
            return new Traffic(pattern, load, payload, p, requestResponse, warmup, measure, drainLimit, sourceQueue,
                    responseLimit, watchdog);
        }

        public Traffic withRequestResponse(boolean rr) {
            return new Traffic(pattern, load, payload, ejectStall, rr, warmup, measure, drainLimit, sourceQueue,
                    responseLimit, watchdog);
        }

        public Traffic withCycles(int warmupCycles, int measureCycles) {
            return new Traffic(pattern, load, payload, ejectStall, requestResponse, warmupCycles, measureCycles,
                    drainLimit, sourceQueue, responseLimit, watchdog);
        }
    }

    /**
     * Outcome of a run. Latencies are in cycles and cover the packets generated in the measurement
     * window on the request network: {@code latency} from generation (source queueing included),
     * {@code networkLatency} from the {@code s_axis} handshake to the {@code m_axis} handshake.
     * {@code zeroLoadExcess} is the mean of (network latency − analytic zero-load latency) over those
     * packets. Throughputs are flits per node per cycle over the window ({@code offered}: generated
     * into the source queues, which stop growing at their bound); {@code acceptedMinSource} is
     * that of the least served source (beyond saturation nodes are not served equally).
     */
    public record Report(long cycles, long sent, long delivered, long responses, long errors, List<String> faults,
            long lost, boolean deadlock, double offered, double accepted, double latency, double latencyP99,
            double networkLatency, double networkLatencyP99, double minZeroLoadExcess, double zeroLoadExcess,
            double analyticZeroLoad, long measuredPackets, int maxSourceQueue, double acceptedMinSource)
            implements HarnessReport {
        @Override
        public boolean passed() {
            return errors == 0 && lost == 0 && !deadlock;
        }

        /** Faults counted (scoreboard errors and harness failures); lost packets and a deadlock fail too. */
        @Override
        public long failures() {
            return errors;
        }

        @Override
        public List<String> mismatches() {
            return faults;
        }

        public String summary() {
            return String.format(java.util.Locale.ROOT,
                    "%d cycles, %d packets sent, %d delivered (%d responses), %d faults, %d lost%s; generated %.3f, accepted %.3f "
                            + "flits/node/cycle; latency avg %.1f p99 %.1f, network avg %.1f (zero-load model %.1f)",
                    cycles, sent, delivered, responses, errors, lost, deadlock ? ", DEADLOCK" : "", offered, accepted,
                    latency, latencyP99, networkLatency, analyticZeroLoad);
        }
    }

    /** Elaborates and Verilates the mesh for {@code config} in {@code workspace}. */
    public static MeshHarness compile(NocConfig config, Path workspace, Simulation.Options options) {
        return new MeshHarness(config, workspace, options);
    }

    /** Runs {@code traffic} on a fresh model; {@code seed} drives destinations, payloads and stalls. */
    public Report run(Traffic traffic, int seed) {
        Run run = new Run(traffic, seed);
        sim.run("noc_seed" + seed, seed, run::drive);
        return run.report();
    }

    private MeshHarness(NocConfig config, Path workspace, Simulation.Options options) {
        super(config, Mesh::new, workspace, options);
    }

    /** One packet sent alone through an empty network: its hop count, length and measured latency. */
    public record Isolated(int src, int dst, int hops, int payload, long latency, double model) {
    }

    /**
     * Zero-load measurement: sends {@code count} random packets (random source, destination and length)
     * one at a time through the request network with always-ready sinks, each after the previous one
     * was delivered, and measures each from its {@code s_axis} handshake to its {@code m_axis}
     * handshake. Also checks each delivery against the scoreboard.
     */
    public List<Isolated> isolated(int count, int seed) {
        List<Isolated> out = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        sim.run("noc_isolated" + seed, seed, c -> {
            Mesh dut = c.dut();
            RandomGenerator rng = new MersenneTwister(seed);
            NocReference ref = new NocReference(config.k(), config.m());
            int n = config.nodes();
            int k = config.k();
            for (int i = 0; i < n; i++) {
                c.set(dut.mAxisReq[i].ready(), true);
            }
            for (int p = 0; p < count; p++) {
                int src = rng.nextInt(n);
                int dst = rng.nextInt(n);
                int len = rng.nextInt(config.maxPayloadFlits() + 1);
                long[] words = new long[len];
                for (int w = 0; w < len; w++) {
                    words[w] = rng.nextLong() >>> (64 - Math.min(63, config.flitWidth()));
                }
                Packet pk = new Packet(0, src, dst, p, words);
                Message msg = dut.sAxisReq[src].payload();
                c.set(msg.destX, dst % k);
                c.set(msg.destY, dst / k);
                c.set(msg.length, len);
                c.set(msg.tag, p);
                for (int w = 0; w < len; w++) {
                    c.set(msg.data[w], words[w]);
                }
                c.set(dut.sAxisReq[src].valid(), true);
                c.tick();
                long guard = 0;
                while (!c.get(dut.sAxisReq[src].ready())) {
                    c.tick();
                    if (++guard > 1000) {
                        faults.add("source " + src + " never ready");
                        return;
                    }
                }
                long accepted = c.count();
                ref.sent(pk);
                c.set(dut.sAxisReq[src].valid(), false);
                Message got = dut.mAxisReq[dst].payload();
                while (true) {
                    c.tick();
                    if (c.get(dut.mAxisReq[dst].valid())) {
                        break;
                    }
                    if (++guard > 1000) {
                        faults.add("packet " + pk + " not delivered");
                        return;
                    }
                }
                long[] data = new long[(int) Math.min(c.get(got.length), config.maxPayloadFlits())];
                for (int w = 0; w < data.length; w++) {
                    data[w] = c.get(got.data[w]);
                }
                Packet back = new Packet(0, (int) (c.get(got.srcY) * k + c.get(got.srcX)),
                        (int) (c.get(got.destY) * k + c.get(got.destX)), c.get(got.tag), data);
                String fault = ref.delivered(dst, back);
                if (fault != null) {
                    faults.add(fault);
                }
                int hops = NocReference.hops(k, src, dst);
                out.add(new Isolated(src, dst, hops, len, c.count() - accepted,
                        NocReference.zeroLoadLatency(hops, 1 + len, NocConfig.ROUTER_DELAY, NocConfig.NI_OVERHEAD)));
                c.tick(2);
            }
        });
        if (!faults.isEmpty()) {
            throw new AssertionError("isolated packets: " + faults);
        }
        return out;
    }

    /**
     * Illegal input: offers messages the mesh cannot deliver (a destination outside the mesh when
     * k or m is not a power of two, and a length above maxPayloadFlits) and then a legal one.
     * Returns the faults found: each illegal message must be taken with {@code dropped} high and
     * never delivered, and the legal one must still arrive.
     */
    public List<String> illegalInput(int seed) {
        List<String> faults = new ArrayList<>();
        sim.run("noc_illegal" + seed, seed, c -> {
            Mesh dut = c.dut();
            int n = config.nodes();
            int k = config.k();
            for (int i = 0; i < n; i++) {
                c.set(dut.mAxisReq[i].ready(), true);
            }
            int src = n - 1;
            List<long[]> bad = new ArrayList<>(); // {destX, destY, length}
            if (Integer.bitCount(config.k()) != 1 || config.k() == 1) {
                if ((1 << config.xBits()) > config.k()) {
                    bad.add(new long[] {config.k(), 0, 1});
                }
            }
            if ((1 << config.yBits()) > config.m()) {
                bad.add(new long[] {0, config.m(), 1});
            }
            if ((1 << config.lenBits()) - 1 > config.maxPayloadFlits()) {
                bad.add(new long[] {0, 0, config.maxPayloadFlits() + 1});
            }
            bad.add(new long[] {0, 0, 0}); // legal: must arrive at node 0
            Message msg = dut.sAxisReq[src].payload();
            for (long[] b : bad) {
                boolean legal = b[0] < config.k() && b[1] < config.m() && b[2] <= config.maxPayloadFlits();
                c.set(msg.destX, b[0]);
                c.set(msg.destY, b[1]);
                c.set(msg.length, b[2]);
                c.set(msg.tag, 5);
                c.set(dut.sAxisReq[src].valid(), true);
                c.tick();
                int guard = 0;
                while (!c.get(dut.sAxisReq[src].ready()) && ++guard < 100) {
                    c.tick();
                }
                boolean dropped = c.get(dut.droppedReq[src]);
                c.set(dut.sAxisReq[src].valid(), false);
                if (dropped == legal) {
                    faults.add("message to (" + b[0] + "," + b[1] + ") of length " + b[2] + ": dropped = " + dropped);
                }
                boolean arrived = false;
                for (int t = 0; t < 50; t++) {
                    c.tick();
                    for (int i = 0; i < n; i++) {
                        if (c.get(dut.mAxisReq[i].valid())) {
                            arrived = true;
                            if (!legal || i != 0) {
                                faults.add("message to (" + b[0] + "," + b[1] + ") of length " + b[2] + " came out at node " + i);
                            }
                        }
                    }
                }
                if (legal && !arrived) {
                    faults.add("the legal message after the illegal ones was not delivered");
                }
            }
        });
        return faults;
    }

    /** A packet waiting at its source, with its generation cycle. */
    private static final class Pending {
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

    private final class Run {
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
        private final long[] acceptedBySource = new long[config.nodes()];
        private long responses;
        private long lost;
        private boolean deadlock;
        private int maxQueue;
        private long outstandingMeasured;

        @SuppressWarnings("unchecked")
        Run(Traffic traffic, int seed) {
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
            return t.payload >= 0 ? t.payload : rng.nextInt(config.maxPayloadFlits() + 1);
        }

        private double meanFlits() {
            return t.payload >= 0 ? 1 + t.payload : 1 + config.maxPayloadFlits() / 2.0;
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
            tb = new Testbench<>(c, seed, new Failures(20, 100), t.watchdog);
            rng = tb.rng();
            for (int net = 0; net < 2; net++) {
                Stream<Message>[] in = net == REQ ? dut.sAxisReq : dut.sAxisResp;
                Stream<Message>[] out = net == REQ ? dut.mAxisReq : dut.mAxisResp;
                String name = net == REQ ? "req" : "resp";
                for (int i = 0; i < n; i++) {
                    Message inMsg = in[i].payload();
                    Message outMsg = out[i].payload();
                    drivers[net][i] = tb.driver(in[i], 0, p -> write(c, inMsg, p.packet), null);
                    sinks[net][i] = tb.monitor("m_axis_" + name + "[" + i + "]", out[i], t.ejectStall, () -> read(c, outMsg));
                }
            }
            long windowStart = t.warmup;
            long windowEnd = t.warmup + (long) t.measure;
            double pStart = Math.min(1.0, t.load / meanFlits());
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
                        sinks[net][i].drive(!(net == REQ && t.requestResponse && queue[RESP][i].size() >= t.responseLimit));
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
                if (tb.cycles() > windowEnd + t.drainLimit) {
                    tb.fail("drain: " + ref.outstanding() + " packets still in the network " + t.drainLimit
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
                    if (t.sourceQueue > 0 && queue[REQ][s].size() >= t.sourceQueue) {
                        continue;
                    }
                    int dst = t.pattern.destination(s, k, config.m(), rng);
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
                if (net == REQ && cycles > t.warmup && cycles <= t.warmup + (long) t.measure) {
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
            if (net == REQ && t.requestResponse) {
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
            double window = Math.max(1, t.measure) * (double) n;
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
                    java.util.Arrays.stream(acceptedBySource).min().orElse(0) / Math.max(1.0, t.measure));
        }
    }
}
