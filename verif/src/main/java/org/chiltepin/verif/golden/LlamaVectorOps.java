package org.chiltepin.verif.golden;

/**
 * The non-matmul operations the integer llama model needs from the vector unit (issue #15), as
 * the integer model ({@link LlamaIntReference}) uses them. Vectors are integers with one scale
 * each: a {@link QVec} is int8 (what the GEMM tiles take) with an 8-bit mantissa and a
 * power-of-two exponent, a {@link Wide} a wider integer vector with a power-of-two exponent (GEMM
 * accumulators after per-channel scaling, RoPE, attention sums).
 *
 * <p>Every rounding is the GEMM engine's requantization rule, round half up
 * ({@link #roundShift}); every overflow saturates.
 */
public interface LlamaVectorOps {

    /**
     * int8 values with a per-vector scale: the real value of {@code q[i]} is
     * {@code q[i]·mant·2^exp}, mant in [128, 255].
     */
    record QVec(byte[] q, int mant, int exp) {
    }

    /** Wide integers with a per-vector scale: the real value of {@code v[i]} is {@code v[i]·2^exp}. */
    record Wide(long[] v, int exp) {
    }

    /**
     * Dynamic requantization to int8 with the smallest scale mant·2^d (mant in [128, 255]) that
     * covers max|v|/127, q = v / (mant·2^d) rounded (through a 22-bit reciprocal of mant), in
     * [−127, 127].
     */
    QVec quantize(Wide v);

    /**
     * Per-element scaling by the GEMM engine's rule, saturated to int32:
     * {@code sat32(roundShift(v[i]·mult[i], shift[i]))}, mult an int16.
     */
    long[] rescale(long[] v, short[] mult, int[] shift);

    /**
     * RMSNorm of the residual stream x (int32, real x·2^−fx) times the gain g (int16, real
     * g·2^−gainFrac), quantized to int8: x_i·g_i / sqrt(mean(x²) + 1e−5).
     */
    QVec rmsnorm(int[] x, int fx, short[] gain, int gainFrac);

    /**
     * Rotary position embedding in place on {@code v[from..from+len)}: each pair (2i, 2i+1) of a
     * head of {@code headSize} values turns by the angle pos·10000^(−2i'/headSize), i' being the
     * pair's index in its head.
     */
    void rope(long[] v, int from, int len, int headSize, int pos);

    /** Softmax of {@code s[0..n)} (real s·2^exp) as probabilities in Q15 (32768 = 1.0). */
    long[] softmax(long[] s, int n, int exp);

    /** SiLU(a)·b, element by element, quantized to int8. */
    QVec siluMul(Wide a, Wide b);

    /** Residual connection x += y, y converted to x's format (real x·2^−fx), saturated to int32. */
    void addResidual(int[] x, int fx, Wide y);

    /** The index of the largest value, the first one on ties. */
    int argmax(long[] v);

    /**
     * A wide vector whose per-element scaling is still to be applied: the {@link Wide}
     * {@code (rescale(acc, mult, shift), exp)} — a GEMM's int32 sums with their per-channel
     * multipliers, or values of different scales to be aligned. The chained operations below take
     * it so a chip can do the scaling in the same program as what follows.
     */
    record Scaled(long[] acc, short[] mult, int[] shift, int exp) {
    }

    /** The scaling of {@code s} done: {@link #rescale}, exponent {@code s.exp}. */
    default Wide wide(Scaled s) {
        return new Wide(rescale(s.acc(), s.mult(), s.shift()), s.exp());
    }

    // ---- chained operations (docs/llm.md §6.4): each is its sequence of the operations above, so an
    // implementation may run it as one program with the intermediates kept where they are

    /** x = the scaled embedding row (int32, x's format), then {@link #rmsnorm} of x. */
    default QVec embedNorm(int[] x, Scaled e, int fx, short[] gain, int gainFrac) {
        long[] r = rescale(e.acc(), e.mult(), e.shift());
        for (int i = 0; i < x.length; i++) {
            x[i] = (int) r[i];
        }
        return rmsnorm(x, fx, gain, gainFrac);
    }

    /** The residual {@link #addResidual} x += y (y scaled first), then {@link #rmsnorm} of the new x. */
    default QVec addNorm(int[] x, int fx, Scaled y, short[] gain, int gainFrac) {
        addResidual(x, fx, wide(y));
        return rmsnorm(x, fx, gain, gainFrac);
    }

    /**
     * Attention's inputs: q, k and v scaled, {@link #rope} on q and k at {@code pos}, every head
     * of {@code headSize} values {@link #quantize}d: the q heads, then the k heads, then the v heads.
     */
    default QVec[] qkvHeads(Scaled q, Scaled k, Scaled v, int headSize, int pos) {
        Wide wq = wide(q);
        Wide wk = wide(k);
        Wide wv = wide(v);
        rope(wq.v(), 0, wq.v().length, headSize, pos);
        rope(wk.v(), 0, wk.v().length, headSize, pos);
        int nq = wq.v().length / headSize;
        int nk = wk.v().length / headSize;
        QVec[] out = new QVec[nq + 2 * nk];
        for (int h = 0; h < nq; h++) {
            out[h] = quantize(slice(wq, h * headSize, headSize));
        }
        for (int g = 0; g < nk; g++) {
            out[nq + g] = quantize(slice(wk, g * headSize, headSize));
            out[nq + nk + g] = quantize(slice(wv, g * headSize, headSize));
        }
        return out;
    }

    /**
     * Every head's attention probabilities: its scores scaled, {@link #softmax}, the Q15
     * probabilities rescaled by {@code pMult[h]}, {@code pShift[h]} (each times its value row's
     * scale), {@link #quantize}d at exponent −15.
     */
    default QVec[] attend(Scaled[] scores, short[][] pMult, int[][] pShift) {
        QVec[] out = new QVec[scores.length];
        for (int h = 0; h < scores.length; h++) {
            Wide s = wide(scores[h]);
            long[] prob = softmax(s.v(), s.v().length, s.exp());
            out[h] = quantize(new Wide(rescale(prob, pMult[h], pShift[h]), -15));
        }
        return out;
    }

    /** {@link #argmax} of a scaled vector (the classifier's logits). */
    default int argmax(Scaled v) {
        return argmax(wide(v).v());
    }

    /** {@link #quantize} of a scaled vector. */
    default QVec quantize(Scaled v) {
        return quantize(wide(v));
    }

    /** {@link #siluMul} of two scaled vectors. */
    default QVec siluMul(Scaled a, Scaled b) {
        return siluMul(wide(a), wide(b));
    }

    /** Values {@code from .. from + len} of {@code v}, same exponent. */
    static Wide slice(Wide v, int from, int len) {
        return new Wide(java.util.Arrays.copyOfRange(v.v(), from, from + len), v.exp());
    }

    /**
     * round(v / 2^s), half up (the GEMM engine's rule, computed as it does: t = v >> (s − 1), then
     * (t + 1) >> 1, which cannot overflow); s ≤ 0 multiplies by 2^−s, saturating to the long range.
     */
    static long roundShift(long v, int s) {
        if (s > 0) {
            long t = v >> Math.min(s - 1, 63);
            return (t + 1) >> 1;
        }
        if (s == 0 || v == 0) {
            return v;
        }
        if (-s >= 63 || v > Long.MAX_VALUE >> -s || v < Long.MIN_VALUE >> -s) {
            return v > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return v << -s;
    }

    /** Saturates to the int32 range. */
    static long sat32(long v) {
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
