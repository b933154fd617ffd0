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
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.Harness;
import org.chiltepin.verif.sim.HarnessReport;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;

/**
 * Co-simulates the emitted {@link KvCacheController} (Verilator) against {@link KvCacheReference}.
 * A driver offers commands on {@code s_axis_cmd} with random idle cycles (an offered command stays
 * valid and unchanged until accepted; idle cycles carry random payload); the golden model applies
 * each command when it is offered, in order, and queues the expected response and gathered rows.
 * Monitors take {@code m_axis_rsp} and {@code m_axis_row} under independent random back-pressure;
 * the scoreboard compares every response field and every gathered value, checks {@code last}, and
 * checks that a stalled beat stays valid and unchanged. A watchdog fails a run that stops moving.
 */
public final class KvCacheHarness extends Harness<KvCacheConfig, KvCacheController> {
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
            List<long[]> rows) implements HarnessReport {
    }

    /** Elaborates and Verilates the controller for {@code config} in {@code workspace}. */
    public static KvCacheHarness compile(KvCacheConfig config, Path workspace, Simulation.Options options) {
        return new KvCacheHarness(config, workspace, options);
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
        return run.report();
    }

    public Report run(List<Command> commands, int seed, Stalls stalls) {
        return run(Source.of(commands), seed, stalls, false);
    }

    private KvCacheHarness(KvCacheConfig config, Path workspace, Simulation.Options options) {
        super(config, KvCacheController::new, workspace, options);
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
        private final int seed;
        private final Stalls stalls;
        private final boolean keepTimings;
        private final KvCacheReference model = newModel();
        private final Deque<Pending> rspQueue = new ArrayDeque<>();
        private final Deque<ExpectedRow> rowQueue = new ArrayDeque<>();
        private final List<Pending> all = new ArrayList<>();
        private final List<long[]> seenRows = new ArrayList<>();
        private final long[] statusCounts = new long[16];
        private final long[] opCounts = new long[8];
        private Testbench<KvCacheController> tb;
        private RandomGenerator rng;
        private boolean exhausted;
        private int commands;
        private long copies;
        private long responses;
        private long rowsCompared;

        Run(Source source, int seed, Stalls stalls, boolean keepTimings) {
            this.source = source;
            this.seed = seed;
            this.stalls = stalls;
            this.keepTimings = keepTimings;
        }

        private void fail(String message) {
            tb.fail(message);
        }

        Report report() {
            List<Timing> timings = new ArrayList<>();
            for (Pending p : all) {
                timings.add(new Timing(p.command, p.expected.response(), p.offered, p.accepted, p.firstRow, p.lastRow,
                        p.rowsSeen));
            }
            return new Report(commands, responses, rowsCompared, tb.cycles(), tb.failures().count(), tb.failures().first(),
                    statusCounts, opCounts, copies, timings, seenRows);
        }

        /** The longest legitimate silence: setup, a long gather or copy, a long stall streak, slow memory. */
        private long watchdogLimit() {
            double worst = Math.max(stalls.input(), Math.max(stalls.response(), stalls.rows()));
            return config.initCycles() + 8L * config.maxPagesPerSeq() + 4L * config.pageTokens() + 200
                    + (long) (60 / Math.max(0.01, 1 - worst)) + 4L * stalls.memoryLatencyMax()
                    + (long) (4 * config.pageTokens() / Math.max(0.01, 1 - stalls.memory()));
        }

        /** The next command from the source, applied to the golden model as it is offered; null once exhausted. */
        private Pending next() {
            Command c = exhausted ? null : source.next(model);
            if (c == null) {
                exhausted = true;
                return null;
            }
            int freeBefore = model.freePages();
            boolean midPage = c.op() == KvCacheReference.OP_APPEND && model.length(c.seq()) % model.pageTokens() != 0;
            Result expected = model.apply(c);
            if (midPage && expected.response().status() == KvCacheReference.OK && expected.response().freePages() < freeBefore) {
                copies++; // an append into a partly filled page that took a page: a copy
            }
            Pending p = new Pending(commands++, c, expected);
            p.offered = tb.cycles();
            rspQueue.add(p);
            if (keepTimings) {
                all.add(p);
            }
            List<byte[]> rows = expected.rows();
            for (int i = 0; i < rows.size(); i++) {
                rowQueue.add(new ExpectedRow(p, i, rows.get(i), i == rows.size() - 1));
            }
            return p;
        }

        void drive(Simulation.Cycle<KvCacheController> sim) {
            KvCacheController dut = sim.dut();
            tb = new Testbench<>(sim, seed, new Failures(MAX_REPORTED, 1000), watchdogLimit());
            rng = tb.rng();
            AxiMemoryModel memory = !config.axi() ? null : new AxiMemoryModel(AxiMemoryModel.Ports.of(dut.mAxi),
                    config.axiDataBits(), new MersenneTwister(rng.nextLong()), stalls.memory(),
                    stalls.memoryLatencyMin(), stalls.memoryLatencyMax(), this::fail);
            int lanes = config.lanes();
            var cmd = dut.sAxisCmd;
            StreamDriver<Pending> driver = tb.driver(cmd, stalls.input(), p -> drive(sim, cmd.payload(), p.command, lanes),
                    () -> randomPayload(sim, cmd.payload(), lanes));
            StreamMonitor rsp = tb.monitor("m_axis_rsp", dut.mAxisRsp, stalls.response(),
                    () -> readResponse(sim, dut.mAxisRsp.payload()));
            StreamMonitor row = tb.monitor("m_axis_row", dut.mAxisRow, stalls.rows(),
                    () -> readRow(sim, dut.mAxisRow.payload(), lanes));
            int tail = 16;
            while (true) {
                driver.drive(this::next);
                rsp.drive();
                row.drive();
                if (memory != null) {
                    memory.drive();
                }
                tb.tick();
                if (memory != null) {
                    memory.observe();
                    if (sim.get(dut.axiError)) {
                        fail("axi_error raised");
                        break;
                    }
                }
                Pending accepted = driver.sample();
                if (accepted != null) {
                    accepted.accepted = tb.cycles();
                }
                long[] r = rsp.sample();
                if (r != null) {
                    checkResponse(r);
                }
                long[] w = row.sample();
                if (w != null) {
                    checkRow(w, lanes);
                }
                if (exhausted && driver.offered() == null && rspQueue.isEmpty() && rowQueue.isEmpty()
                        && (memory == null || !memory.busy())) {
                    if (--tail == 0) {
                        break;
                    }
                } else if (tb.timedOut(() -> rspQueue.size() + " responses and " + rowQueue.size()
                        + " rows outstanding; next response due: " + (rspQueue.isEmpty() ? "-" : rspQueue.peek().command))) {
                    break;
                }
                if (tb.failures().tooMany()) {
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
                p.firstRow = tb.cycles();
            }
            p.lastRow = tb.cycles();
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
