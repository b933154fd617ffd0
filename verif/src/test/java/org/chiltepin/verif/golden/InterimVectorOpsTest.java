package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.LlamaVectorOps.roundShift;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.chiltepin.verif.golden.LlamaVectorOps.QVec;
import org.chiltepin.verif.golden.LlamaVectorOps.Wide;
import org.junit.jupiter.api.Test;

/** Edges of the placeholder vector operations and of the rounding rule they share with the GEMM engine. */
class InterimVectorOpsTest {
    final InterimVectorOps ops = new InterimVectorOps(16, 8);

    @Test
    void roundShiftRoundsHalfUpLikeTheGemmEngine() {
        assertEquals(2, roundShift(3, 1)); // 1.5 → 2
        assertEquals(-1, roundShift(-3, 1)); // −1.5 → −1
        assertEquals(0, roundShift(-1, 1)); // −0.5 → 0
        assertEquals(GemmReference.requantize(-12345, 1, 7, false), roundShift(-12345, 7));
        assertEquals(1, roundShift(Long.MAX_VALUE, 63)); // no overflow in the rounding addition
        assertEquals(0, roundShift(Long.MAX_VALUE, 200));
        assertEquals(-40, roundShift(-5, -3));
        assertEquals(Long.MAX_VALUE, roundShift(1L << 40, -30)); // saturates
        Random r = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            long v = r.nextInt();
            int s = 1 + r.nextInt(20);
            assertEquals(Math.floorDiv(2 * v + (1L << s), 1L << (s + 1)), roundShift(v, s));
        }
    }

    private static double real(QVec q, int i) {
        return q.q()[i] * q.mant() * Math.pow(2, q.exp());
    }

    @Test
    void quantizeUsesTheFullInt8RangeWithANormalizedMantissa() {
        Random r = new Random(2);
        for (int n = 0; n < 2000; n++) {
            long[] v = new long[1 + r.nextInt(20)];
            int bits = 1 + r.nextInt(62);
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextLong() >> (64 - bits);
            }
            QVec q = ops.quantize(new Wide(v, -10));
            long max = Arrays.stream(v).map(Math::abs).max().orElse(0);
            if (max == 0) {
                continue;
            }
            assertTrue(q.mant() >= 128 && q.mant() <= 255, "mantissa " + q.mant());
            int qmax = 0;
            for (int i = 0; i < v.length; i++) {
                qmax = Math.max(qmax, Math.abs(q.q()[i]));
                // error at most half a step plus the reciprocal's and the pre-shift's rounding
                double err = Math.abs(real(q, i) - v[i] * Math.pow(2, -10));
                assertTrue(err <= 0.51 * q.mant() * Math.pow(2, q.exp()), "value " + v[i] + " error " + err);
            }
            assertTrue(qmax >= 126 && qmax <= 127, "largest |q| " + qmax + " for max " + max);
        }
    }

    @Test
    void quantizeOfZeroIsZero() {
        QVec q = ops.quantize(new Wide(new long[4], 3));
        assertArrayEquals(new byte[4], q.q());
    }

    @Test
    void softmaxOfEqualScoresIsUniformAndOfOneHotIsOne() {
        long[] p = ops.softmax(new long[] {5, 5, 5, 5}, 4, 0);
        assertArrayEquals(new long[] {8192, 8192, 8192, 8192}, p);
        long[] one = ops.softmax(new long[] {0, 1L << 20, 0}, 3, -10); // 1024 against 0: e^−1024 is 0
        assertArrayEquals(new long[] {0, 32768, 0}, one);
        long[] two = ops.softmax(new long[] {0, 1L << 16}, 2, -16); // scores 0 and 1: 1/(1+e), e/(1+e)
        assertEquals(32768 / (1 + Math.E), two[0], 2);
        assertEquals(32768 * Math.E / (1 + Math.E), two[1], 2);
    }

    @Test
    void rmsnormOfZeroIsZeroAndOfAConstantIsTheGain() {
        short[] gain = {16384, 16384, -16384, 8192}; // 1, 1, −1, 0.5 in Q14
        assertArrayEquals(new byte[4], ops.rmsnorm(new int[4], 16, gain, 14).q());
        QVec y = ops.rmsnorm(new int[] {1 << 20, 1 << 20, 1 << 20, 1 << 20}, 16, gain, 14);
        assertEquals(1.0, real(y, 0), 0.01);
        assertEquals(-1.0, real(y, 2), 0.01);
        assertEquals(0.5, real(y, 3), 0.01);
        QVec extreme = ops.rmsnorm(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 0}, 16, gain, 14);
        assertEquals(Math.sqrt(2), real(extreme, 0), 0.02);
        assertEquals(-Math.sqrt(2), real(extreme, 1), 0.02);
    }

    @Test
    void siluTimesBAndResidualAddFollowTheirRealValues() {
        QVec y = ops.siluMul(new Wide(new long[] {0, 1 << 16, -(1 << 16), 8 << 16}, -16), new Wide(new long[] {1, 1, 1, 1}, 0));
        double silu1 = 1 / (1 + Math.exp(-1));
        assertEquals(0, real(y, 0), 1e-9);
        assertEquals(silu1, real(y, 1), 0.03);
        assertEquals(-1 + silu1, real(y, 2), 0.03);
        assertEquals(8 / (1 + Math.exp(-8)), real(y, 3), 0.03);
        int[] x = {Integer.MAX_VALUE - 1, 0, 100};
        ops.addResidual(x, 16, new Wide(new long[] {5, -3, 1}, 16)); // y·2^16 in Q16 is y·2^32
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE}, x);
    }

    @Test
    void ropeAtPositionZeroChangesNothingAndLaterTurnsEachPair() {
        long[] v = {1000, -2000, 3000, 4000, 5, 6, 7, 8};
        long[] same = v.clone();
        ops.rope(same, 0, 8, 8, 0);
        assertArrayEquals(v, same);
        long[] turned = v.clone();
        ops.rope(turned, 0, 8, 8, 1); // pair 0 turns by 1 radian
        assertEquals(1000 * Math.cos(1) + 2000 * Math.sin(1), turned[0], 1);
        assertEquals(1000 * Math.sin(1) - 2000 * Math.cos(1), turned[1], 1);
    }

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        assertEquals(1, ops.argmax(new long[] {3, 7, 7, -1}));
    }
}
