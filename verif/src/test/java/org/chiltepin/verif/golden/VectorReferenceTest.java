package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.LlamaVectorOps.roundShift;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.chiltepin.verif.golden.LlamaVectorOps.QVec;
import org.chiltepin.verif.golden.LlamaVectorOps.Wide;
import org.chiltepin.verif.golden.VectorMachine.Command;
import org.chiltepin.verif.golden.VectorMachine.Response;
import org.junit.jupiter.api.Test;

/** Edges of the vector unit's golden model: tables, rounding, saturation, reductions, illegal commands. */
class VectorReferenceTest {
    final LlamaVectorProgram ops = new LlamaVectorProgram(16, 8);

    @Test
    void roundShiftRoundsHalfUpLikeTheGemmEngine() {
        assertEquals(2, roundShift(3, 1)); // 1.5 → 2
        assertEquals(-1, roundShift(-3, 1)); // −1.5 → −1
        assertEquals(0, roundShift(-1, 1)); // −0.5 → 0
        assertEquals(GemmReference.requantize(-12345, 1, 7, false), roundShift(-12345, 7));
        assertEquals(1, roundShift(Long.MAX_VALUE, 63)); // no overflow in the rounding addition
        assertEquals(-40, roundShift(-5, -3));
        assertEquals(Long.MAX_VALUE, roundShift(1L << 40, -30)); // saturates
        Random r = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            long v = r.nextInt();
            int s = 1 + r.nextInt(20);
            assertEquals(Math.floorDiv(2 * v + (1L << s), 1L << (s + 1)), roundShift(v, s));
        }
    }

    @Test
    void everyExponentialTableEntryIsTwoToTheFractionAndInterpolationStaysWithinOneLsb() {
        for (int k = 0; k < VectorReference.EXP_ENTRIES; k++) {
            long entry = VectorReference.expTable(k);
            assertEquals(Math.round(Math.pow(2, k / 256.0) * 32768), entry, "entry " + k);
            if (k < 256) {
                // z = −1 + k/256 hits the entry, halved (round half up)
                assertEquals((entry + 1) >> 1, VectorReference.exp2((k << 8) - 65536L), "z at entry " + k);
            }
        }
        assertEquals(32768, VectorReference.exp2(0));
        assertEquals(32768, VectorReference.exp2(5 << 16)); // positive z is clamped to 0
        assertEquals(0, VectorReference.exp2(Long.MIN_VALUE)); // clamped to 2^−31
        long prev = 0;
        for (long z = -3L << 16; z <= 0; z++) {
            long e = VectorReference.exp2(z);
            assertTrue(e >= prev, "monotonic at " + z);
            assertEquals(Math.pow(2, z / 65536.0) * 32768, e, 1.0, "z " + z);
            prev = e;
        }
    }

    @Test
    void everySigmoidTableEntryIsSigmaAndSiluFollowsItsRealValue() {
        for (int k = 0; k < VectorReference.SIGMOID_ENTRIES; k++) {
            long entry = VectorReference.sigmoidTable(k);
            assertEquals(Math.round(65536 / (1 + Math.exp(-k / 32.0))), entry, "entry " + k);
            assertEquals(entry, VectorReference.sigmoid((long) k << 11, 16), "x at entry " + k);
            assertEquals(65536 - entry, VectorReference.sigmoid(-((long) k << 11), 16), "−x at entry " + k);
        }
        assertEquals(65536, VectorReference.sigmoid(Integer.MAX_VALUE, 0));
        assertEquals(0, VectorReference.sigmoid(Integer.MIN_VALUE, 0));
        for (long a = -128; a <= 127; a++) { // every int8 input in Q4
            assertEquals(VectorFloatReference.silu(a, 4), VectorReference.silu(a, 4, 8), 0.51, "a " + a);
        }
        Random r = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            long a = r.nextInt();
            int frac = 16 + r.nextInt(12);
            assertEquals(VectorFloatReference.silu(a, frac), VectorReference.silu(a, frac, 32),
                    0.51 + Math.abs(a) * 3e-5, "a " + a + " frac " + frac);
        }
    }

    @Test
    void elementwiseOpsSaturateAtEveryWidth() {
        assertEquals(Integer.MAX_VALUE, VectorReference.add(Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 0, 32));
        assertEquals(Integer.MIN_VALUE, VectorReference.add(Integer.MIN_VALUE, -1, 1, 0, 32));
        assertEquals(127, VectorReference.add(127, 1, 1, 0, 8));
        assertEquals(-128, VectorReference.add(-128, -128, 1, 0, 8));
        assertEquals(-128, VectorReference.add(-128, 0, 1, 0, 8));
        assertEquals(32767, VectorReference.mul(-32768, -32768, 0, 16));
        assertEquals(1L << 30, VectorReference.mul(-32768, -32768, 0, 32));
        assertEquals(-64, VectorReference.scale(-128, 1, 1, 8)); // −64 exactly
        assertEquals(-63, VectorReference.scale(-127, 1, 1, 8)); // −63.5 rounds up
        assertEquals(Integer.MIN_VALUE, VectorReference.scale(Integer.MIN_VALUE, 32767, 0, 32));
        assertEquals(Integer.MAX_VALUE, VectorReference.scale(Integer.MIN_VALUE, -32768, 0, 32));
    }

    @Test
    void reciprocalIsRoundedAndCappedTo31Bits() {
        assertEquals(VectorReference.RECIP_MAX, VectorReference.reciprocal(1));
        assertEquals(VectorReference.RECIP_MAX, VectorReference.reciprocal(0));
        assertEquals(VectorReference.RECIP_MAX, VectorReference.reciprocal(-5));
        assertEquals(VectorReference.RECIP_MAX, VectorReference.reciprocal(32768)); // 2^31 capped
        assertEquals(1L << 30, VectorReference.reciprocal(65536));
        assertEquals(((1L << 46) + 50_000) / 100_001, VectorReference.reciprocal(100_001));
        assertEquals(32768, VectorReference.norm(32768, 32768, 31, 32));
    }

    private static Response run(VectorMachine m, Command c, long[] data) {
        return m.execute(c, data, new long[c.len()]);
    }

    @Test
    void softmaxOfEqualScoresIsUniformAndOfOneHotIsOne() {
        assertArrayEquals(new long[] {8192, 8192, 8192, 8192}, ops.softmax(new long[] {5, 5, 5, 5}, 4, -10));
        assertArrayEquals(new long[] {0, 32768, 0}, ops.softmax(new long[] {0, 1L << 20, 0}, 3, -10));
        long[] two = ops.softmax(new long[] {0, 1L << 16}, 2, -16); // 1/(1+e), e/(1+e)
        assertEquals(32768 / (1 + Math.E), two[0], 2);
        assertEquals(32768 * Math.E / (1 + Math.E), two[1], 2);
        // the same four commands on the machine (the sum lands at 20: a reduction writes an aligned pair)
        VectorMachine m = new VectorMachine(4, 32);
        run(m, new Command(VectorMachine.LOAD, 0, 0, 0, 0, 0, 3, 0, 0), new long[] {0, 1L << 16, 0});
        Response max = run(m, new Command(VectorMachine.MAX, 0, 1, 8, 0, 0, 3, 0, 0), null);
        assertEquals(1, max.index());
        Response sum = run(m, new Command(VectorMachine.EXP, 0, 2, 12, 0, 8, 3, VectorReference.LOG2E_Q14, 14), null);
        run(m, new Command(VectorMachine.SUM, 0, 3, 20, 12, 0, 3, 0, 0), null);
        run(m, new Command(VectorMachine.NORM, 0, 4, 16, 12, 20, 3, 0, 31), null);
        assertEquals(VectorMachine.OK, sum.status());
        long[] s = m.scratchpad();
        assertEquals(s[12] + s[13] + s[14], sum.value());
        assertEquals(s[20], sum.value());
        assertEquals(32768 / (1 + 2 * Math.exp(-1)), s[17], 2);
    }

    private static double real(QVec q, int i) {
        return q.q()[i] * q.mant() * Math.pow(2, q.exp());
    }

    @Test
    void rmsnormOfZeroIsZeroAndOfAConstantOrPlusMinusMaxIsTheGain() {
        short[] gain = {16384, 16384, -16384, 8192}; // 1, 1, −1, 0.5 in Q14
        assertArrayEquals(new byte[4], ops.rmsnorm(new int[4], 16, gain, 14).q());
        QVec y = ops.rmsnorm(new int[] {1 << 20, 1 << 20, 1 << 20, 1 << 20}, 16, gain, 14);
        assertEquals(1.0, real(y, 0), 0.01);
        assertEquals(-1.0, real(y, 2), 0.01);
        assertEquals(0.5, real(y, 3), 0.01);
        QVec large = ops.rmsnorm(new int[] {100 << 16, -100 << 16, 0, 0}, 16, gain, 14);
        assertEquals(Math.sqrt(2), real(large, 0), 0.02);
        assertEquals(-Math.sqrt(2), real(large, 1), 0.02);
        // ±max (|x| = 32768 ≥ 181): RMS saturates its squares, so the rms is underestimated and the
        // outputs are large, but signs, zeros and int8 range hold
        QVec extreme = ops.rmsnorm(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 0}, 16, gain, 14);
        assertTrue(extreme.q()[0] >= 126 && extreme.q()[1] <= -126, java.util.Arrays.toString(extreme.q()));
        assertEquals(0, extreme.q()[2]);
    }

    @Test
    void quantizeUsesTheFullInt8RangeAndResidualAddSaturates() {
        Random r = new Random(2);
        for (int n = 0; n < 500; n++) {
            long[] v = new long[1 + r.nextInt(20)];
            int bits = 2 + r.nextInt(61);
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextLong() >> (64 - bits);
            }
            long max = Arrays.stream(v).map(Math::abs).max().orElse(0);
            QVec q = ops.quantize(new Wide(v, -10));
            if (max != 0) {
                int qmax = 0;
                for (byte b : q.q()) {
                    qmax = Math.max(qmax, Math.abs(b));
                }
                assertTrue(qmax >= 126 && qmax <= 127 && q.mant() >= 128 && q.mant() <= 255, "max " + max);
            }
        }
        int[] x = {Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1, 100};
        ops.addResidual(x, 16, new Wide(new long[] {5, -3, 1}, -10)); // SCALE by 2^6, then ADD
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 164}, x);
        int[] y = {0, 0, 0};
        ops.addResidual(y, 16, new Wide(new long[] {24, -24, 7}, -20)); // SCALE rounds right by 4
        assertArrayEquals(new int[] {2, -1, 0}, y);
    }

    @Test
    void ropeAtPositionZeroChangesNothingAndLaterTurnsEachPair() {
        long[] v = {1000, -2000, 3000, 4000, 5, 6, 7, 8};
        long[] same = v.clone();
        ops.rope(same, 0, 8, 8, 0);
        assertArrayEquals(v, same);
        long[] turned = v.clone();
        ops.rope(turned, 0, 8, 8, 1);
        assertEquals(1000 * Math.cos(1) + 2000 * Math.sin(1), turned[0], 1);
        assertEquals(1000 * Math.sin(1) - 2000 * Math.cos(1), turned[1], 1);
    }

    @Test
    void maxTakesTheFirstOfEqualMaximaAndSumRounds() {
        assertEquals(1, ops.argmax(new long[] {3, 7, 7, -1}));
        VectorMachine m = new VectorMachine(4, 16);
        run(m, new Command(VectorMachine.LOAD, 0, 0, 0, 0, 0, 5, 0, 0), new long[] {-9, 4, -9, 4, 3});
        Response max = run(m, new Command(VectorMachine.MAX, 0, 0, 8, 0, 0, 5, 0, 0), null);
        assertEquals(4, max.value());
        assertEquals(1, max.index());
        Response sum = run(m, new Command(VectorMachine.SUM, 0, 0, 12, 0, 0, 5, 0, 1), null);
        assertEquals(-3, sum.value()); // −7/2 = −3.5 → −3
        assertEquals(-3, m.scratchpad()[12]);
        assertEquals(1, m.scratchpad()[9]);
    }

    @Test
    void rmsOfZeroIsTheRootOfEpsilonAndOfPlusMinusMaxSaturatesItsSquares() {
        assertEquals(3, VectorReference.rms(new long[8], 8192, 0, 32, 10)); // ⌊√10⌋
        assertEquals(0, VectorReference.rms(new long[8], 8192, 0, 32, -5));  // clamped at 0
        long[] extremes = {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE};
        // squares 2^62 >> 31 = 2^31 saturate to 2^31 − 1 at int32, to 32767 at int16
        assertEquals(VectorReference.isqrt(4L * Integer.MAX_VALUE * 16384), VectorReference.rms(extremes, 16384, 31, 32, 0));
        assertEquals(VectorReference.isqrt(4L * 32767 * 16384), VectorReference.rms(extremes, 16384, 31, 16, 0));
        // the largest radicand: 2^16 saturated squares times 32767, plus the largest ε (below 2^62)
        long[] all = new long[65536];
        java.util.Arrays.fill(all, Integer.MIN_VALUE);
        long top = 65536L * Integer.MAX_VALUE * 32767 + Integer.MAX_VALUE;
        assertEquals(VectorReference.isqrt(top), VectorReference.rms(all, 32767, 0, 32, Integer.MAX_VALUE));
        assertTrue(VectorReference.isqrt(top) < 1L << 31, "the root fits 31 bits");
        long[] ramp = {3 << 16, -4 << 16};
        // x = 3, −4 in Q16, squares in Q16, mult = 2^16/2: v = 12.5·2^32, the root is rms·2^16
        assertEquals(231704, VectorReference.rms(ramp, 32768, 16, 32, 0)); // √12.5·2^16 = 231704.75
        for (long v : new long[] {0, 1, 2, 3, 4, 99, 100, 101, (1L << 62) - 1, 123456789012345L}) {
            long r = VectorReference.isqrt(v);
            assertTrue(r * r <= v && (r + 1) * (r + 1) > v, "isqrt " + v);
        }
    }

    @Test
    void quantOfZeroIsZeroAndOfExtremesUsesTheFullInt8Range() {
        VectorReference.Quantized zero = VectorReference.quant(new long[4]);
        assertArrayEquals(new long[4], zero.q());
        assertEquals(0, zero.mant());
        assertEquals(-16, zero.d());
        VectorReference.Quantized big = VectorReference.quant(new long[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE, 5});
        assertEquals(0, big.q()[1]);
        for (int i = 0; i < 4; i++) { // each q within half an LSB (and the reciprocal's 2^−15) of a / scale
            long[] a = {Integer.MIN_VALUE, 0, Integer.MAX_VALUE, 5};
            assertEquals(a[i] / (big.mant() * Math.pow(2, big.d())), big.q()[i], 0.51, "q" + i);
        }
        assertTrue(big.q()[2] >= 126, "the 8-bit mantissa rounds the scale up by less than 1/128");
        assertEquals(0, big.maxIndex()); // |−2^31| saturates to 2^31 − 1: a tie, the first wins
        assertTrue(big.mant() >= 128 && big.mant() <= 255);
        assertEquals((long) big.d() * 65536 + big.mant(), big.scaleWord());
        VectorReference.Quantized small = VectorReference.quant(new long[] {3, -1});
        assertEquals(-13, small.d()); // 3·2^16 / 2^3 = 24576 ≤ 32385, mant = ⌈24576 / 127⌉ = 194
        assertEquals(127, small.q()[0]);
        for (long m = 1; m < 1 << 20; m = m * 3 + 1) {
            VectorReference.Quantized q = VectorReference.quant(new long[] {m, -m});
            assertTrue(q.q()[0] >= 126 && q.q()[1] <= -126, "m = " + m);
            assertTrue(Math.abs(q.mant() * Math.pow(2, q.d()) * 127 - m) <= m / 127.0 + Math.pow(2, q.d()) * 127, "scale of " + m);
        }
    }

    @Test
    void ropeTurnsEachPairOnceRounded() {
        long[] a = {1000, -2000, 7, 9};
        assertArrayEquals(a, VectorReference.rope(a, new long[] {16384, 0, 16384, 0}, 14, 32)); // cos 1, sin 0
        assertArrayEquals(new long[] {2000, 1000, -9, 7}, VectorReference.rope(a, new long[] {0, 16384, 0, 16384}, 14, 32));
        // the low 16 bits of B, signed: 0x1C000 is −16384 (cos −1)
        assertArrayEquals(new long[] {-1000, 2000, -7, -9}, VectorReference.rope(a, new long[] {0x1C000L, 0, 0x1C000L, 0}, 14, 32));
        assertArrayEquals(new long[] {-32768, 32767}, VectorReference.rope(new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
                new long[] {16384, 0}, 0, 16));
    }

    @Test
    void illegalCommandsAnswerAnErrorAndChangeNothing() {
        VectorMachine m = new VectorMachine(4, 16);
        run(m, new Command(VectorMachine.LOAD, 0, 0, 0, 0, 0, 16, 0, 0), new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        long[] before = m.scratchpad();
        Command[] bad = {
            new Command(0, 0, 0, 0, 0, 0, 4, 0, 0),                 // unknown opcode
            new Command(14, 0, 0, 0, 0, 0, 4, 0, 0),
            new Command(VectorMachine.ADD, 3, 0, 0, 0, 0, 4, 1, 0),   // sat 3
            new Command(VectorMachine.ADD, 0, 0, 0, 0, 0, 4, 1, 64),  // shift 64
            new Command(VectorMachine.ADD, 0, 0, 0, 0, 4, 0, 1, 0),   // length 0
            new Command(VectorMachine.SCALE, 0, 0, 0, 0, 0, 17, 1, 0), // beyond the scratchpad
            new Command(VectorMachine.SCALE, 0, 0, 12, 0, 0, 8, 1, 0), // dst past the end
            new Command(VectorMachine.SCALE, 0, 0, 2, 8, 0, 4, 1, 0),  // misaligned dst
            new Command(VectorMachine.ADD, 0, 0, 4, 0, 0, 8, 1, 0),    // dst overlaps a source
            new Command(VectorMachine.EXP, 0, 0, 0, 0, 16, 4, 1, 0),   // scalar out of range
            new Command(VectorMachine.MAX, 0, 0, 15, 0, 0, 4, 0, 0),   // result past the end
            new Command(VectorMachine.LOAD, 0, 0, 14, 0, 0, 4, 0, 0),
            new Command(VectorMachine.ROPE, 0, 0, 8, 0, 4, 3, 0, 14),  // odd length
            new Command(VectorMachine.QUANT, 0, 0, 8, 0, 16, 4, 0, 0), // scale word past the end
            new Command(VectorMachine.RMS, 0, 0, 15, 0, 0, 4, 1, 0),   // result past the end
            new Command(VectorMachine.ROPE, 0, 0, 4, 0, 8, 8, 0, 14),  // dst overlaps a source
        };
        int[] status = {1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3};
        for (int i = 0; i < bad.length; i++) {
            assertEquals(status[i], run(m, bad[i], new long[16]).status(), "command " + i);
            assertArrayEquals(before, m.scratchpad(), "command " + i);
        }
        assertEquals(VectorMachine.OK, run(m, new Command(VectorMachine.SCALE, 0, 0, 0, 0, 0, 16, 3, 0), null).status());
        assertEquals(3, m.scratchpad()[0]);
    }
}
