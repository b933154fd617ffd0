package org.chiltepin.verif.golden;

import static org.chiltepin.verif.golden.LlamaVectorOps.roundShift;
import static org.chiltepin.verif.golden.LlamaVectorOps.sat32;

/**
 * The language model's non-matmul operations as the vector unit's commands, bit for bit
 * (docs/numerics.md, "Vector unit"; docs/llm.md): every step is one {@link VectorReference}
 * command function on int32 vectors, with the shifts and multipliers a runtime would put in the
 * command words. The only host-side numbers are constants of the model (the RoPE table, ε, the
 * 1/n multiplier), computed once like the quantized weights.
 *
 * <ul>
 *   <li>RMSNorm: RMS (squares of x in Q{@code fx} rounded right by {@value #SQUARE_SHIFT},
 *       mult = round(2^(16+2j)/n), ε in the radicand's units) → ρ = rms·2^(fx + j); NORM by ρ
 *       (x/rms in Q{@value #NORMED_FRAC}); MUL by the int16 gain (Q{@value #GAINED_FRAC}); QUANT.</li>
 *   <li>QUANT: dynamic requantization of an int32 vector, scale mant·2^d.</li>
 *   <li>RoPE: ROPE with the position's cos/sin row (Q{@value #ROPE_FRAC}) repeated per head.</li>
 *   <li>Softmax: MAX, EXP (log2 e in Q14), SUM, NORM (shift 31): Q15 probabilities.</li>
 *   <li>SiLU(a)·b: SILU (a's fraction bits), MUL by b into Q{@value #HIDDEN_FRAC}, QUANT.</li>
 *   <li>Residual: SCALE of y to x's format, ADD. Argmax: MAX's index.</li>
 * </ul>
 */
public final class LlamaVectorProgram implements LlamaVectorOps {
    /** Fraction bits of the RoPE table (ROPE's shift). */
    public static final int ROPE_FRAC = 14;
    /** RMS rounds the squares of the Q16 residual right by 16: |x| < 181 squares without saturating. */
    public static final int SQUARE_SHIFT = 16;
    /** NORM's output, x/rms (|x/rms| ≤ √n). */
    public static final int NORMED_FRAC = 24;
    /** The gain product before QUANT. */
    public static final int GAINED_FRAC = 20;
    /** SiLU(a)·b before QUANT. */
    public static final int HIDDEN_FRAC = 20;
    /** RMSNorm's ε. */
    public static final double EPSILON = 1e-5;

    private final int headSize;
    private final short[][] cos;
    private final short[][] sin;

    /** RoPE tables for positions 0..seqLen−1 and heads of {@code headSize} values. */
    public LlamaVectorProgram(int seqLen, int headSize) {
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

    private static long[] int32(long[] v) {
        long[] a = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = sat32(v[i]); // the scratchpad holds int32 words
        }
        return a;
    }

    @Override
    public QVec quantize(Wide v) {
        VectorReference.Quantized q = VectorReference.quant(int32(v.v()));
        byte[] b = new byte[q.q().length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) q.q()[i];
        }
        return new QVec(b, q.mant(), v.exp() + q.d());
    }

    @Override
    public long[] rescale(long[] v, short[] mult, int[] shift) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = sat32(roundShift(v[i] * mult[i], shift[i]));
        }
        return out;
    }

    /** The largest j with round(2^(16+2j)/n) ≤ 32767: RMS's multiplier keeps 2j more bits of the root. */
    public static int rootBits(int n) {
        int j = 0;
        while (Math.round(Math.pow(2, 18 + 2 * j) / n) <= 32767) {
            j++;
        }
        return j;
    }

    @Override
    public QVec rmsnorm(int[] x, int fx, short[] gain, int gainFrac) {
        int n = x.length;
        int j = rootBits(n);
        int mult = (int) Math.round(Math.pow(2, 16 + 2 * j) / n);
        int rootFrac = fx - SQUARE_SHIFT / 2 + 8 + j; // ρ = rms·2^rootFrac
        long eps = Math.min(Integer.MAX_VALUE, Math.round(EPSILON * Math.pow(2, 2 * rootFrac)));
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = x[i];
        }
        long rho = VectorReference.rms(a, mult, SQUARE_SHIFT, 32, eps);
        int normShift = fx + VectorReference.RECIP_BITS - rootFrac - NORMED_FRAC;
        int gainShift = Math.max(0, NORMED_FRAC + gainFrac - GAINED_FRAC);
        long[] z = new long[n];
        for (int i = 0; i < n; i++) {
            long y = VectorReference.norm(a[i], rho, normShift, 32);
            z[i] = VectorReference.mul(y, gain[i], gainShift, 32);
        }
        return quantize(new Wide(z, gainShift - NORMED_FRAC - gainFrac));
    }

    /**
     * ROPE's B operand for {@code len} values at {@code pos}: cos, sin (Q{@value #ROPE_FRAC}) of
     * each pair, the position's row of the model's table repeated per head.
     */
    public long[] ropeRow(int pos, int len) {
        long[] b = new long[len];
        for (int i = 0; i < len; i += 2) {
            int pair = (i % headSize) / 2;
            b[i] = cos[pos][pair];
            b[i + 1] = sin[pos][pair];
        }
        return b;
    }

    @Override
    public void rope(long[] v, int from, int len, int headSize, int pos) {
        if (headSize != this.headSize) {
            throw new IllegalArgumentException("headSize: tables were built for " + this.headSize + ", got " + headSize);
        }
        long[] a = java.util.Arrays.copyOfRange(v, from, from + len);
        long[] out = VectorReference.rope(int32(a), ropeRow(pos, len), ROPE_FRAC, 32);
        System.arraycopy(out, 0, v, from, len);
    }

    /** MAX, EXP against the maximum with log2(e) in Q14, SUM, NORM by that sum with shift 31. */
    @Override
    public long[] softmax(long[] s, int n, int exp) {
        int shift = -(exp + 2); // z·2^16 = d·2^exp·log2e·2^16 = d·LOG2E_Q14·2^(exp + 2)
        if (shift < 0 || shift > 63) {
            throw new IllegalArgumentException("exp: softmax scores need an exponent in [-65, -2], got " + exp);
        }
        long[] a = int32(java.util.Arrays.copyOf(s, n));
        long max = a[argmax(a)];
        long[] e = new long[n];
        long sum = 0;
        for (int t = 0; t < n; t++) {
            e[t] = VectorReference.exp(a[t], max, VectorReference.LOG2E_Q14, shift, 32);
            sum += e[t];
        }
        sum = VectorReference.saturate(sum, 32); // SUM, shift 0
        long[] p = new long[n];
        for (int t = 0; t < n; t++) {
            p[t] = VectorReference.norm(e[t], sum, 31, 32);
        }
        return p;
    }

    /** SILU on a (fraction bits −a.exp), MUL by b rounded into Q{@value #HIDDEN_FRAC}, QUANT. */
    @Override
    public QVec siluMul(Wide a, Wide b) {
        int frac = -a.exp();
        if (frac < 0 || frac > 63) {
            throw new IllegalArgumentException("a.exp: SILU needs 0..63 fraction bits, got " + frac);
        }
        int shift = Math.min(63, Math.max(0, frac - b.exp() - HIDDEN_FRAC));
        long[] av = int32(a.v());
        long[] bv = int32(b.v());
        long[] out = new long[av.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = VectorReference.mul(VectorReference.silu(av[i], frac, 32), bv[i], shift, 32);
        }
        return quantize(new Wide(out, a.exp() + b.exp() + shift));
    }

    /** SCALE y to x's format (by 2^−s, or a multiplier 2^s up to 2^14), then ADD. */
    @Override
    public void addResidual(int[] x, int fx, Wide y) {
        int s = -(y.exp() + fx);
        if (s < -14 || s > 63) {
            throw new IllegalArgumentException("y.exp: a residual must be within 14 bits above Q" + fx + ", got 2^" + y.exp());
        }
        long[] yv = int32(y.v());
        for (int i = 0; i < x.length; i++) {
            long scaled = VectorReference.scale(yv[i], s >= 0 ? 1 : 1 << -s, Math.max(0, s), 32);
            x[i] = (int) VectorReference.add(x[i], scaled, 1, 0, 32);
        }
    }

    /** MAX: the first index of the largest value. */
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
