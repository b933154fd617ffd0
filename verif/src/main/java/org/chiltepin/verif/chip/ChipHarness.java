package org.chiltepin.verif.chip;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.chip.Chip;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.hw.chip.ControlTile;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.verif.gemm.GemmHarness;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.ChipReference.Response;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.kvcache.AxiMemoryModel;
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.Harness;
import org.chiltepin.verif.sim.HarnessReport;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;

/**
 * Co-simulates the emitted {@link Chip} (Verilator) against {@link ChipReference}. A program is a
 * list of phases; the host driver offers a phase's commands on {@code s_axis_cmd} with random idle
 * cycles and starts the next phase once every response of this one is in (the barrier a host
 * keeps between DMA moves that depend on each other, docs/chip.md §3). Responses are taken under
 * random back-pressure and matched by (node, tag) with every field compared (a tag may repeat on
 * a node when the two commands cannot be in flight together, e.g. 256 commands apart: then in
 * program order); external memory is
 * an {@link AxiMemoryModel} with random stalls, latency and an optional bandwidth limit, and at
 * the end every memory word is compared with the golden model's. A watchdog fails a run in which
 * nothing moves (neither a host beat nor a memory beat) for too long.
 */
public final class ChipHarness extends Harness<ChipConfig, Chip> {
    private static final int MAX_REPORTED = 20;
    /** What the memory model returns for never-written words (0xA5 bytes). */
    public static final long FRESH = 0xA5A5A5A5A5A5A5A5L;

    /**
     * Probabilities that the host driver idles / the response sink refuses / the memory refuses
     * AR, AW or W in a cycle; memory latency range in cycles; memory bandwidth in bytes per cycle
     * (0: unlimited, one 8-byte beat per cycle each way).
     */
    public record Stalls(double host, double response, double memory, int latencyMin, int latencyMax,
            double bytesPerCycle) {
        public static final Stalls NONE = new Stalls(0, 0, 0, 1, 1, 0);
        public static final Stalls RANDOM = new Stalls(0.3, 0.3, 0.2, 1, 12, 0);
    }

    /**
     * Outcome of a run: counts compared, cycles, failures, statuses, memory traffic, and the cycle
     * of the last response (the program's run time: commands start at cycle 0).
     */
    public record Report(int commands, long responses, long wordsCompared, long cycles, long failures,
            List<String> mismatches, long[] statusCounts, long bytesRead, long bytesWritten, long lastResponse)
            implements HarnessReport {
    }

    public static ChipHarness compile(ChipConfig config, Path workspace, Simulation.Options options) {
        return new ChipHarness(config, workspace, options);
    }

    private ChipHarness(ChipConfig config, Path workspace, Simulation.Options options) {
        super(config, Chip::new, workspace, options);
    }

    /** The golden model's view of a chip configuration. */
    public static ChipReference.Params params(ChipConfig c) {
        GemmConfig g = c.gemm();
        KvCacheConfig kv = c.kv();
        return new ChipReference.Params(c.nodes(), new HashSet<>(c.gemmNodes()),
                GemmHarness.params(g),
                c.memWords(), c.hasKv() ? c.node(ChipConfig.TileKind.KV) : -1, c.hasKv()
                        ? new ChipReference.KvParams(kv.pageTokens(), kv.numPages(), kv.maxSeqs(), kv.maxPagesPerSeq(),
                                kv.lanes(), kv.seqBits(), kv.lengthBits())
                        : null,
                c.hasVector() ? c.node(ChipConfig.TileKind.VECTOR) : -1,
                c.hasVector() ? new ChipReference.VectorParams(c.vector().lanes(), c.vector().words()) : null);
    }

    /** Runs {@code phases} on a fresh simulation whose external memory starts as {@code memory}. */
    public Report run(List<List<HostCommand>> phases, long[] memory, int seed, Stalls stalls) {
        Run run = new Run(phases, memory, seed, stalls);
        sim.run("chip_seed" + seed, seed, run::drive);
        return run.report;
    }

    private record Key(int node, int tag) {
    }

    private final class Run {
        private final List<List<HostCommand>> phases;
        private final long[] initial;
        private final int seed;
        private final Stalls stalls;
        private final ChipReference model;
        /** Per phase, the responses still due by (node, tag), in program order. */
        private final List<Map<Key, Deque<Response>>> expected = new ArrayList<>();
        private final List<Integer> due = new ArrayList<>();
        private final long[] statusCounts = new long[16];
        private Testbench<Chip> tb;
        private int phase;
        private int offered;
        private int commands;
        private long responses;
        private long lastResponse;
        private Report report;
        private final int kvNode = config.hasKv() ? config.node(ChipConfig.TileKind.KV) : -1;
        private final int vectorNode = config.hasVector() ? config.node(ChipConfig.TileKind.VECTOR) : -1;

        Run(List<List<HostCommand>> phases, long[] memory, int seed, Stalls stalls) {
            this.phases = phases;
            this.initial = memory;
            this.seed = seed;
            this.stalls = stalls;
            model = new ChipReference(params(config), memory);
            for (List<HostCommand> ph : phases) {
                int before = model.responses().size();
                model.run(ph);
                Map<Key, Deque<Response>> want = new HashMap<>();
                for (Response r : model.responses().subList(before, model.responses().size())) {
                    want.computeIfAbsent(new Key(r.node(), r.tag()), x -> new ArrayDeque<>()).add(r);
                }
                expected.add(want);
                due.add(model.responses().size() - before);
            }
        }

        /** Cycles of the longest COMPUTE in the program (passes × K), when nothing else may move. */
        private long longestCompute() {
            GemmReference.Params g = params(config).gemm();
            long longest = 0;
            for (List<HostCommand> ph : phases) {
                for (HostCommand c : ph) {
                    if (c.cmd() != null && c.cmd().opcode() == GemmReference.COMPUTE) {
                        long passes = (long) ((c.cmd().count() + g.rows() - 1) / g.rows()) * ((c.cmd().n() + g.cols() - 1) / g.cols());
                        longest = Math.max(longest, passes * c.cmd().k());
                    }
                }
            }
            return longest;
        }

        private HostCommand next() {
            while (phase < phases.size() && offered == phases.get(phase).size() && due.get(phase) == 0) {
                phase++;
                offered = 0;
            }
            if (phase >= phases.size() || offered == phases.get(phase).size()) {
                return null;
            }
            commands++;
            return phases.get(phase).get(offered++);
        }

        void drive(Simulation.Cycle<Chip> sim) {
            Chip dut = sim.dut();
            long limit = 4000 + 40L * stalls.latencyMax() + (long) (400 / Math.max(0.05, 1 - stalls.memory()))
                    + longestCompute();
            tb = new Testbench<>(sim, seed, new Failures(MAX_REPORTED, 1000), limit);
            AxiMemoryModel memory = new AxiMemoryModel(AxiMemoryModel.Ports.of(dut.mAxi), ChipConfig.FLIT_WIDTH,
                    new MersenneTwister(tb.rng().nextLong()), stalls.memory(), stalls.latencyMin(), stalls.latencyMax(),
                    tb::fail);
            if (stalls.bytesPerCycle() > 0) {
                memory.limitBandwidth(stalls.bytesPerCycle());
            }
            for (int i = 0; i < initial.length; i++) {
                if (initial[i] != FRESH) {
                    memory.put(8L * i, unsigned(initial[i]));
                }
            }
            ControlTile.HostCommand p = dut.sAxisCmd.payload();
            StreamDriver<HostCommand> driver = tb.driver(dut.sAxisCmd, stalls.host(), c -> {
                sim.set(p.node, c.node());
                sim.set(p.memAddr, c.memAddr());
                sim.set(p.cmd, c.word());
            }, () -> {
                sim.set(p.node, tb.rng().nextInt(256));
                sim.set(p.memAddr, tb.rng().nextInt() & 0xFFFFFFFFL);
                sim.set(p.cmd, new BigInteger(128, new java.util.Random(tb.rng().nextLong())));
            });
            ControlTile.HostResponse q = dut.mAxisResp.payload();
            StreamMonitor rsp = tb.monitor("m_axis_resp", dut.mAxisResp, stalls.response(),
                    () -> new long[] {sim.get(q.node), sim.get(q.tag), sim.get(q.opcode), sim.get(q.status), sim.get(q.value)});
            int tail = 32;
            long moved = 0;
            while (true) {
                driver.drive(this::next);
                rsp.drive();
                memory.drive();
                tb.tick();
                memory.observe();
                if (memory.bytesRead() + memory.bytesWritten() != moved) {
                    moved = memory.bytesRead() + memory.bytesWritten();
                    tb.progress();
                }
                driver.sample();
                long[] r = rsp.sample();
                if (r != null) {
                    check(r);
                }
                boolean done = phase >= phases.size() || phase == phases.size() - 1
                        && offered == phases.get(phase).size() && due.get(phase) == 0;
                if (done && driver.offered() == null && !memory.busy()) {
                    if (--tail == 0) {
                        break;
                    }
                } else if (tb.timedOut(() -> "phase " + phase + ": " + (phase < expected.size()
                        ? due.get(phase) + " responses outstanding, e.g. " + expected.get(phase).values().stream()
                                .filter(d -> !d.isEmpty()).findFirst()
                        : "-"))) {
                    break;
                }
                if (tb.failures().tooMany()) {
                    break;
                }
            }
            // Every word: a word the RTL never wrote and the model left fresh is equal, so only the
            // words written on either side are looked up.
            long[] want = model.memory();
            java.util.BitSet check = new java.util.BitSet(want.length);
            for (int i = 0; i < want.length; i++) {
                if (want[i] != FRESH) {
                    check.set(i);
                }
            }
            memory.forEachWritten(a -> {
                if (a >= 0 && a / 8 < want.length) {
                    check.set((int) (a / 8));
                }
            });
            for (int i = check.nextSetBit(0); i >= 0 && !tb.failures().tooMany(); i = check.nextSetBit(i + 1)) {
                long got = memory.peek(8L * i).longValue();
                if (got != want[i]) {
                    tb.fail("memory word " + i + ": expected 0x" + Long.toHexString(want[i]) + ", got 0x"
                            + Long.toHexString(got));
                }
            }
            long compared = want.length;
            report = new Report(commands, responses, compared, tb.cycles(), tb.failures().count(), tb.failures().first(),
                    statusCounts, memory.bytesRead(), memory.bytesWritten(), lastResponse);
        }

        private void check(long[] r) {
            Map<Key, Deque<Response>> want = phase < expected.size() ? expected.get(phase) : Map.of();
            Deque<Response> q = want.get(new Key((int) r[0], (int) r[1]));
            Response e = q == null ? null : q.poll();
            if (e == null) {
                tb.fail("unexpected response [node, tag, opcode, status, value] " + java.util.Arrays.toString(r)
                        + " in phase " + phase);
                return;
            }
            responses++;
            lastResponse = tb.cycles();
            due.set(phase, due.get(phase) - 1);
            statusCounts[(int) r[3]]++;
            boolean counter = e.opcode() == GemmReference.READ_COUNTER && e.status() == GemmReference.OK
                    && e.node() != kvNode && e.node() != vectorNode;
            long value = counter ? r[4] : e.value();
            long[] w = {e.node(), e.tag(), e.opcode(), e.status(), value};
            if (!java.util.Arrays.equals(w, r)) {
                tb.fail("response [node, tag, opcode, status, value]: expected " + java.util.Arrays.toString(w) + ", got "
                        + java.util.Arrays.toString(r));
            }
        }
    }

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v);
        return v >= 0 ? b : b.add(TWO_64);
    }
}
