package org.chiltepin.hw.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.gemm.GemmHarness;
import org.chiltepin.verif.gemm.GemmHarness.Report;
import org.chiltepin.verif.gemm.GemmHarness.Stalls;
import org.chiltepin.verif.gemm.GemmProgram;
import org.chiltepin.verif.gemm.RandomGemmPrograms;
import org.chiltepin.verif.golden.GemmReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The emitted GEMM engine, Verilated, against the golden model, bit for bit. */
class GemmEngineCosimTest {
    private static final Path WORK = Path.of("target", "sim");
    private static final Map<GemmConfig, GemmHarness> COMPILED = new HashMap<>();

    static GemmHarness harness(GemmConfig c) {
        return COMPILED.computeIfAbsent(c, x -> GemmHarness.compile(x, WORK, Simulation.Options.DEFAULT));
    }

    /** A rows × cols matrix of random int8 values, row after row. */
    private static int[][] int8Matrix(MersenneTwister rng, int rows, int cols) {
        int[][] x = new int[rows][cols];
        for (int[] row : x) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextInt(256) - 128;
            }
        }
        return x;
    }

    private static void assertPassed(Report r) {
        assertTrue(r.passed(), r.failures() + " failures, first: " + r.mismatches());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "tiny-ws"})
    void tiledGemmWithRequantizationMatchesTheMathematicalResult(String preset) {
        GemmConfig cfg = GemmConfig.preset(preset);
        var params = GemmHarness.params(cfg);
        var rng = new MersenneTwister(1);
        int m = 5;
        int k = 7;
        int n = 3;
        int[][] a = int8Matrix(rng, m, k);
        int[][] b = int8Matrix(rng, k, n);
        int[] mult = {1 << 14, 3000, -20000};
        int[] shift = {20, 17, 22};
        GemmProgram prog = new GemmProgram(params);
        var blocks = prog.gemm(a, b, mult, shift, false);
        GemmReference golden = new GemmReference(params);
        golden.run(prog.commands(), prog.data());
        int[][] c = GemmProgram.assemble(blocks, golden.beats(), m, n, cfg.cols());
        int[][] expected = GemmReference.gemm(a, b, mult, shift, false);
        for (int i = 0; i < m; i++) {
            assertArrayEquals(expected[i], c[i], "row " + i + " of the tiled program equals the untiled GEMM");
        }
        Report r = harness(cfg).run(prog, 1, Stalls.NONE);
        assertPassed(r);
        assertEquals(golden.beats().size(), r.beatsCompared());
    }

    /**
     * The transposing LOAD_B: 5 rows of K = 3 bytes (one a beat) loaded transposed, times 3 rows of
     * A, read back: C[i][t] = Σ_j A[i][j]·rows[t][j] exactly (attention's q·Kᵀ), in the golden model
     * and on the engine, on both dataflows (weight-stationary with K = rows).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "tiny-ws"})
    void transposingLoadMultipliesByTheRowsTranspose(String preset) {
        GemmConfig cfg = GemmConfig.preset(preset);
        var params = GemmHarness.params(cfg);
        var rng = new MersenneTwister(3);
        int k = cfg.weightStationary() ? cfg.rows() : 3;
        int m = 3;
        int t = 5;
        int[][] a = int8Matrix(rng, m, k);
        int[][] rows = int8Matrix(rng, t, k);
        GemmProgram prog = new GemmProgram(params);
        prog.loadBTransposed(7, List.of(rows), k);
        int mBlocks = (m + cfg.rows() - 1) / cfg.rows();
        List<int[]> aWords = new java.util.ArrayList<>();
        if (cfg.weightStationary()) { // word m' holds A[m'][0..rows)
            for (int[] row : a) {
                aWords.add(row);
            }
        } else { // word mb·K + x holds A[mb·rows + i][x]
            for (int mb = 0; mb < mBlocks; mb++) {
                for (int x = 0; x < k; x++) {
                    int[] w = new int[cfg.rows()];
                    for (int i = 0; i < cfg.rows() && mb * cfg.rows() + i < m; i++) {
                        w[i] = a[mb * cfg.rows() + i][x];
                    }
                    aWords.add(w);
                }
            }
        }
        prog.loadA(0, aWords);
        prog.compute(0, 7, 0, m, t, k, false);
        prog.readAcc(0, m, t);
        GemmReference golden = new GemmReference(params);
        golden.run(prog.commands(), prog.data());
        int nBlocks = (t + cfg.cols() - 1) / cfg.cols();
        for (int i = 0; i < m; i++) {
            for (int x = 0; x < t; x++) {
                int want = 0;
                for (int j = 0; j < k; j++) {
                    want += a[i][j] * rows[x][j];
                }
                long got = golden.beats().get(i * nBlocks + x / cfg.cols()).lanes()[x % cfg.cols()];
                assertEquals(want, got, "C[" + i + "][" + x + "]");
            }
        }
        Report r = harness(cfg).run(prog, 1, Stalls.all(0.3));
        assertPassed(r);
        assertEquals(golden.beats().size(), r.beatsCompared());
    }

    /**
     * A LOAD_A with reserved bit 13 set (issue 12): BAD_OPCODE, its data beat consumed and
     * discarded, memory unchanged: C = [[1,1],[1,1]], not the [[5,5],[5,5]] of a load that wrote.
     */
    @Test
    void aLoadWithAReservedBitChangesNoMemory() {
        GemmConfig cfg = GemmConfig.preset("tiny");
        var params = GemmHarness.params(cfg);
        GemmProgram prog = new GemmProgram(params);
        prog.loadA(0, List.of(new int[] {1, 1}));
        prog.loadB(0, List.of(new int[] {1, 1}));
        prog.add(new GemmReference.Command(GemmReference.LOAD_A, 0x77, false, 0, 0, 0, 1, 0, 0, 1));
        byte[] fives = new byte[params.dataBytes()];
        fives[0] = 5;
        fives[1] = 5;
        prog.addData(fives);
        prog.compute(0, 0, 0, 2, 2, 1, false);
        prog.readAcc(0, 2, 2);
        prog.fence();
        GemmReference golden = goldenAndEngine(cfg, prog, List.of(List.of(1L, 1L), List.of(1L, 1L)));
        assertEquals(GemmReference.BAD_OPCODE, golden.responses().get(2).status());
    }

    /** Runs {@code prog} on the golden model, whose result beats must be {@code beats}, and on the engine, which must match it. */
    private static GemmReference goldenAndEngine(GemmConfig cfg, GemmProgram prog, List<List<Long>> beats) {
        GemmReference golden = new GemmReference(GemmHarness.params(cfg));
        golden.run(prog.commands(), prog.data());
        assertEquals(beats, golden.beats().stream().map(b -> java.util.Arrays.stream(b.lanes()).boxed().toList()).toList());
        Report r = harness(cfg).run(prog, 1, Stalls.NONE);
        assertPassed(r);
        assertEquals(beats.size(), r.beatsCompared());
        return golden;
    }

    /**
     * The corner cases docs/gemm.md settles, on tiny (2×2, 3-byte data beats), against the golden
     * model: status precedence, fields a command does not use, spare data bits, READ_ACC lanes
     * past N, the response's opcode and value.
     */
    @Test
    void documentedCornerCases() {
        GemmConfig cfg = GemmConfig.preset("tiny");
        var params = GemmHarness.params(cfg);
        GemmProgram prog = new GemmProgram(params);
        // Spare data bits (byte 2 of an A or B word on a 2×2) are ignored.
        prog.add(GemmReference.Command.of(GemmReference.LOAD_A, 0x80, false, 0, 0, 0, 1, 0, 0));
        prog.addData(new byte[] {2, 3, 0x55});
        prog.add(GemmReference.Command.of(GemmReference.LOAD_B, 0x81, false, 0, 0, 0, 1, 0, 0));
        prog.addData(new byte[] {4, 5, (byte) 0xAA});
        // Fields a command does not use, and the flag where it means nothing, are ignored: OK.
        prog.add(GemmReference.Command.of(GemmReference.FENCE, 0x82, true, 5, 6, 7, 8, 9, 10));
        // Two errors: BAD_OPCODE (reserved bit) before BAD_SIZE (count 0); BAD_SIZE before BAD_RANGE.
        prog.add(new GemmReference.Command(GemmReference.LOAD_A, 0x83, false, 0, 0, 0, 0, 0, 0, 1));
        prog.add(GemmReference.Command.of(GemmReference.COMPUTE, 0x84, false, cfg.aDepth(), 0, 0, 0, 1, 1));
        prog.compute(0, 0, 0, 2, 2, 1, false);
        // READ_ACC N = 1 on a 2-wide array: lane 1, past N, is 0 although the accumulator holds 3·5.
        prog.readAcc(0, 2, 1);
        prog.fence();
        GemmReference golden = goldenAndEngine(cfg, prog, List.of(List.of(8L, 0L), List.of(12L, 0L)));
        assertEquals(List.of(GemmReference.OK, GemmReference.OK, GemmReference.OK, GemmReference.BAD_OPCODE,
                GemmReference.BAD_SIZE, GemmReference.OK, GemmReference.OK, GemmReference.OK),
                golden.responses().stream().map(GemmReference.Response::status).toList());
    }

    /**
     * docs/gemm.md: READ_COUNTER samples when it issues, and the counter commands themselves count
     * as busy: on an idle engine, CLEAR_COUNTERS then READ_COUNTER(busy) reads more than 0.
     */
    @Test
    void counterCommandsCountAsBusy() {
        GemmConfig cfg = GemmConfig.preset("tiny");
        GemmProgram prog = new GemmProgram(GemmHarness.params(cfg));
        prog.clearCounters().readCounter(GemmCommand.BUSY).readCounter(GemmCommand.CYCLES).fence();
        Report r = harness(cfg).run(prog, 1, Stalls.NONE);
        assertPassed(r);
        long busy = r.counterReadings().get(prog.commands().get(1).tag());
        long cycles = r.counterReadings().get(prog.commands().get(2).tag());
        assertTrue(busy > 0, "the commands in the decode stages are busy cycles: " + busy);
        assertTrue(busy <= cycles, "busy " + busy + " <= cycles " + cycles + ", read after it");
    }

    @Test
    void randomProgramsWithIllegalCommandsAndRandomStalls() {
        // 16-word scratchpads force K to be split into accumulating chunks; requantLanes < cols
        // requantizes a beat over several cycles.
        for (GemmConfig cfg : List.of(GemmConfig.preset("tiny"), new GemmConfig(4, 2, 256, 256, 128, 16),
                // The transposing LOAD_B (tiny, tiny-ws and these two have it) against 16- and 32-word B.
                new GemmConfig(2, 2, 16, 16, 16, 16).withTransposeLoad(true), new GemmConfig(2, 4, 256, 256, 128, 16, 1),
                GemmConfig.preset("tiny-ws"),
                new GemmConfig(4, 2, 32, 32, 32, 16, 1, GemmConfig.Dataflow.WEIGHT_STATIONARY).withTransposeLoad(true),
                // The FPGA profile (control sized to the memories) on both dataflows: same results.
                new GemmConfig(2, 2, 16, 16, 16, 16).withFpgaProfile(true),
                new GemmConfig(4, 2, 32, 32, 32, 16, 1, GemmConfig.Dataflow.WEIGHT_STATIONARY, true))) {
            GemmProgram prog = RandomGemmPrograms.generate(GemmHarness.params(cfg), 7, 12, true);
            Report r = harness(cfg).run(prog, 3, Stalls.RANDOM);
            assertPassed(r);
            assertTrue(r.beatsCompared() > 50, "the program produced results: " + r.beatsCompared());
        }
    }
}
