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

    /** √(Σ a_i² / n), the root mean square (RMS with mult = 2^16/n, shift s and ε = 0 gives it times 2^(8 − s/2)). */
    public static double rms(long[] a) {
        double sq = 0;
        for (long x : a) {
            sq += (double) x * x;
        }
        return FastMath.sqrt(sq / a.length);
    }

    /** a_i · 127 / max|a|: QUANT's int8 values without rounding (the scale max|a|/127). */
    public static double[] quant(long[] a) {
        double m = 0;
        for (long x : a) {
            m = Math.max(m, Math.abs((double) x));
        }
        double[] q = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            q[i] = m == 0 ? 0 : a[i] * 127 / m;
        }
        return q;
    }

    /** The exact rotation of (a0, a1) by θ: {a0·cos θ − a1·sin θ, a1·cos θ + a0·sin θ}. */
    public static double[] rope(long a0, long a1, double theta) {
        double c = FastMath.cos(theta);
        double s = FastMath.sin(theta);
        return new double[] {a0 * c - a1 * s, a1 * c + a0 * s};
    }
}
