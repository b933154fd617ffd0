package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.LlamaVectorOps.roundShift;
import static org.chiltepin.verif.golden.LlamaVectorOps.sat32;

/**
 * Placeholder integer versions of the vector unit's operations, written to measure the integer
 * model's accuracy before the vector unit's golden model ({@code VectorReference}, issue #15)
 * exists. They are integer-only and deterministic, but they are not the hardware's
 * specification: when {@code VectorReference} lands, the integer model switches to it and this
 * class goes.
 *
 * <p>Formats: exponentials are 2^z with z in Q16, 2^frac from a 257-entry Q15 table with linear
 * interpolation; probabilities and sigmoids in Q15; RoPE cos/sin in Q14 from a table per
 * position; 1/rms and 1/sum by integer division.
 */
public final class InterimVectorOps implements LlamaVectorOps {
    /** log2(e) in Q30. */
    private static final long LOG2E_Q30 = 1_549_082_005L;
    /** 2^(k/256) in Q15 for k = 0..256. */
    private static final long[] EXP2_TABLE = new long[257];
    private static final int ROPE_FRAC = 14;
    /** Bits of the reciprocal of a scale mantissa. */
    private static final int RECIP_BITS = 22;

    static {
        for (int k = 0; k <= 256; k++) {
            EXP2_TABLE[k] = Math.round(StrictMath.pow(2, k / 256.0) * 32768);
        }
    }

    private final int headSize;
    private final short[][] cos;
    private final short[][] sin;

    /** Tables for positions 0..seqLen−1 and heads of {@code headSize} values. */
    public InterimVectorOps(int seqLen, int headSize) {
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
        long recip = ((1L << RECIP_BITS) + mant / 2) / mant;
        for (int i = 0; i < q.length; i++) {
            long r = roundShift(roundShift(in[i], pre) * recip, RECIP_BITS + d);
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

    /** floor(sqrt(v)) for v ≥ 0, bit by bit. */
    static long isqrt(long v) {
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
            throw new IllegalArgumentException("tables were built for heads of " + this.headSize + ", got " + headSize);
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

    /** 2^z for z ≤ 0 given in Q16, in Q15 (32768 = 1.0). */
    static long exp2(long zQ16) {
        long n = zQ16 >> 16; // ≤ 0
        long f = zQ16 - (n << 16); // [0, 2^16)
        int k = (int) (f >> 8);
        long lo = f & 0xFF;
        long m = EXP2_TABLE[k] + (((EXP2_TABLE[k + 1] - EXP2_TABLE[k]) * lo + 128) >> 8); // 2^frac in Q15
        return -n > 40 ? 0 : roundShift(m, (int) -n);
    }

    /** The Q16 base-2 exponent of e^(d·2^exp) for d ≤ 0: d·log2(e)·2^(exp+16). */
    private static long log2e(long d, int exp) {
        long clamped = Math.max(d, Integer.MIN_VALUE);
        return Math.max(roundShift(clamped * LOG2E_Q30, 14 - exp), -64L << 16);
    }

    @Override
    public long[] softmax(long[] s, int n, int exp) {
        long max = s[0];
        for (int t = 1; t < n; t++) {
            max = Math.max(max, s[t]);
        }
        long[] e = new long[n];
        long sum = 0;
        for (int t = 0; t < n; t++) {
            e[t] = exp2(log2e(s[t] - max, exp));
            sum += e[t];
        }
        long[] p = new long[n];
        for (int t = 0; t < n; t++) {
            p[t] = ((e[t] << 15) + sum / 2) / sum;
        }
        return p;
    }

    /** σ(x) in Q15 for x = a·2^exp: 1/(1 + e^−x) from t = e^−|x|. */
    static long sigmoid(long a, int exp) {
        long t = exp2(log2e(-Math.abs(a), exp));
        long den = 32768 + t;
        return a >= 0 ? ((1L << 30) + den / 2) / den : ((t << 15) + den / 2) / den;
    }

    @Override
    public QVec siluMul(Wide a, Wide b) {
        long[] out = new long[a.v().length];
        for (int i = 0; i < out.length; i++) {
            long silu = roundShift(a.v()[i] * sigmoid(a.v()[i], a.exp()), 15); // same scale as a
            out[i] = silu * b.v()[i];
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
