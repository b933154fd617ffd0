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
