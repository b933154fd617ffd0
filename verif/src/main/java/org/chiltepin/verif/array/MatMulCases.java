package org.chiltepin.verif.array;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;

/** Test tiles for a rows × cols array with signed {@code inputWidth}-bit elements. */
public final class MatMulCases {
    private final int rows;
    private final int cols;
    private final int inputWidth;

    public MatMulCases(int rows, int cols, int inputWidth) {
        this.rows = rows;
        this.cols = cols;
        this.inputWidth = inputWidth;
    }

    public int min() {
        return -(1 << (inputWidth - 1));
    }

    public int max() {
        return (1 << (inputWidth - 1)) - 1;
    }

    /** A tile whose every A element is {@code a} and every B element is {@code b}. */
    public MatMulCase constant(String name, int k, int a, int b) {
        return new MatMulCase(name, filled(rows, k, a), filled(k, cols, b));
    }

    /**
     * The edge tiles: every element at the minimum, at the maximum, and mixed signs, each with
     * K = 1 and a longer K; plus a tile with K chosen so the all-minimum sum just passes the
     * accumulator's positive limit, if that K is at most {@code maxKForLimit}.
     */
    public List<MatMulCase> edges(int accWidth, int maxKForLimit) {
        List<MatMulCase> cases = new ArrayList<>();
        int lo = min();
        int hi = max();
        for (int k : new int[] {1, 2 * Math.max(rows, cols) + 3}) {
            cases.add(constant("all " + lo + ", K=" + k, k, lo, lo));
            cases.add(constant("all " + hi + ", K=" + k, k, hi, hi));
            cases.add(constant(lo + " x " + hi + ", K=" + k, k, lo, hi));
            cases.add(constant("zeros, K=" + k, k, 0, 0));
        }
        long maxProduct = (long) lo * lo;
        long limit = accWidth >= 64 ? Long.MAX_VALUE : (1L << (accWidth - 1)) - 1;
        long kLimit = limit / maxProduct + 1;  // first K whose all-minimum sum exceeds the limit
        if (kLimit <= maxKForLimit) {
            cases.add(constant("accumulator limit: all " + lo + ", K=" + (kLimit - 1), (int) kLimit - 1, lo, lo));
            cases.add(constant("accumulator wraps: all " + lo + ", K=" + kLimit, (int) kLimit, lo, lo));
        }
        return cases;
    }

    /** {@code count} tiles of uniformly random elements with K uniform in [1, maxK]. */
    public List<MatMulCase> random(long seed, int count, int maxK) {
        RandomGenerator rng = new MersenneTwister(seed);
        List<MatMulCase> cases = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int k = 1 + rng.nextInt(maxK);
            cases.add(new MatMulCase("random #" + n + ", K=" + k, random(rng, rows, k), random(rng, k, cols)));
        }
        return cases;
    }

    /** {@code count} tiles of uniformly random elements, all with the given K. */
    public List<MatMulCase> randomFixedK(long seed, int count, int k) {
        RandomGenerator rng = new MersenneTwister(seed);
        List<MatMulCase> cases = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            cases.add(new MatMulCase("random #" + n + ", K=" + k, random(rng, rows, k), random(rng, k, cols)));
        }
        return cases;
    }

    private int[][] random(RandomGenerator rng, int r, int c) {
        int[][] m = new int[r][c];
        int span = 1 << inputWidth;
        for (int[] row : m) {
            for (int j = 0; j < c; j++) {
                row[j] = rng.nextInt(span) + min();
            }
        }
        return m;
    }

    private static int[][] filled(int r, int c, int v) {
        int[][] m = new int[r][c];
        for (int[] row : m) {
            Arrays.fill(row, v);
        }
        return m;
    }
}
