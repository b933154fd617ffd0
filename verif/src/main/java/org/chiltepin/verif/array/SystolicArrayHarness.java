package org.chiltepin.verif.array;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.array.ArrayConfig;
import org.chiltepin.hw.array.SystolicArray;
import org.chiltepin.verif.golden.MatMulReference;

/**
 * Co-simulates the emitted {@link SystolicArray} (Verilator) against {@link MatMulReference}:
 * a driver streams each case's K beats into {@code s_axis} with random idle cycles, a monitor
 * takes result rows from {@code m_axis} under random back-pressure, and a scoreboard compares
 * every row bit for bit and checks the stream protocol (a stalled {@code m_axis} beat must stay
 * valid and unchanged). A watchdog fails the run when nothing moves for too long.
 */
public final class SystolicArrayHarness {
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
            List<String> mismatches) {
        public boolean passed() {
            return failures == 0;
        }
    }

    private final ArrayConfig config;
    private final Simulation<SystolicArray> sim;

    private SystolicArrayHarness(ArrayConfig config, Simulation<SystolicArray> sim) {
        this.config = config;
        this.sim = sim;
    }

    /** Elaborates and Verilates the array for {@code config} in {@code workspace}. */
    public static SystolicArrayHarness compile(ArrayConfig config, Path workspace, Simulation.Options options) {
        return new SystolicArrayHarness(config, Simulation.compile(() -> new SystolicArray(config), workspace, options));
    }

    public ArrayConfig config() {
        return config;
    }

    /** Runs {@code cases} back to back through one simulation; {@code seed} drives the stalls. */
    public Report run(List<MatMulCase> cases, int seed, Stalls stalls) {
        Run run = new Run(cases, seed, stalls);
        sim.run("array_seed" + seed, seed, run::drive);
        return new Report(cases.size(), run.rowsCompared, run.cycles, run.refused, run.failures,
                List.copyOf(run.messages));
    }

    /** One expected result row. */
    private record Expected(MatMulCase source, int row, long[] values) {
    }

    private final class Run {
        private final List<MatMulCase> cases;
        private final RandomGenerator rng;
        private final Stalls stalls;
        private final Deque<Expected> expected = new ArrayDeque<>();
        private final List<String> messages = new ArrayList<>();
        private long rowsCompared;
        private long cycles;
        private long failures;
        private long refused;

        Run(List<MatMulCase> cases, int seed, Stalls stalls) {
            this.cases = cases;
            this.rng = new MersenneTwister(seed);
            this.stalls = stalls;
            for (MatMulCase c : cases) {
                long[][] result = MatMulReference.multiply(c.a(), c.b(), config.inputWidth(), config.accWidth());
                for (int i = 0; i < result.length; i++) {
                    expected.add(new Expected(c, i, result[i]));
                }
            }
        }

        private void fail(String message) {
            failures++;
            if (messages.size() < MAX_REPORTED) {
                messages.add(message);
            }
        }

        void drive(Simulation.Cycle<SystolicArray> sim) {
            SystolicArray dut = sim.dut();
            var in = dut.sAxis;
            var out = dut.mAxis;
            int rows = config.rows();
            int cols = config.cols();
            int caseIndex = 0;
            int k = 0;
            boolean offering = false;
            long[] stalledRow = null;
            long idle = 0;
            // Nothing should take longer than a tile's drain plus a long stall streak.
            long watchdog = 200L + 4L * (rows + cols) + (long) (50 / Math.max(0.01, 1 - Math.max(stalls.input(), stalls.output())));
            int tail = 2 * (rows + cols) + 4;
            while (true) {
                // Driver: a beat once offered stays valid and unchanged until accepted.
                if (!offering && caseIndex < cases.size() && rng.nextDouble() >= stalls.input()) {
                    offering = true;
                    MatMulCase c = cases.get(caseIndex);
                    for (int i = 0; i < rows; i++) {
                        sim.set(in.payload().a[i], c.a()[i][k]);
                    }
                    for (int j = 0; j < cols; j++) {
                        sim.set(in.payload().b[j], c.b()[k][j]);
                    }
                    sim.set(in.payload().last, k == c.k() - 1);
                } else if (!offering) {
                    // Idle: random payload, which the array must ignore.
                    for (int i = 0; i < rows; i++) {
                        sim.set(in.payload().a[i], randomElement());
                    }
                    for (int j = 0; j < cols; j++) {
                        sim.set(in.payload().b[j], randomElement());
                    }
                    sim.set(in.payload().last, rng.nextBoolean());
                }
                sim.set(in.valid(), offering);
                sim.set(out.ready(), rng.nextDouble() >= stalls.output());
                sim.tick();
                cycles++;
                idle++;

                if (offering && !sim.get(in.ready())) {
                    refused++;
                } else if (offering) {
                    offering = false;
                    idle = 0;
                    if (++k == cases.get(caseIndex).k()) {
                        k = 0;
                        caseIndex++;
                    }
                }
                boolean outValid = sim.get(out.valid());
                long[] row = null;
                if (outValid) {
                    row = new long[cols];
                    for (int j = 0; j < cols; j++) {
                        row[j] = sim.get(out.payload().c[j]);
                    }
                }
                if (stalledRow != null && (!outValid || !Arrays.equals(stalledRow, row))) {
                    fail("protocol: m_axis beat changed or dropped while stalled at cycle " + cycles);
                }
                stalledRow = null;
                if (outValid && sim.get(out.ready())) {
                    idle = 0;
                    check(row, sim.get(out.payload().last));
                } else if (outValid) {
                    stalledRow = row;
                }

                boolean inputDone = caseIndex == cases.size();
                if (inputDone && expected.isEmpty()) {
                    if (--tail == 0) {
                        break;
                    }
                } else if (idle > watchdog) {
                    fail("watchdog: no beat accepted and no row produced for " + idle + " cycles at cycle " + cycles
                            + " (" + expected.size() + " rows outstanding)");
                    break;
                }
                if (failures > 1000) {
                    break;
                }
            }
        }

        private void check(long[] row, boolean last) {
            Expected e = expected.poll();
            if (e == null) {
                fail("unexpected result row " + Arrays.toString(row) + " after all cases completed");
                return;
            }
            rowsCompared++;
            for (int j = 0; j < row.length; j++) {
                if (row[j] != e.values()[j]) {
                    fail("case '" + e.source().name() + "' C[" + e.row() + "][" + j + "]: expected " + e.values()[j]
                            + ", got " + row[j]);
                }
            }
            boolean lastExpected = e.row() == config.rows() - 1;
            if (last != lastExpected) {
                fail("case '" + e.source().name() + "' row " + e.row() + ": m_axis_payload_last = " + last
                        + ", expected " + lastExpected);
            }
        }

        private int randomElement() {
            int span = 1 << config.inputWidth();
            return rng.nextInt(span) - span / 2;
        }
    }
}
