package org.chiltepin.verif.golden;

/**
 * Bit-exact reference for the systolic array: C = A·B with signed {@code inputWidth}-bit
 * elements, exact products, and accumulation in {@code accWidth}-bit two's complement that wraps
 * on overflow (docs/numerics.md). Written from the specification, independently of the hardware
 * code ({@code hw} is not on this package's class path; a test checks the compiled classes).
 *
 * <p>Because wrap-around addition is modular, the result does not depend on the order of the K
 * additions, which is what lets a tiled or reordered implementation match it bit for bit.
 */
public final class MatMulReference {
    private MatMulReference() {
    }

    /** Interprets the low {@code width} bits of {@code value} as a two's-complement number. */
    public static long wrap(long value, int width) {
        if (width < 1 || width > 64) {
            throw new IllegalArgumentException("width must be in [1, 64], got " + width);
        }
        int shift = 64 - width;
        return (value << shift) >> shift;
    }

    /** Smallest signed value of {@code width} bits. */
    public static long minSigned(int width) {
        return -(1L << (width - 1));
    }

    /** Largest signed value of {@code width} bits. */
    public static long maxSigned(int width) {
        return (1L << (width - 1)) - 1;
    }

    /**
     * C[i][j] = wrap_accWidth(Σ_k A[i][k] · B[k][j]).
     *
     * @param a          rows × K, each element a signed {@code inputWidth}-bit value
     * @param b          K × cols, likewise
     * @param inputWidth element width, 2..16
     * @param accWidth   accumulator width, 2·inputWidth..64
     */
    public static long[][] multiply(int[][] a, int[][] b, int inputWidth, int accWidth) {
        if (inputWidth < 2 || inputWidth > 16) {
            throw new IllegalArgumentException("inputWidth must be in [2, 16], got " + inputWidth);
        }
        if (accWidth < 2 * inputWidth || accWidth > 64) {
            throw new IllegalArgumentException("accWidth must be in [" + 2 * inputWidth + ", 64], got " + accWidth);
        }
        int rows = a.length;
        int k = rows == 0 ? 0 : a[0].length;
        if (rows == 0 || k == 0 || b.length != k || b[0].length == 0) {
            throw new IllegalArgumentException("shapes must be rows×K and K×cols with rows, K, cols ≥ 1");
        }
        int cols = b[0].length;
        checkRange("A", a, inputWidth, k);
        checkRange("B", b, inputWidth, cols);
        long[][] c = new long[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                long acc = 0;
                for (int x = 0; x < k; x++) {
                    acc = wrap(acc + (long) a[i][x] * b[x][j], accWidth);
                }
                c[i][j] = acc;
            }
        }
        return c;
    }

    private static void checkRange(String name, int[][] m, int width, int rowLength) {
        long lo = minSigned(width);
        long hi = maxSigned(width);
        for (int i = 0; i < m.length; i++) {
            if (m[i].length != rowLength) {
                throw new IllegalArgumentException(name + " is ragged at row " + i);
            }
            for (int j = 0; j < rowLength; j++) {
                if (m[i][j] < lo || m[i][j] > hi) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + j + "] = " + m[i][j]
                            + " is outside the signed " + width + "-bit range [" + lo + ", " + hi + "]");
                }
            }
        }
    }
}
