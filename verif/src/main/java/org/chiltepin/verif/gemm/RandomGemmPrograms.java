package org.chiltepin.verif.gemm;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Command;
import org.chiltepin.verif.golden.GemmReference.Params;

/**
 * Random command programs: tiled GEMMs of random shapes (up to 3× the array in each dimension),
 * random data with the int8 extremes over-represented, random per-channel scales and ReLU,
 * accumulator reads, fences and counter reads, with illegal commands mixed in; after a GEMM, hazards
 * and guard edges ({@link #hazards}); at the end, every counter read before and after a clear.
 */
public final class RandomGemmPrograms {
    private RandomGemmPrograms() {
    }

    /** A program of {@code jobs} GEMMs plus extras; {@code illegal} mixes in error cases. */
    public static GemmProgram generate(Params p, long seed, int jobs, boolean illegal) {
        RandomGenerator rng = new MersenneTwister(seed);
        GemmProgram prog = new GemmProgram(p);
        for (int job = 0; job < jobs; job++) {
            int m = 1 + rng.nextInt(3 * p.rows());
            int n = 1 + rng.nextInt(Math.min(3 * p.cols(), p.scaleDepth()));
            int k = 1 + rng.nextInt(3 * Math.max(p.rows(), p.cols()));
            int[][] a = matrix(rng, m, k);
            int[][] b = matrix(rng, k, n);
            int[] mult = new int[n];
            int[] shift = new int[n];
            for (int j = 0; j < n; j++) {
                mult[j] = rng.nextInt(10) == 0 ? -(1 + rng.nextInt(32768)) : rng.nextInt(32768);
                shift[j] = rng.nextInt(12) == 0 ? rng.nextInt(256) : rng.nextInt(24);
            }
            boolean relu = rng.nextBoolean();
            prog.gemm(a, b, mult, shift, relu);
            hazards(prog, p, rng, job > 0, relu);
            if (rng.nextInt(3) == 0) {
                int[] region = prog.lastAccRegion();
                prog.readAcc(region[0], 1 + rng.nextInt(region[1]), 1 + rng.nextInt(region[2]));
            }
            if (rng.nextInt(4) == 0) {
                prog.fence();
            }
            if (rng.nextInt(4) == 0) {
                prog.readCounter(rng.nextInt(GemmReference.COUNTERS));
            }
            if (illegal) {
                addIllegal(prog, p, rng);
            }
            if (p.transposeLoad() && rng.nextInt(2) == 0) {
                transposed(prog, p, rng, illegal);
            }
        }
        prog.fence();
        counterEpilogue(prog);
        return prog;
    }

    /**
     * After a FENCE (an idle engine): every counter read, the counters cleared, every counter read
     * again, and a closing FENCE; a testbench can check the readings exactly against what it saw.
     */
    static void counterEpilogue(GemmProgram prog) {
        for (int i = 0; i < GemmReference.COUNTERS; i++) {
            prog.readCounter(i);
        }
        prog.clearCounters();
        for (int i = 0; i < GemmReference.COUNTERS; i++) {
            prog.readCounter(i);
        }
        prog.fence();
    }

    /**
     * Hazards and guard edges right after a GEMM, while its units may still run: a load into both
     * halves of the scratchpads (one is the half the COMPUTE reads), a scale load just before a
     * STORE of the same accumulators, a COMPUTE whose A, B or accumulator range ends exactly at
     * the end of its memory (legal) or one word past it, and loads ending exactly at, and one word
     * past, the end of each scratchpad.
     */
    static void hazards(GemmProgram prog, Params p, RandomGenerator rng, boolean operandsLoaded, boolean relu) {
        if (rng.nextInt(3) == 0) {
            for (int half = 0; half < 2; half++) {
                prog.loadA(half * (p.aDepth() / 2), words(rng, 1 + rng.nextInt(3), p.rows()));
                prog.loadB(half * (p.bDepth() / 2), words(rng, 1 + rng.nextInt(3), p.cols()));
            }
        }
        if (rng.nextInt(3) == 0) {
            int[] region = prog.lastAccRegion();
            int n = region[2];
            int[] mult = new int[n];
            int[] shift = new int[n];
            for (int j = 0; j < n; j++) {
                mult[j] = rng.nextInt(65536) - 32768;
                shift[j] = rng.nextInt(24);
            }
            prog.loadScales(0, mult, shift);
            prog.store(region[0], 0, region[1], n, !relu);
        }
        for (int over = 0; operandsLoaded && over < 2; over++) {
            // One block into the accumulators' tail (never read back), its A, B or accumulator
            // range ending at the memory's end (legal) or one word past it (BAD_RANGE).
            int tail = p.accDepth() - Math.max(p.rows(), p.cols());
            int k = 1 + rng.nextInt(3);
            switch (rng.nextInt(3)) {
                case 0 -> prog.compute(p.aDepth() - k + over, 0, tail, p.rows(), p.cols(), k, false);
                case 1 -> prog.compute(0, p.bDepth() - k + over, tail, p.rows(), p.cols(), k, false);
                default -> prog.compute(0, 0, tail + over, p.rows(), p.cols(), 1, false);
            }
        }
        if (rng.nextInt(3) == 0) {
            int c = 1 + rng.nextInt(3);
            int over = rng.nextInt(2);
            switch (rng.nextInt(3)) {
                case 0 -> prog.loadA(p.aDepth() - c + over, words(rng, c, p.rows()));
                case 1 -> prog.loadB(p.bDepth() - c + over, words(rng, c, p.cols()));
                default -> {
                    int n = Math.min(c, p.scaleDepth());
                    prog.loadScales(p.scaleDepth() - n + over, new int[n], new int[n]);
                }
            }
        }
    }

    /**
     * A product with the transpose of rows loaded by a transposing LOAD_B (attention's q·Kᵀ), read
     * back with READ_ACC; with {@code illegal}, one transposing load the engine must reject (a row
     * past the beat's bytes, words past the scratchpad, k = 0) or the bit on a LOAD_A.
     */
    static void transposed(GemmProgram prog, Params p, RandomGenerator rng, boolean illegal) {
        int cols = p.cols();
        int rows = p.rows();
        // Weight-stationary COMPUTE reads B in blocks of `rows` words: the transposed layout matches when k = rows.
        int k = p.weightStationary() ? rows : 1 + rng.nextInt(p.dataBytes());
        int t = 1 + rng.nextInt(3 * cols);
        int m = 1 + rng.nextInt(2 * rows);
        int span = (t + cols - 1) / cols * k;
        int base = rng.nextBoolean() ? 0 : p.bDepth() - span;
        prog.loadBTransposed(base, words(rng, t, k), k);
        int aSpan = p.weightStationary() ? m : (m + rows - 1) / rows * k;
        prog.loadA(0, words(rng, aSpan, rows));
        prog.compute(0, base, 0, m, t, k, false);
        prog.readAcc(0, m, t);
        if (illegal) {
            switch (rng.nextInt(4)) {
                case 0 -> prog.loadBTransposed(0, words(rng, 2, p.dataBytes()), p.dataBytes() + 1); // BAD_RANGE
                case 1 -> prog.loadBTransposed(p.bDepth() - span + 1, words(rng, t, k), k);           // BAD_RANGE
                case 2 -> prog.add(Command.loadBTransposed(0xED, 0, 2, 0));                      // BAD_SIZE, no data
                default -> {                                                                      // BAD_OPCODE, 2 beats
                    prog.add(new Command(GemmReference.LOAD_A, 0xEC, false, 0, 0, 0, 2, 0, 1, GemmReference.TRANSPOSE));
                    words(rng, 2, rows).forEach(w -> prog.addData(beat(p, w)));
                }
            }
        }
    }

    private static byte[] beat(Params p, int[] lanes) {
        byte[] b = new byte[p.dataBytes()];
        for (int i = 0; i < lanes.length; i++) {
            b[i] = (byte) lanes[i];
        }
        return b;
    }

    private static List<int[]> words(RandomGenerator rng, int count, int lanes) {
        List<int[]> w = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] x = new int[lanes];
            for (int j = 0; j < lanes; j++) {
                x[j] = rng.nextInt(256) - 128;
            }
            w.add(x);
        }
        return w;
    }

    /** One or two commands the engine must reject with an error status and survive. */
    static void addIllegal(GemmProgram prog, Params p, RandomGenerator rng) {
        switch (rng.nextInt(9)) {
            case 0 -> prog.add(Command.of(9 + rng.nextInt(7), 0xEE, false, 0, 0, 0, 1, 1, 1));      // unknown opcode
            case 1 -> prog.compute(0, 0, 0, 0, 1, 1, false);                                          // zero M
            case 2 -> prog.compute(0, 0, 0, 1, 1, 0, false);                                          // zero K
            case 3 -> prog.compute(p.aDepth() - 1, 0, 0, 1, 1, 2, false);                             // A range
            case 4 -> prog.compute(0, 0, p.accDepth() - 1, p.rows() + 1, 1, 1, false);                // acc range
            case 5 -> {                                                                                // load past the end
                List<int[]> words = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    words.add(new int[] {1, 2});
                }
                prog.loadA(p.aDepth() - 2, words);
            }
            case 6 -> prog.store(0, p.cols() == 1 ? p.scaleDepth() : 1, 1, 1, false);                // scale base
            case 7 -> prog.readCounter(GemmReference.COUNTERS + rng.nextInt(4));                      // counter index
            default -> prog.add(new Command(GemmReference.FENCE, 0xEF, false, 0, 0, 0, 0, 0, 0, 1));  // reserved bits
        }
    }

    private static int[][] matrix(RandomGenerator rng, int r, int c) {
        int[][] m = new int[r][c];
        for (int[] row : m) {
            for (int j = 0; j < c; j++) {
                int pick = rng.nextInt(16);
                row[j] = pick == 0 ? -128 : pick == 1 ? 127 : rng.nextInt(256) - 128;
            }
        }
        return m;
    }
}
