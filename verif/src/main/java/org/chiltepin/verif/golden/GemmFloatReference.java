package org.chiltepin.verif.golden;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * Floating-point view of a requantized GEMM: the real value each int8 output approximates is
 * (A·B)[i][j] × mult[j] / 2^shift[j] (then ReLU, clamped to the int8 range). The difference to
 * the integer result is the quantization error, in units of the output's least significant bit;
 * round-half-up keeps it within ±0.5 wherever the output does not saturate.
 */
public final class GemmFloatReference {
    private GemmFloatReference() {
    }

    /** Error statistics in output LSBs. */
    public record Error(double maxAbs, double rms, long values, long saturated) {
    }

    /** The real-valued outputs, clamped to [−128, 127] like the hardware's saturation. */
    public static double[][] realOutputs(int[][] a, int[][] b, int[] mult, int[] shift, boolean relu) {
        RealMatrix product = toMatrix(a).multiply(toMatrix(b));
        int m = a.length;
        int n = b[0].length;
        double[][] y = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double v = product.getEntry(i, j) * mult[j] / Math.pow(2, shift[j]);
                if (relu) {
                    v = Math.max(0, v);
                }
                y[i][j] = Math.max(-128, Math.min(127, v));
            }
        }
        return y;
    }

    /** Compares integer outputs with the real ones. */
    public static Error error(int[][] quantized, double[][] real) {
        SummaryStatistics abs = new SummaryStatistics();
        double sumSquares = 0;
        long saturated = 0;
        for (int i = 0; i < real.length; i++) {
            for (int j = 0; j < real[i].length; j++) {
                double e = quantized[i][j] - real[i][j];
                abs.addValue(Math.abs(e));
                sumSquares += e * e;
                if (real[i][j] <= -128 || real[i][j] >= 127) {
                    saturated++;
                }
            }
        }
        long count = abs.getN();
        return new Error(abs.getMax(), Math.sqrt(sumSquares / Math.max(1, count)), count, saturated);
    }

    private static RealMatrix toMatrix(int[][] m) {
        double[][] d = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            d[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                d[i][j] = m[i][j];
            }
        }
        return new Array2DRowRealMatrix(d, false);
    }
}
