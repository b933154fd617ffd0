package org.chiltepin.verif.golden;

import org.apache.commons.math3.util.FastMath;

/**
 * What the vector unit's operations approximate, in double precision (commons-math3's
 * {@code FastMath}), in the output's own units (LSBs): the accuracy reference of
 * {@code bench vector}. No rounding and no saturation happen here.
 */
public final class VectorFloatReference {
    private VectorFloatReference() {
    }

    public static double add(long a, long b, int mult, int shift) {
        return (double) (a + b) * mult / FastMath.pow(2.0, shift);
    }

    public static double mul(long a, long b, int shift) {
        return (double) a * b / FastMath.pow(2.0, shift);
    }

    public static double scale(long a, int mult, int shift) {
        return (double) a * mult / FastMath.pow(2.0, shift);
    }

    /** 2^((a − max)·mult / 2^(shift+16)) in Q15. */
    public static double exp(long a, long max, int mult, int shift) {
        return FastMath.pow(2.0, (double) (a - max) * mult / FastMath.pow(2.0, shift + 16)) * 32768;
    }

    /** x·σ(x) for x = a·2^−frac, in a's LSBs. */
    public static double silu(long a, int frac) {
        double x = a / FastMath.pow(2.0, frac);
        return x / (1 + FastMath.exp(-x)) * FastMath.pow(2.0, frac);
    }

    /** a·2^46 / v / 2^shift (v ≤ 0 counts as 1). */
    public static double norm(long a, long v, int shift) {
        return a * FastMath.pow(2.0, VectorReference.RECIP_BITS - shift) / Math.max(1, v);
    }

    /** Softmax of s·2^exp in Q15. */
    public static double[] softmax(long[] s, int exp) {
        double max = Double.NEGATIVE_INFINITY;
        for (long v : s) {
            max = Math.max(max, v);
        }
        double[] p = new double[s.length];
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            p[i] = FastMath.exp((s[i] - max) * FastMath.pow(2.0, exp));
            sum += p[i];
        }
        for (int i = 0; i < s.length; i++) {
            p[i] = p[i] / sum * 32768;
        }
        return p;
    }
}
