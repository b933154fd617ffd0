package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.LlamaVectorOps.roundShift;

/**
 * Bit-exact golden model of the vector unit's arithmetic (issue #15, docs/numerics.md section
 * "Vector unit"), written from the specification and independent of the hardware. The static
 * methods are the per-element and per-vector operations of the unit's commands
 * ({@link VectorMachine} runs whole commands on a scratchpad); {@link LlamaVectorProgram}
 * builds the language model's operations from them.
 *
 * <p>Rounding is the GEMM engine's rule everywhere, round half up ({@link LlamaVectorOps#roundShift});
 * every overflow saturates to the output width of the command (int32, int16 or int8).
 *
 * <ul>
 *   <li>Exponential: 2^z for z ≤ 0 in Q16, the fraction from a 257-entry Q15 table of 2^(k/256)
 *       with linear interpolation on the 8 low bits, then shifted right by the integer part
 *       (z is clamped to [−31, 0]).</li>
 *   <li>Sigmoid: a 513-entry Q16 table of σ(k/32), k = 0..512 (x in [0, 16]) with linear
 *       interpolation on 11 low bits of |x| in Q16; σ(x) = 1 for x ≥ 16; σ(−x) = 1 − σ(x).</li>
 *   <li>Reciprocal: r(v) = min(⌊(2^46 + ⌊v/2⌋) / v⌋, 2^31 − 1) for v ≥ 1 (v ≤ 0 counts as 1).</li>
 * </ul>
 */
public final class VectorReference {
    private VectorReference() {
    }

    /** Fraction bits of exponentials and probabilities (32768 = 1.0). */
    public static final int Q = 15;
    /**
     * Fraction bits of the sigmoid (65536 = 1.0): one bit more than Q15, which the language model
     * needs to keep teacher-forced agreement at 98 % (195/200 with Q15 tables).
     */
    public static final int SIGMOID_Q = 16;
    /** log2(e) in Q14, the multiplier that turns natural-log differences into base-2 exponents. */
    public static final int LOG2E_Q14 = 23638;
    /** The smallest exponent z (Q16) the exponential takes: 2^−31 is 0 in Q15. */
    public static final long EXP_MIN_Z = -31L << 16;
    /** Entries of the exponential table: 2^(k/256) in Q15 for k = 0..256. */
    public static final int EXP_ENTRIES = 257;
    /** Entries of the sigmoid table: σ(k/32) in Q16 for k = 0..512. */
    public static final int SIGMOID_ENTRIES = 513;
    /** |x| (Q16) from which σ(x) is 1. */
    public static final long SIGMOID_LIMIT = 16L << 16;
    /** Bits of the reciprocal's numerator: r = 2^46 / v. */
    public static final int RECIP_BITS = 46;
    /** The largest reciprocal (31 bits). */
    public static final long RECIP_MAX = (1L << 31) - 1;

    private static final int[] EXP_TABLE = new int[EXP_ENTRIES];
    private static final int[] SIGMOID_TABLE = new int[SIGMOID_ENTRIES];
    private static final int QUANT_RECIP_BITS = 22;

    static {
        for (int k = 0; k < EXP_ENTRIES; k++) {
            EXP_TABLE[k] = (int) Math.round(StrictMath.pow(2, k / 256.0) * (1 << Q));
        }
        for (int k = 0; k < SIGMOID_ENTRIES; k++) {
            SIGMOID_TABLE[k] = (int) Math.round((1 << SIGMOID_Q) / (1 + StrictMath.exp(-k / 32.0)));
        }
    }

    /** Entry k of the exponential table (k in 0..256). */
    public static int expTable(int k) {
        return EXP_TABLE[k];
    }

    /** Entry k of the sigmoid table (k in 0..512). */
    public static int sigmoidTable(int k) {
        return SIGMOID_TABLE[k];
    }

    /** Saturates v to a signed width of 32, 16 or 8 bits. */
    public static long saturate(long v, int width) {
        long max = (1L << (width - 1)) - 1;
        return Math.max(-max - 1, Math.min(max, v));
    }

    /** ADD: (a + b)·mult, rounded right by shift, saturated. */
    public static long add(long a, long b, int mult, int shift, int width) {
        return saturate(roundShift((a + b) * mult, shift), width);
    }

    /** MUL: a·b rounded right by shift, saturated. */
    public static long mul(long a, long b, int shift, int width) {
        return saturate(roundShift(a * b, shift), width);
    }

    /** SCALE (the GEMM requantization rule): a·mult rounded right by shift, saturated. */
    public static long scale(long a, int mult, int shift, int width) {
        return saturate(roundShift(a * mult, shift), width);
    }

    /** 2^z in Q15 for z (Q16) clamped to [−31, 0]. */
    public static long exp2(long zQ16) {
        long z = Math.max(EXP_MIN_Z, Math.min(0, zQ16));
        long n = z >> 16;
        long f = z - (n << 16);
        int k = (int) (f >> 8);
        long lo = f & 0xFF;
        long m = EXP_TABLE[k] + (((EXP_TABLE[k + 1] - EXP_TABLE[k]) * lo + 128) >> 8);
        return roundShift(m, (int) -n);
    }

    /** EXP: 2^z with z = (a − max)·mult rounded right by shift, in Q15, saturated. */
    public static long exp(long a, long max, int mult, int shift, int width) {
        return saturate(exp2(roundShift((a - max) * mult, shift)), width);
    }

    /** σ(x) in Q16 for x = a·2^−frac. */
    public static long sigmoid(long a, int frac) {
        long mag = Math.abs(a);
        long x = frac >= 16 ? roundShift(mag, frac - 16) : Math.min(SIGMOID_LIMIT, mag << (16 - frac));
        long s;
        if (x >= SIGMOID_LIMIT) {
            s = 1 << SIGMOID_Q;
        } else {
            int k = (int) (x >> 11);
            long lo = x & 0x7FF;
            s = SIGMOID_TABLE[k] + (((SIGMOID_TABLE[k + 1] - SIGMOID_TABLE[k]) * lo + 1024) >> 11);
        }
        return a < 0 ? (1 << SIGMOID_Q) - s : s;
    }

    /** SILU: a·σ(a) in a's own format (a = real·2^frac), saturated. */
    public static long silu(long a, int frac, int width) {
        return saturate(roundShift(a * sigmoid(a, frac), SIGMOID_Q), width);
    }

    /** The reciprocal r(v) = min(⌊(2^46 + ⌊v/2⌋)/v⌋, 2^31 − 1), v ≤ 0 counting as 1. */
    public static long reciprocal(long v) {
        long d = Math.max(1, v);
        return Math.min(RECIP_MAX, ((1L << RECIP_BITS) + d / 2) / d);
    }

    /** NORM: a·r(v) rounded right by shift, saturated (with shift 31, a·2^15/v). */
    public static long norm(long a, long v, int shift, int width) {
        return saturate(roundShift(a * reciprocal(v), shift), width);
    }

    /**
     * RMS: ⌊√v⌋ with v = clamp(S·mult + eps, 0, 2^62 − 1), S = Σ sat(roundShift(a_i², shift))
     * summed exactly; with mult = 2^16/len it is the root mean square times 2^8.
     */
    public static long rms(long[] a, int mult, int shift, int width, long eps) {
        long s = 0;
        for (long x : a) {
            s += saturate(roundShift(x * x, shift), width);
        }
        long v = s * mult + eps;
        return isqrt(Math.max(0, Math.min(RADICAND_MAX, v)));
    }

    /** The largest radicand of RMS (62 bits: the root fits in 31). */
    public static final long RADICAND_MAX = (1L << 62) - 1;
    /** 255·127: the largest m·2^−d whose mantissa fits in 8 bits. */
    private static final long QUANT_M1_MAX = 255L * 127;

    /**
     * QUANT's result: int8 values q, the per-vector scale mant·2^d (the real value of q_i is
     * q_i·mant·2^d in the input's units), the first index of max|a|.
     */
    public record Quantized(long[] q, int mant, int d, int maxIndex) {
        /** The scale as QUANT writes it: d·2^16 + mant. */
        public long scaleWord() {
            return (long) d * 65536 + mant;
        }
    }

    /**
     * QUANT: m = min(max|a_i|, 2^31 − 1) (a_i int32), d ≥ −16 the smallest with
     * m·2^−d ≤ 255·127, mant = ⌈m·2^−d / 127⌉ (0 for a zero vector), recip = ⌊(2^22 + ⌊mant/2⌋)/mant⌋
     * (0 for mant 0), q_i = sat8(roundShift(a_i·recip, 22 + d)).
     */
    public static Quantized quant(long[] a) {
        long m = 0;
        int at = 0;
        for (int i = 0; i < a.length; i++) {
            long mag = Math.min(Integer.MAX_VALUE, Math.abs(a[i]));
            if (mag > m) {
                m = mag;
                at = i;
            }
        }
        int e = 0;
        while (-Math.floorDiv(-(m << 16), 1L << e) > QUANT_M1_MAX) {
            e++;
        }
        long m1 = -Math.floorDiv(-(m << 16), 1L << e);
        int mant = (int) ((m1 + 126) / 127);
        long recip = mant == 0 ? 0 : ((1L << QUANT_RECIP_BITS) + mant / 2) / mant;
        long[] q = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            q[i] = saturate(roundShift(a[i] * recip, QUANT_RECIP_BITS + e - 16), 8);
        }
        return new Quantized(q, mant, e - 16, at);
    }

    /**
     * ROPE on pairs (a[2k], a[2k+1]) with b[2k] = cos, b[2k+1] = sin (the low 16 bits, signed):
     * (a0·c − a1·s, a1·c + a0·s), each rounded right by shift once and saturated.
     */
    public static long[] rope(long[] a, long[] b, int shift, int width) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i += 2) {
            long c = (short) b[i];
            long s = (short) b[i + 1];
            out[i] = saturate(roundShift(a[i] * c - a[i + 1] * s, shift), width);
            out[i + 1] = saturate(roundShift(a[i + 1] * c + a[i] * s, shift), width);
        }
        return out;
    }

    /** ⌊√v⌋ for v ≥ 0, bit by bit (two radicand bits per step, as the hardware's loop). */
    public static long isqrt(long v) {
        long r = 0;
        for (long bit = 1L << 62; bit > 0; bit >>= 2) {
            if (v >= r + bit) {
                v -= r + bit;
                r = (r >> 1) + bit;
            } else {
                r >>= 1;
            }
        }
        return r;
    }
}
