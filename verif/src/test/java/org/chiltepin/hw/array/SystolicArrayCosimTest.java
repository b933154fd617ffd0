package org.chiltepin.hw.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.math3.random.MersenneTwister;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.array.MatMulCase;
import org.chiltepin.verif.array.MatMulCases;
import org.chiltepin.verif.array.SystolicArrayHarness;
import org.chiltepin.verif.array.SystolicArrayHarness.Report;
import org.chiltepin.verif.array.SystolicArrayHarness.Stalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The emitted array, Verilated, against the golden model, bit for bit. */
class SystolicArrayCosimTest {
    private static final Path WORK = Path.of("target", "sim");
    private static final Map<ArrayConfig, SystolicArrayHarness> COMPILED = new HashMap<>();

    static SystolicArrayHarness harness(ArrayConfig config) {
        return COMPILED.computeIfAbsent(config,
                c -> SystolicArrayHarness.compile(c, WORK, Simulation.Options.DEFAULT));
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new ArrayConfig(1, 1, 8, 32)),
                Arguments.of(new ArrayConfig(2, 2, 8, 32)),
                Arguments.of(new ArrayConfig(4, 4, 8, 32)),
                Arguments.of(new ArrayConfig(8, 8, 8, 32)),
                Arguments.of(new ArrayConfig(3, 5, 8, 32)),
                Arguments.of(new ArrayConfig(16, 16, 8, 32)),
                // 18-bit accumulators: the edge cases reach and pass the limit at K = 8.
                Arguments.of(new ArrayConfig(2, 3, 8, 18)));
    }

    private static void assertPassed(Report r, ArrayConfig config, String what) {
        assertTrue(r.passed(), config + " " + what + ": " + r.failures() + " failures, first: " + r.mismatches());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void randomAndEdgeTilesWithRandomStallsMatchTheGoldenModel(ArrayConfig config) {
        MatMulCases gen = new MatMulCases(config.rows(), config.cols(), config.inputWidth());
        List<MatMulCase> cases = new ArrayList<>(gen.edges(config.accWidth(), 64));
        cases.addAll(gen.random(config.rows() * 100L + config.cols(), 30, 3 * config.tileSpacing() + 2));
        Report r = harness(config).run(cases, 1, Stalls.RANDOM);
        assertPassed(r, config, "random stalls");
        assertEquals((long) cases.size() * config.rows(), r.rowsCompared());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void longTilesStreamBackToBackAtOneBeatPerCycle(ArrayConfig config) {
        MatMulCases gen = new MatMulCases(config.rows(), config.cols(), config.inputWidth());
        // K = max(rows, cols): the shortest tile that never needs a gap.
        List<MatMulCase> cases = gen.randomFixedK(2, 6, config.tileSpacing());
        Report r = harness(config).run(cases, 2, Stalls.NONE);
        assertPassed(r, config, "no stalls");
        assertEquals(0, r.refusedCycles(), "no beat refused when K >= max(rows, cols) and the sink is always ready");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void shortTilesAreSpacedNotCorrupted(ArrayConfig config) {
        MatMulCases gen = new MatMulCases(config.rows(), config.cols(), config.inputWidth());
        List<MatMulCase> cases = new ArrayList<>(gen.randomFixedK(3, 4, 1));
        cases.addAll(gen.randomFixedK(4, 4, 2));
        Report r = harness(config).run(cases, 3, Stalls.NONE);
        assertPassed(r, config, "K=1,2 back to back");
        if (config.tileSpacing() > 2) {
            assertTrue(r.refusedCycles() > 0, "short tiles must be held back to keep results intact");
        }
    }

    @Test
    void int32AccumulatorWrapsExactlyAtItsLimit() {
        ArrayConfig config = new ArrayConfig(1, 1, 8, 32);
        MatMulCases gen = new MatMulCases(1, 1, 8);
        List<MatMulCase> cases = gen.edges(32, 1 << 18);
        assertTrue(cases.stream().anyMatch(c -> c.k() == 1 << 17), "the K = 2^17 wrap case is included");
        Report r = harness(config).run(cases, 4, Stalls.NONE);
        assertPassed(r, config, "K up to 2^17");
    }

    @Test
    void randomLegalConfigurations() {
        long seed = Long.getLong("chiltepin.seed", System.nanoTime() % 1_000_000);
        System.out.println("randomLegalConfigurations seed = " + seed + " (rerun with -Dchiltepin.seed=" + seed + ")");
        MersenneTwister rng = new MersenneTwister(seed);
        for (int n = 0; n < 2; n++) {
            int w = 2 + rng.nextInt(15);
            ArrayConfig config = new ArrayConfig(1 + rng.nextInt(6), 1 + rng.nextInt(6), w,
                    2 * w + rng.nextInt(64 - 2 * w + 1));
            MatMulCases gen = new MatMulCases(config.rows(), config.cols(), w);
            List<MatMulCase> cases = new ArrayList<>(gen.edges(config.accWidth(), 64));
            cases.addAll(gen.random(rng.nextLong(), 20, 3 * config.tileSpacing()));
            Report r = SystolicArrayHarness.compile(config, WORK, Simulation.Options.DEFAULT).run(cases, (int) seed, Stalls.RANDOM);
            assertPassed(r, config, "seed " + seed);
        }
    }
}
