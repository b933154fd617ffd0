package org.chiltepin.verif.kvcache;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.hw.kvcache.KvCacheController;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.KvCacheReference.Command;
import org.chiltepin.verif.golden.KvCacheReference.Response;
import org.chiltepin.verif.golden.KvCacheReference.Result;

/**
 * Co-simulates the emitted {@link KvCacheController} (Verilator) against {@link KvCacheReference}.
 * A driver offers commands on {@code s_axis_cmd} with random idle cycles (an offered command stays
 * valid and unchanged until accepted; idle cycles carry random payload); the golden model applies
 * each command when it is offered, in order, and queues the expected response and gathered rows.
 * Monitors take {@code m_axis_rsp} and {@code m_axis_row} under independent random back-pressure;
 * the scoreboard compares every response field and every gathered value, checks {@code last}, and
 * checks that a stalled beat stays valid and unchanged. A watchdog fails a run that stops moving.
 */
public final class KvCacheHarness {
    private static final int MAX_REPORTED = 20;

    /**
     * Probability, each cycle, that the driver idles / that each sink refuses a beat / that the
     * AXI memory model (AXI backend only) refuses AR, AW or W; each read burst's data and each
     * write response come after a latency drawn uniformly from {@code memoryLatencyMin..Max}.
     */
    public record Stalls(double input, double response, double rows, double memory, int memoryLatencyMin,
            int memoryLatencyMax) {
        public static final Stalls NONE = new Stalls(0, 0, 0, 0, 1, 1);
        public static final Stalls RANDOM = new Stalls(0.3, 0.3, 0.3);

        public Stalls(double input, double response, double rows) {
            this(input, response, rows, rows, 1, 8);
        }
    }

    /** Where the next command comes from; it may look at the golden model's state. */
    public interface Source {
        /** The next command, or null when the run is over. */
        Command next(KvCacheReference model);

        static Source of(List<Command> commands) {
            var it = commands.iterator();
            return m -> it.hasNext() ? it.next() : null;
        }
    }

    /** Cycle stamps of one command (edges counted from the first command offered; -1: none). */
    public record Timing(Command command, Response response, long offered, long accepted, long firstRow, long lastRow,
            int rows) {
    }

    /**
     * Outcome of a run. {@code statusCounts[s]} counts responses with status s; {@code timings}
     * and {@code rows} (every gathered row as seen on the port, lanes only) are kept only when
     * the run was asked to record.
     */
    public record Report(int commands, long responses, long rowsCompared, long cycles, long failures,
            List<String> mismatches, long[] statusCounts, long[] opCounts, long copiesOnWrite, List<Timing> timings,
            List<long[]> rows) {
        public boolean passed() {
            return failures == 0;
        }
    }

    private final KvCacheConfig config;
    private final Simulation<KvCacheController> sim;

    private KvCacheHarness(KvCacheConfig config, Simulation<KvCacheController> sim) {
        this.config = config;
        this.sim = sim;
    }

    /** Elaborates and Verilates the controller for {@code config} in {@code workspace}. */
    public static KvCacheHarness compile(KvCacheConfig config, Path workspace, Simulation.Options options) {
        return new KvCacheHarness(config, Simulation.compile(() -> new KvCacheController(config), workspace, options));
    }

    public KvCacheConfig config() {
        return config;
    }

    /** A golden model with this configuration's geometry. */
    public KvCacheReference newModel() {
        return new KvCacheReference(config.pageTokens(), config.numPages(), config.maxSeqs(), config.maxPagesPerSeq(),
                config.lanes());
    }

    /** Runs the commands of {@code source} through one fresh simulation. */
    public Report run(Source source, int seed, Stalls stalls, boolean keepTimings) {
        Run run = new Run(source, seed, stalls, keepTimings);
        sim.run("kvcache_seed" + seed, seed, run::drive);
        List<Timing> timings = new ArrayList<>();
        for (Pending p : run.all) {
            timings.add(new Timing(p.command, p.expected.response(), p.offered, p.accepted, p.firstRow, p.lastRow,
                    p.rowsSeen));
        }
        return new Report(run.commands, run.responses, run.rowsCompared, run.cycles, run.failures,
                List.copyOf(run.messages), run.statusCounts, run.opCounts, run.copies, timings,
                run.seenRows);
    }

    public Report run(List<Command> commands, int seed, Stalls stalls) {
        return run(Source.of(commands), seed, stalls, false);
    }

    private static final class Pending {
        final int index;
        final Command command;
        final Result expected;
        long offered;
        long accepted = -1;
        long firstRow = -1;
        long lastRow = -1;
        int rowsSeen;

        Pending(int index, Command command, Result expected) {
            this.index = index;
            this.command = command;
            this.expected = expected;
        }
    }

    private record ExpectedRow(Pending owner, int index, byte[] data, boolean last) {
    }

    private final class Run {
        private final Source source;
        private final RandomGenerator rng;
        private final Stalls stalls;
        private final boolean keepTimings;
        private final KvCacheReference model = newModel();
        private final Deque<Pending> rspQueue = new ArrayDeque<>();
        private final Deque<ExpectedRow> rowQueue = new ArrayDeque<>();
        private final List<String> messages = new ArrayList<>();
        private final List<Pending> all = new ArrayList<>();
        private final List<long[]> seenRows = new ArrayList<>();
        private final long[] statusCounts = new long[16];
        private final long[] opCounts = new long[8];
        private int commands;
        private long copies;
        private long responses;
        private long rowsCompared;
        private long cycles;
        private long failures;

        Run(Source source, int seed, Stalls stalls, boolean keepTimings) {
            this.source = source;
            this.rng = new MersenneTwister(seed);
            this.stalls = stalls;
            this.keepTimings = keepTimings;
        }

        private void fail(String message) {
            failures++;
            if (messages.size() < MAX_REPORTED) {
                messages.add("cycle " + cycles + ": " + message);
            }
        }

        void drive(Simulation.Cycle<KvCacheController> sim) {
            KvCacheController dut = sim.dut();
            AxiMemoryModel memory = !config.axi() ? null : new AxiMemoryModel(AxiMemoryModel.Ports.of(dut.mAxi),
                    config.axiDataBits(), new MersenneTwister(rng.nextLong()), stalls.memory(),
                    stalls.memoryLatencyMin(), stalls.memoryLatencyMax(), this::fail);
            var cmd = dut.sAxisCmd;
            var rsp = dut.mAxisRsp;
            var row = dut.mAxisRow;
            int lanes = config.lanes();
            Pending offering = null;
            boolean exhausted = false;
            long[] stalledRsp = null;
            long[] stalledRow = null;
            long idle = 0;
            long started = -1;
            double worst = Math.max(stalls.input(), Math.max(stalls.response(), stalls.rows()));
            long watchdog = config.initCycles() + 8L * config.maxPagesPerSeq() + 4L * config.pageTokens() + 200
                    + (long) (60 / Math.max(0.01, 1 - worst)) + 4L * stalls.memoryLatencyMax()
                    + (long) (4 * config.pageTokens() / Math.max(0.01, 1 - stalls.memory()));
            int tail = 16;
            while (true) {
                if (offering == null && !exhausted && rng.nextDouble() >= stalls.input()) {
                    Command c = source.next(model);
                    if (c == null) {
                        exhausted = true;
                    } else {
                        int freeBefore = model.freePages();
                        boolean midPage = c.op() == KvCacheReference.OP_APPEND
                                && model.length(c.seq()) % model.pageTokens() != 0;
                        Result expected = model.apply(c);
                        if (midPage && expected.response().status() == KvCacheReference.OK
                                && expected.response().freePages() < freeBefore) {
                            copies++; // an append into a partly filled page that took a page: a copy
                        }
                        offering = new Pending(commands++, c, expected);
                        offering.offered = cycles;
                        if (started < 0) {
                            started = cycles;
                        }
                        rspQueue.add(offering);
                        if (keepTimings) {
                            all.add(offering);
                        }
                        List<byte[]> rows = expected.rows();
                        for (int i = 0; i < rows.size(); i++) {
                            rowQueue.add(new ExpectedRow(offering, i, rows.get(i), i == rows.size() - 1));
                        }
                        drive(sim, cmd.payload(), c, lanes);
                    }
                }
                if (offering == null) {
                    randomPayload(sim, cmd.payload(), lanes);
                }
                sim.set(cmd.valid(), offering != null);
                sim.set(rsp.ready(), rng.nextDouble() >= stalls.response());
                sim.set(row.ready(), rng.nextDouble() >= stalls.rows());
                if (memory != null) {
                    memory.drive();
                }
                sim.tick();
                cycles++;
                idle++;
                if (memory != null) {
                    memory.observe();
                    if (sim.get(dut.axiError)) {
                        fail("axi_error raised");
                        break;
                    }
                }

                if (offering != null && sim.get(cmd.ready())) {
                    offering.accepted = cycles;
                    offering = null;
                    idle = 0;
                }

                // Response monitor.
                boolean rv = sim.get(rsp.valid());
                long[] r = rv ? readResponse(sim, rsp.payload()) : null;
                if (stalledRsp != null && (!rv || !Arrays.equals(stalledRsp, r))) {
                    fail("protocol: m_axis_rsp beat changed or dropped while stalled");
                }
                stalledRsp = null;
                if (rv && sim.get(rsp.ready())) {
                    idle = 0;
                    checkResponse(r);
                } else if (rv) {
                    stalledRsp = r;
                }

                // Row monitor.
                boolean wv = sim.get(row.valid());
                long[] w = wv ? readRow(sim, row.payload(), lanes) : null;
                if (stalledRow != null && (!wv || !Arrays.equals(stalledRow, w))) {
                    fail("protocol: m_axis_row beat changed or dropped while stalled");
                }
                stalledRow = null;
                if (wv && sim.get(row.ready())) {
                    idle = 0;
                    checkRow(w, lanes);
                } else if (wv) {
                    stalledRow = w;
                }

                if (exhausted && offering == null && rspQueue.isEmpty() && rowQueue.isEmpty()
                        && (memory == null || !memory.busy())) {
                    if (--tail == 0) {
                        break;
                    }
                } else if (idle > watchdog) {
                    fail("watchdog: nothing moved for " + idle + " cycles (" + rspQueue.size()
                            + " responses and " + rowQueue.size() + " rows outstanding; next response due: "
                            + (rspQueue.isEmpty() ? "-" : rspQueue.peek().command) + ")");
                    break;
                }
                if (failures > 1000) {
                    break;
                }
            }
        }

        private void drive(Simulation.Cycle<KvCacheController> sim, KvCacheController.Command p, Command c, int lanes) {
            sim.set(p.op, c.op());
            sim.set(p.seq, c.seq());
            sim.set(p.kv, c.v());
            sim.set(p.first, c.first());
            sim.set(p.count, c.count());
            for (int i = 0; i < lanes; i++) {
                sim.set(p.k[i], c.k() != null ? c.k()[i] : rng.nextInt(256) - 128);
                sim.set(p.v[i], c.vRow() != null ? c.vRow()[i] : rng.nextInt(256) - 128);
            }
        }

        private void randomPayload(Simulation.Cycle<KvCacheController> sim, KvCacheController.Command p, int lanes) {
            sim.set(p.op, rng.nextInt(8));
            sim.set(p.seq, rng.nextInt(1 << config.seqBits()));
            sim.set(p.kv, rng.nextBoolean());
            sim.set(p.first, rng.nextInt(1 << config.lengthBits()));
            sim.set(p.count, rng.nextInt(1 << config.lengthBits()));
            for (int i = 0; i < lanes; i++) {
                sim.set(p.k[i], rng.nextInt(256) - 128);
                sim.set(p.v[i], rng.nextInt(256) - 128);
            }
        }

        private long[] readResponse(Simulation.Cycle<KvCacheController> sim, KvCacheController.Response p) {
            return new long[] {sim.get(p.status), sim.get(p.op), sim.get(p.seq), sim.get(p.length), sim.get(p.pages),
                sim.get(p.freePages), sim.get(p.highWater)};
        }

        private long[] readRow(Simulation.Cycle<KvCacheController> sim, KvCacheController.Row p, int lanes) {
            long[] w = new long[lanes + 1];
            for (int i = 0; i < lanes; i++) {
                w[i] = sim.get(p.data[i]);
            }
            w[lanes] = sim.get(p.last) ? 1 : 0;
            return w;
        }

        private void checkResponse(long[] r) {
            Pending p = rspQueue.poll();
            if (p == null) {
                fail("unexpected response " + Arrays.toString(r));
                return;
            }
            responses++;
            Response e = p.expected.response();
            long[] want = {e.status(), e.op(), e.seq(), e.length(), e.pages(), e.freePages(), e.highWater()};
            if (!Arrays.equals(want, r)) {
                fail("command #" + p.index + " " + p.command + ": response [status, op, seq, length, pages, free, "
                        + "high water] expected " + Arrays.toString(want) + ", got " + Arrays.toString(r));
            }
            statusCounts[(int) r[0]]++;
            opCounts[p.command.op()]++;
        }

        private void checkRow(long[] w, int lanes) {
            ExpectedRow e = rowQueue.poll();
            if (e == null) {
                fail("unexpected gathered row " + Arrays.toString(w) + " (no gather asked for it)");
                return;
            }
            rowsCompared++;
            if (keepTimings) {
                seenRows.add(Arrays.copyOf(w, lanes));
            }
            Pending p = e.owner();
            if (p.firstRow < 0) {
                p.firstRow = cycles;
            }
            p.lastRow = cycles;
            p.rowsSeen++;
            for (int i = 0; i < lanes; i++) {
                if (w[i] != e.data()[i]) {
                    fail("command #" + p.index + " " + p.command + " row " + e.index() + " lane " + i + ": expected "
                            + e.data()[i] + ", got " + w[i]);
                    break;
                }
            }
            if ((w[lanes] == 1) != e.last()) {
                fail("command #" + p.index + " " + p.command + " row " + e.index() + ": last = " + (w[lanes] == 1));
            }
        }
    }
}
