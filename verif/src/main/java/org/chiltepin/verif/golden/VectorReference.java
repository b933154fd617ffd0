package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.LlamaVectorOps.roundShift;
import static org.chiltepin.verif.golden.LlamaVectorOps.sat32;

/**
 * Bit-exact golden model of the vector unit's arithmetic (issue #15, docs/numerics.md section
 * "Vector unit"), written from the specification and independent of the hardware. The static
 * methods are the per-element and per-vector operations of the unit's commands
 * ({@link VectorMachine} runs whole commands on a scratchpad); the instance implements the
 * language model's {@link LlamaVectorOps} with them.
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
public final class VectorReference implements LlamaVectorOps {
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
    private static final int ROPE_FRAC = 14;
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

    // ---- the language model's operations ----

    private final int headSize;
    private final short[][] cos;
    private final short[][] sin;

    /** RoPE tables for positions 0..seqLen−1 and heads of {@code headSize} values. */
    public VectorReference(int seqLen, int headSize) {
        this.headSize = headSize;
        cos = new short[seqLen][headSize / 2];
        sin = new short[seqLen][headSize / 2];
        for (int pos = 0; pos < seqLen; pos++) {
            for (int i = 0; i < headSize / 2; i++) {
                double angle = pos * StrictMath.pow(10000, -2.0 * i / headSize);
                cos[pos][i] = (short) Math.round(StrictMath.cos(angle) * (1 << ROPE_FRAC));
                sin[pos][i] = (short) Math.round(StrictMath.sin(angle) * (1 << ROPE_FRAC));
            }
        }
    }

    @Override
    public QVec quantize(Wide v) {
        long[] in = v.v();
        long max = 0;
        for (long x : in) {
            max = Math.max(max, Math.abs(x));
        }
        int pre = Math.max(0, 64 - Long.numberOfLeadingZeros(max) - 31); // at most 31 bits before the reciprocal
        max = roundShift(max, pre);
        byte[] q = new byte[in.length];
        if (max == 0) {
            return new QVec(q, 128, v.exp() + pre);
        }
        int d = -16;
        while (mantissa(max, d) > 255) {
            d++;
        }
        int mant = (int) mantissa(max, d);
        long recip = ((1L << QUANT_RECIP_BITS) + mant / 2) / mant;
        for (int i = 0; i < q.length; i++) {
            long r = roundShift(roundShift(in[i], pre) * recip, QUANT_RECIP_BITS + d);
            q[i] = (byte) Math.max(-127, Math.min(127, r));
        }
        return new QVec(q, mant, v.exp() + pre + d);
    }

    /** ceil(max / (127·2^d)). */
    private static long mantissa(long max, int d) {
        return d >= 0 ? -Math.floorDiv(-max, 127L << d) : -Math.floorDiv(-(max << -d), 127L);
    }

    @Override
    public long[] rescale(long[] v, short[] mult, int[] shift) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = sat32(roundShift(v[i] * mult[i], shift[i]));
        }
        return out;
    }

    @Override
    public QVec rmsnorm(int[] x, int fx, short[] gain, int gainFrac) {
        long ss = 0;
        for (int v : x) {
            ss += (long) v * v;
        }
        long mean = ss / x.length + Math.round(1e-5 * Math.pow(2, 2 * fx));
        long rms = isqrt(mean); // real rms = rms·2^−fx
        int b = 64 - Long.numberOfLeadingZeros(rms);
        long recip = (1L << (b + 15)) / rms; // 1/rms = recip·2^−(b+15)·2^fx, recip in (2^14, 2^15]
        long[] w = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            w[i] = (long) x[i] * gain[i] * recip;
        }
        return quantize(new Wide(w, -gainFrac - (b + 15)));
    }

    /** ⌊√v⌋ for v ≥ 0, bit by bit (two result bits per step of a hardware loop). */
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

    @Override
    public void rope(long[] v, int from, int len, int headSize, int pos) {
        if (headSize != this.headSize) {
            throw new IllegalArgumentException("headSize: tables were built for " + this.headSize + ", got " + headSize);
        }
        for (int i = from; i < from + len; i += 2) {
            int pair = ((i - from) % headSize) / 2;
            long c = cos[pos][pair];
            long s = sin[pos][pair];
            long v0 = v[i];
            long v1 = v[i + 1];
            v[i] = sat32(roundShift(v0 * c - v1 * s, ROPE_FRAC));
            v[i + 1] = sat32(roundShift(v0 * s + v1 * c, ROPE_FRAC));
        }
    }

    /**
     * Softmax as the unit runs it, four commands: MAX, EXP against the maximum with log2(e) in
     * Q14, SUM, NORM by that sum with shift 31.
     */
    @Override
    public long[] softmax(long[] s, int n, int exp) {
        int shift = -(exp + 2); // z·2^16 = d·2^exp·log2e·2^16 = d·LOG2E_Q14·2^(exp + 2)
        if (shift < 0 || shift > 63) {
            throw new IllegalArgumentException("exp: softmax scores need an exponent in [-65, -2], got " + exp);
        }
        long max = s[0];
        for (int t = 1; t < n; t++) {
            max = Math.max(max, s[t]);
        }
        long[] e = new long[n];
        long sum = 0;
        for (int t = 0; t < n; t++) {
            e[t] = exp(s[t], max, LOG2E_Q14, shift, 32);
            sum += e[t];
        }
        long[] p = new long[n];
        for (int t = 0; t < n; t++) {
            p[t] = norm(e[t], sum, 31, 32);
        }
        return p;
    }

    /** SILU on a (a's exponent is −frac), then the product with b in int64, quantized. */
    @Override
    public QVec siluMul(Wide a, Wide b) {
        if (a.exp() > 0) {
            throw new IllegalArgumentException("a.exp: SILU needs a fixed-point input (exponent <= 0), got " + a.exp());
        }
        long[] out = new long[a.v().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = silu(a.v()[i], -a.exp(), 32) * b.v()[i];
        }
        return quantize(new Wide(out, a.exp() + b.exp()));
    }

    @Override
    public void addResidual(int[] x, int fx, Wide y) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (int) sat32(x[i] + roundShift(y.v()[i], -(y.exp() + fx)));
        }
    }

    @Override
    public int argmax(long[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
