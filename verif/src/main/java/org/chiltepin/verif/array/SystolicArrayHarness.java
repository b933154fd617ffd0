package org.chiltepin.verif.array;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.array.ArrayConfig;
import org.chiltepin.hw.array.SystolicArray;
import org.chiltepin.verif.golden.MatMulReference;
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.Harness;
import org.chiltepin.verif.sim.HarnessReport;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;

/**
 * Co-simulates the emitted {@link SystolicArray} (Verilator) against {@link MatMulReference},
 * on the {@link Testbench} core: a {@link StreamDriver} streams each case's K beats into
 * {@code s_axis} with random idle cycles (random payload while idle), a {@link StreamMonitor}
 * takes result rows from {@code m_axis} under random back-pressure and checks that a stalled row
 * is held, and a scoreboard compares every row bit for bit. The watchdog fails the run when
 * nothing moves for too long.
 */
public final class SystolicArrayHarness extends Harness<ArrayConfig, SystolicArray> {
    /** At most this many mismatch descriptions are kept in a report. */
    private static final int MAX_REPORTED = 20;

    /** Probability, each cycle, that the driver idles / that the sink refuses a row. */
    public record Stalls(double input, double output) {
        public static final Stalls NONE = new Stalls(0, 0);
        public static final Stalls RANDOM = new Stalls(0.3, 0.3);
    }

    /**
     * Outcome of one run. {@code mismatches} holds the first few failures, described;
     * {@code refusedCycles} counts cycles in which a beat was offered but not accepted.
     */
    public record Report(int cases, long rowsCompared, long cycles, long refusedCycles, long failures,
            List<String> mismatches) implements HarnessReport {
    }

    /** Elaborates and Verilates the array for {@code config} in {@code workspace}. */
    public static SystolicArrayHarness compile(ArrayConfig config, Path workspace, Simulation.Options options) {
        return new SystolicArrayHarness(config, workspace, options);
    }

    /** Runs {@code cases} back to back through one simulation; {@code seed} drives the stalls. */
    public Report run(List<MatMulCase> cases, int seed, Stalls stalls) {
        Run run = new Run(cases, seed, stalls);
        sim.run("array_seed" + seed, seed, run::drive);
        return run.report();
    }

    private SystolicArrayHarness(ArrayConfig config, Path workspace, Simulation.Options options) {
        super(config, SystolicArray::new, workspace, options);
    }

    /** One expected result row. */
    private record Expected(MatMulCase source, int row, long[] values) {
    }

    /** One beat of {@code s_axis}: column k of A, row k of B, last on the case's K-th beat. */
    private record Beat(MatMulCase source, int k) {
    }

    private final class Run {
        private final List<MatMulCase> cases;
        private final int seed;
        private final Stalls stalls;
        private final Deque<Expected> expected = new ArrayDeque<>();
        private Testbench<SystolicArray> tb;
        private long rowsCompared;
        private long refused;
        private int caseIndex;
        private int k;

        Run(List<MatMulCase> cases, int seed, Stalls stalls) {
            this.cases = cases;
            this.seed = seed;
            this.stalls = stalls;
            for (MatMulCase c : cases) {
                long[][] result = MatMulReference.multiply(c.a(), c.b(), config.inputWidth(), config.accWidth());
                for (int i = 0; i < result.length; i++) {
                    expected.add(new Expected(c, i, result[i]));
                }
            }
        }

        Report report() {
            return new Report(cases.size(), rowsCompared, tb.cycles(), refused, tb.failures().count(), tb.failures().first());
        }

        /** The next beat of the case stream, or null after the last case. */
        private Beat next() {
            if (caseIndex == cases.size()) {
                return null;
            }
            Beat b = new Beat(cases.get(caseIndex), k);
            if (++k == b.source().k()) {
                k = 0;
                caseIndex++;
            }
            return b;
        }

        void drive(Simulation.Cycle<SystolicArray> sim) {
            int rows = config.rows();
            int cols = config.cols();
            // Nothing should take longer than a tile's drain plus a long stall streak.
            long watchdog = 200L + 4L * (rows + cols) + (long) (50 / Math.max(0.01, 1 - Math.max(stalls.input(), stalls.output())));
            tb = new Testbench<>(sim, seed, new Failures(MAX_REPORTED, 1000), watchdog);
            var in = sim.dut().sAxis;
            var out = sim.dut().mAxis;
            StreamDriver<Beat> driver = tb.driver(in, stalls.input(), b -> {
                for (int i = 0; i < rows; i++) {
                    sim.set(in.payload().a[i], b.source().a()[i][b.k()]);
                }
                for (int j = 0; j < cols; j++) {
                    sim.set(in.payload().b[j], b.source().b()[b.k()][j]);
                }
                sim.set(in.payload().last, b.k() == b.source().k() - 1);
            }, () -> {
                // Idle: random payload, which the array must ignore.
                for (int i = 0; i < rows; i++) {
                    sim.set(in.payload().a[i], randomElement());
                }
                for (int j = 0; j < cols; j++) {
                    sim.set(in.payload().b[j], randomElement());
                }
                sim.set(in.payload().last, tb.rng().nextBoolean());
            });
            StreamMonitor monitor = tb.monitor("m_axis", out, stalls.output(), () -> {
                long[] row = new long[cols + 1];
                for (int j = 0; j < cols; j++) {
                    row[j] = sim.get(out.payload().c[j]);
                }
                row[cols] = sim.get(out.payload().last) ? 1 : 0;
                return row;
            });
            int tail = 2 * (rows + cols) + 4;
            while (true) {
                driver.drive(this::next);
                monitor.drive();
                tb.tick();
                driver.sample();
                long[] row = monitor.sample();
                if (row != null) {
                    check(row);
                }
                if (driver.offered() == null && caseIndex == cases.size() && expected.isEmpty()) {
                    if (--tail == 0) {
                        break;
                    }
                } else if (tb.timedOut(() -> expected.size() + " rows outstanding")) {
                    break;
                }
                if (tb.failures().tooMany()) {
                    break;
                }
            }
            refused = driver.refused();
        }

        private void check(long[] row) {
            int cols = config.cols();
            Expected e = expected.poll();
            if (e == null) {
                tb.fail("unexpected result row " + Arrays.toString(row) + " after all cases completed");
                return;
            }
            rowsCompared++;
            for (int j = 0; j < cols; j++) {
                if (row[j] != e.values()[j]) {
                    tb.fail("case '" + e.source().name() + "' C[" + e.row() + "][" + j + "]: expected " + e.values()[j]
                            + ", got " + row[j]);
                }
            }
            boolean lastExpected = e.row() == config.rows() - 1;
            if ((row[cols] == 1) != lastExpected) {
                tb.fail("case '" + e.source().name() + "' row " + e.row() + ": m_axis_payload_last = " + (row[cols] == 1)
                        + ", expected " + lastExpected);
            }
        }

        private int randomElement() {
            int span = 1 << config.inputWidth();
            return tb.rng().nextInt(span) - span / 2;
        }
    }
}
