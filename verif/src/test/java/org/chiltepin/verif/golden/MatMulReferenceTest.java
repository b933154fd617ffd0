package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.MatMulReference.multiply;
import static org.chiltepin.verif.golden.MatMulReference.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

class MatMulReferenceTest {

    private static int[][] fill(int rows, int cols, int value) {
        int[][] m = new int[rows][cols];
        for (int[] r : m) {
            Arrays.fill(r, value);
        }
        return m;
    }

    @Test
    void wrapIsTwosComplementOfTheLowBits() {
        assertEquals(-128, wrap(128, 8));
        assertEquals(127, wrap(127, 8));
        assertEquals(-1, wrap(0xFFFF_FFFFL, 32));
        assertEquals(Integer.MIN_VALUE, wrap(1L << 31, 32));
        assertEquals(Long.MIN_VALUE, wrap(Long.MIN_VALUE, 64));
        assertEquals(0, wrap(1L << 18, 18));
    }

    @Test
    void extremeInt8ProductsAreExact() {
        assertEquals(16384, multiply(fill(1, 1, -128), fill(1, 1, -128), 8, 32)[0][0]);
        assertEquals(16129, multiply(fill(1, 1, 127), fill(1, 1, 127), 8, 32)[0][0]);
        assertEquals(-16256, multiply(fill(1, 1, -128), fill(1, 1, 127), 8, 32)[0][0]);
    }

    @Test
    void int32AccumulatorReachesItsLimitAtK131072AndWraps() {
        // (-128)·(-128) = 2^14, so K = 2^17 - 1 such products is the largest all-(-128) sum that fits.
        int kFits = (1 << 17) - 1;
        assertEquals((long) kFits << 14, multiply(fill(1, kFits, -128), fill(kFits, 1, -128), 8, 32)[0][0]);
        assertEquals(Integer.MAX_VALUE - 16383, (long) kFits << 14);
        int kWraps = 1 << 17;
        assertEquals(Integer.MIN_VALUE, multiply(fill(1, kWraps, -128), fill(kWraps, 1, -128), 8, 32)[0][0]);
        assertEquals(Integer.MIN_VALUE + 16384,
                multiply(fill(1, kWraps + 1, -128), fill(kWraps + 1, 1, -128), 8, 32)[0][0]);
        // The most negative sum: (-128)·127 repeated, wraps past -2^31 at K = 135300.
        int kNeg = 135_300;
        long exact = -16256L * kNeg;
        assertEquals(wrap(exact, 32), multiply(fill(1, kNeg, -128), fill(kNeg, 1, 127), 8, 32)[0][0]);
        assertEquals(exact + (1L << 32), multiply(fill(1, kNeg, -128), fill(kNeg, 1, 127), 8, 32)[0][0]);
    }

    @Test
    void narrowAccumulatorWrapsAtItsOwnLimit() {
        // 18-bit accumulator: 2^17 - 1 is the largest value; 8 × 2^14 = 2^17 wraps to -2^17.
        assertEquals(7 * 16384, multiply(fill(1, 7, -128), fill(7, 1, -128), 8, 18)[0][0]);
        assertEquals(-(1 << 17), multiply(fill(1, 8, -128), fill(8, 1, -128), 8, 18)[0][0]);
        assertEquals(-(1 << 17) + 16129, multiply(new int[][] {{-128, -128, -128, -128, -128, -128, -128, -128, 127}},
                new int[][] {{-128}, {-128}, {-128}, {-128}, {-128}, {-128}, {-128}, {-128}, {127}}, 8, 18)[0][0]);
    }

    @Test
    void wrapAroundResultIsIndependentOfSummationOrder() {
        MersenneTwister rng = new MersenneTwister(7);
        int k = 300;
        int[][] a = new int[1][k];
        int[][] b = new int[k][1];
        for (int x = 0; x < k; x++) {
            a[0][x] = rng.nextInt(256) - 128;
            b[x][0] = rng.nextInt(256) - 128;
        }
        long forward = multiply(a, b, 8, 16)[0][0];
        long reversed = 0;
        for (int x = k - 1; x >= 0; x--) {
            reversed = wrap(reversed + (long) a[0][x] * b[x][0], 16);
        }
        assertEquals(forward, reversed);
    }

    @Test
    void randomProductsMatchArbitraryPrecisionArithmetic() {
        MersenneTwister rng = new MersenneTwister(11);
        for (int trial = 0; trial < 50; trial++) {
            int w = 2 + rng.nextInt(15);
            int acc = 2 * w + rng.nextInt(64 - 2 * w + 1);
            int rows = 1 + rng.nextInt(5);
            int k = 1 + rng.nextInt(40);
            int cols = 1 + rng.nextInt(5);
            int[][] a = random(rng, rows, k, w);
            int[][] b = random(rng, k, cols, w);
            long[][] c = multiply(a, b, w, acc);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    BigInteger sum = BigInteger.ZERO;
                    for (int x = 0; x < k; x++) {
                        sum = sum.add(BigInteger.valueOf((long) a[i][x] * b[x][j]));
                    }
                    BigInteger mod = BigInteger.ONE.shiftLeft(acc);
                    BigInteger r = sum.mod(mod);
                    if (r.testBit(acc - 1)) {
                        r = r.subtract(mod);
                    }
                    assertEquals(r.longValueExact(), c[i][j], "w=" + w + " acc=" + acc);
                }
            }
        }
    }

    static int[][] random(MersenneTwister rng, int rows, int cols, int width) {
        int[][] m = new int[rows][cols];
        for (int[] r : m) {
            for (int j = 0; j < cols; j++) {
                r[j] = rng.nextInt(1 << width) - (1 << (width - 1));
            }
        }
        return m;
    }

    @Test
    void rejectsOutOfRangeElementsAndBadShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> multiply(new int[][] {{128}}, new int[][] {{1}}, 8, 32));
        assertEquals("A[0][0] = 128 is outside the signed 8-bit range [-128, 127]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> multiply(new int[][] {{1, 2}}, new int[][] {{1}}, 8, 32));
        assertThrows(IllegalArgumentException.class, () -> multiply(new int[][] {{1}}, new int[][] {{1}}, 8, 15));
        assertArrayEquals(new long[] {5}, multiply(new int[][] {{1, 2}}, new int[][] {{1}, {2}}, 8, 16)[0]);
    }
}
