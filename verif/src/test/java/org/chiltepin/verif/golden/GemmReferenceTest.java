package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.GemmReference.requantize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

class GemmReferenceTest {

    @Test
    void requantizationRoundsHalfUpShiftsAndSaturates() {
        assertEquals(1, requantize(1, 1, 1, false), "0.5 rounds up");
        assertEquals(0, requantize(-1, 1, 1, false), "-0.5 rounds up to 0");
        assertEquals(-1, requantize(-3, 1, 1, false), "-1.5 rounds up to -1");
        assertEquals(2, requantize(3, 1, 1, false), "1.5 rounds up to 2");
        assertEquals(1, requantize(5, 1, 2, false), "1.25 rounds to 1");
        assertEquals(42, requantize(42, 1, 0, false), "shift 0 is exact");
        assertEquals(127, requantize(1000, 1, 0, false), "saturates high");
        assertEquals(-128, requantize(-1000, 1, 0, false), "saturates low");
        assertEquals(127, requantize(Integer.MAX_VALUE, 32767, 0, false));
        assertEquals(-128, requantize(Integer.MIN_VALUE, 32767, 0, false));
        assertEquals(127, requantize(Integer.MIN_VALUE, -32768, 0, false), "the largest product, positive");
        assertEquals(0, requantize(-5, 3, 0, true), "ReLU clamps negatives to 0");
        assertEquals(15, requantize(5, 3, 0, true));
        assertEquals(0, requantize(Integer.MAX_VALUE, 32767, 60, false), "a shift past the product's width gives 0");
        assertEquals(0, requantize(Integer.MIN_VALUE, 32767, 255, false));
        assertEquals(-1, requantize(Integer.MIN_VALUE, 32767, 46, false), "-2^46 + ... rounds to -1");
    }

    @Test
    void requantizationMatchesExactRationalArithmetic() {
        MersenneTwister rng = new MersenneTwister(5);
        for (int i = 0; i < 20000; i++) {
            int acc = rng.nextInt();
            int mult = rng.nextInt(65536) - 32768;
            int shift = rng.nextInt(64);
            BigInteger p = BigInteger.valueOf(acc).multiply(BigInteger.valueOf(mult));
            // floor(p / 2^s + 1/2) = floor((2p + 2^s) / 2^(s+1))
            BigInteger num = p.shiftLeft(1).add(BigInteger.ONE.shiftLeft(shift));
            BigInteger[] qr = num.divideAndRemainder(BigInteger.ONE.shiftLeft(shift + 1));
            BigInteger floor = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
            long expected = Math.max(-128, Math.min(127, floor.max(BigInteger.valueOf(Long.MIN_VALUE / 2))
                    .min(BigInteger.valueOf(Long.MAX_VALUE / 2)).longValue()));
            assertEquals(expected, requantize(acc, mult, shift, false), acc + " * " + mult + " >> " + shift);
        }
    }

    @Test
    void quantizationErrorIsAtMostHalfAnLsbWhereNothingSaturates() {
        MersenneTwister rng = new MersenneTwister(9);
        int m = 24;
        int k = 96;
        int n = 20;
        int[][] a = new int[m][k];
        int[][] b = new int[k][n];
        for (int[] r : a) {
            for (int x = 0; x < k; x++) {
                r[x] = rng.nextInt(256) - 128;
            }
        }
        for (int[] r : b) {
            for (int j = 0; j < n; j++) {
                r[j] = rng.nextInt(256) - 128;
            }
        }
        int[] mult = new int[n];
        int[] shift = new int[n];
        for (int j = 0; j < n; j++) {
            mult[j] = 1 + rng.nextInt(32767);
            shift[j] = 22 + rng.nextInt(4);
        }
        int[][] c = GemmReference.gemm(a, b, mult, shift, false);
        var err = GemmFloatReference.error(c, GemmFloatReference.realOutputs(a, b, mult, shift, false));
        assertTrue(err.maxAbs() <= 0.5, "max error " + err.maxAbs());
        assertTrue(err.rms() > 0.1 && err.rms() < 0.5, "rounding error is spread: rms " + err.rms());
    }

    @Test
    void commandWordPutsEveryFieldInItsBits() {
        var c = new GemmReference.Command(GemmReference.COMPUTE, 0xAB, true, 0x1234, 0x5678, 0x9ABC, 0xDEF0, 0x1357,
                0x2468, 0);
        BigInteger w = c.word();
        assertEquals(4, w.and(BigInteger.valueOf(0xF)).intValue());
        assertEquals(0xAB, w.shiftRight(4).and(BigInteger.valueOf(0xFF)).intValue());
        assertTrue(w.testBit(12));
        assertEquals(0x1234, w.shiftRight(16).and(BigInteger.valueOf(0xFFFF)).intValue());
        assertEquals(0x9ABC, w.shiftRight(48).and(BigInteger.valueOf(0xFFFF)).intValue());
        assertEquals(0x2468, w.shiftRight(96).and(BigInteger.valueOf(0xFFFF)).intValue());
        assertEquals(0, w.shiftRight(112).intValue());
    }

    @Test
    void illegalCommandsGetTheirStatusAndChangeNothing() {
        var p = new GemmReference.Params(2, 2, 16, 16, 16, 16);
        var g = new GemmReference(p);
        List<byte[]> data = List.of(new byte[3], new byte[3], new byte[3]);
        g.execute(GemmReference.Command.of(12, 1, false, 0, 0, 0, 1, 1, 1), data);
        g.execute(GemmReference.Command.of(GemmReference.COMPUTE, 2, false, 0, 0, 0, 0, 1, 1), data);
        g.execute(GemmReference.Command.of(GemmReference.COMPUTE, 3, false, 15, 0, 0, 1, 1, 2), data);
        g.execute(GemmReference.Command.of(GemmReference.LOAD_A, 4, false, 15, 0, 0, 2, 0, 0), data);
        g.execute(GemmReference.Command.of(GemmReference.STORE, 5, false, 0, 1, 0, 1, 1, 0), data);
        g.execute(new GemmReference.Command(GemmReference.FENCE, 6, false, 0, 0, 0, 0, 0, 0, 1), data);
        assertEquals(List.of(GemmReference.BAD_OPCODE, GemmReference.BAD_SIZE, GemmReference.BAD_RANGE,
                GemmReference.BAD_RANGE, GemmReference.BAD_RANGE, GemmReference.BAD_OPCODE),
                g.responses().stream().map(GemmReference.Response::status).toList());
        assertTrue(g.beats().isEmpty());
    }

    /** docs/gemm.md: a rejected LOAD consumes its data beats and changes no memory, whatever the error. */
    @Test
    void aLoadWithAReservedBitIsBadOpcodeAndItsDataIsDiscarded() {
        var g = new GemmReference(new GemmReference.Params(2, 2, 16, 16, 16, 16));
        List<byte[]> data = List.of(new byte[] {1, 1, 0}, new byte[] {1, 1, 0}, new byte[] {5, 5, 0}, new byte[] {7, 7, 0});
        g.execute(GemmReference.Command.of(GemmReference.LOAD_A, 1, false, 0, 0, 0, 1, 0, 0), data);
        g.execute(GemmReference.Command.of(GemmReference.LOAD_B, 2, false, 0, 0, 0, 1, 0, 0), data);
        // bit 13 (reserved) set: BAD_OPCODE, its one beat consumed, A unchanged
        g.execute(new GemmReference.Command(GemmReference.LOAD_A, 3, false, 0, 0, 0, 1, 0, 0, 1), data);
        // the next load gets the next beat: the data stream stayed aligned
        g.execute(GemmReference.Command.of(GemmReference.LOAD_B, 4, false, 1, 0, 0, 1, 0, 0), data);
        g.execute(GemmReference.Command.of(GemmReference.COMPUTE, 5, false, 0, 0, 0, 2, 2, 1), data);
        g.execute(GemmReference.Command.of(GemmReference.READ_ACC, 6, false, 0, 0, 0, 2, 2, 0), data);
        assertEquals(List.of(GemmReference.OK, GemmReference.OK, GemmReference.BAD_OPCODE, GemmReference.OK,
                GemmReference.OK, GemmReference.OK), g.responses().stream().map(GemmReference.Response::status).toList());
        assertEquals(List.of(1L, 1L), java.util.Arrays.stream(g.beats().get(0).lanes()).boxed().toList(),
                "A holds the first load's 1s, not the rejected load's 5s");
        assertEquals(List.of(1L, 1L), java.util.Arrays.stream(g.beats().get(1).lanes()).boxed().toList());
    }

    /**
     * docs/gemm.md: a transposing LOAD_B writes row t's byte j into lane t mod cols of word
     * addr0 + ⌊t/cols⌋·k + j; without transposeLoad its bit is reserved (BAD_OPCODE, beats discarded);
     * k = 0 is BAD_SIZE (nothing consumed), a row longer than a beat or past B is BAD_RANGE (consumed).
     */
    @Test
    void aTransposingLoadWritesTheRowsDownTheLanes() {
        var p = new GemmReference.Params(2, 2, 16, 16, 16, 16, false, true);
        var g = new GemmReference(p);
        List<byte[]> data = List.of(new byte[] {1, 2, 3}, new byte[] {4, 5, 6}, new byte[] {7, 8, 9},
                new byte[] {1, 1, 1}, new byte[] {1, 1, 1}, new byte[] {1, 1, 1}, new byte[] {1, 1, 1});
        g.execute(GemmReference.Command.loadBTransposed(1, 4, 3, 3), data); // rows 0,1 → words 4..6, row 2 → 7..9
        g.execute(GemmReference.Command.loadBTransposed(2, 0, 2, 0), data);                  // BAD_SIZE, no beat
        g.execute(GemmReference.Command.loadBTransposed(3, 0, 1, 4), data);                  // BAD_RANGE, 1 beat
        g.execute(GemmReference.Command.loadBTransposed(4, 12, 3, 3), data);                 // 12 + 2·3 > 16
        assertEquals(List.of(GemmReference.OK, GemmReference.BAD_SIZE, GemmReference.BAD_RANGE, GemmReference.BAD_RANGE),
                g.responses().stream().map(GemmReference.Response::status).toList());
        // C = A·B with A[0] = (1, 0, 0): C[0][t] = B[0][t] = R[t][0]
        var h = new GemmReference(p);
        List<byte[]> d2 = new java.util.ArrayList<>(List.of(new byte[] {1, 2, 3}, new byte[] {4, 5, 6}, new byte[] {7, 8, 9}));
        d2.addAll(List.of(new byte[] {1, 0, 0}, new byte[] {0, 0, 0}, new byte[] {0, 0, 0}));
        h.execute(GemmReference.Command.loadBTransposed(1, 4, 3, 3), d2);
        h.execute(GemmReference.Command.of(GemmReference.LOAD_A, 2, false, 0, 0, 0, 3, 0, 0), d2);
        h.execute(GemmReference.Command.of(GemmReference.COMPUTE, 3, false, 0, 4, 0, 1, 3, 3), d2);
        h.execute(GemmReference.Command.of(GemmReference.READ_ACC, 4, false, 0, 0, 0, 1, 3, 0), d2);
        // row x of the transpose is byte 0 of every row: C[0][t] = R[t][0] = 1, 4, 7
        assertEquals(List.of(1L, 4L), java.util.Arrays.stream(h.beats().get(0).lanes()).boxed().toList());
        assertEquals(List.of(7L, 0L), java.util.Arrays.stream(h.beats().get(1).lanes()).boxed().toList());
        var off = new GemmReference(new GemmReference.Params(2, 2, 16, 16, 16, 16));
        List<byte[]> d3 = List.of(new byte[3], new byte[3]);
        off.execute(GemmReference.Command.loadBTransposed(1, 0, 1, 3), d3);
        off.execute(GemmReference.Command.of(GemmReference.LOAD_B, 2, false, 0, 0, 0, 1, 0, 0), d3);
        assertEquals(List.of(GemmReference.BAD_OPCODE, GemmReference.OK),
                off.responses().stream().map(GemmReference.Response::status).toList(), "its beat was discarded");
    }
}
