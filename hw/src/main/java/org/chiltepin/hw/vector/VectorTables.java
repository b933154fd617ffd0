package org.chiltepin.hw.vector;

/**
 * Contents of the vector unit's two tables (docs/numerics.md, "Vector unit"), computed here from
 * their definitions. Each ROM word holds an entry and the next one, {T[k+1], T[k]} (17 bits
 * each), so one read gives both ends of the linear interpolation.
 */
final class VectorTables {
    private VectorTables() {
    }

    /** Bits of one table entry (values up to 65536). */
    static final int ENTRY_BITS = 17;
    /** Words of the exponential ROM: k = 0..255. */
    static final int EXP_WORDS = 256;
    /** Words of the sigmoid ROM: k = 0..511. */
    static final int SIGMOID_WORDS = 512;

    /** 2^(k/256) in Q15, k = 0..256. */
    static long exp(int k) {
        return Math.round(StrictMath.pow(2, k / 256.0) * 32768);
    }

    /** σ(k/32) in Q16, k = 0..512. */
    static long sigmoid(int k) {
        return Math.round(65536 / (1 + StrictMath.exp(-k / 32.0)));
    }

    /** Fraction bits of QUANT's reciprocal of the mantissa. */
    static final int QUANT_RECIP_BITS = 22;

    /** ⌊(2^22 + ⌊k/2⌋) / k⌋ for k = 1..255, 0 for k = 0 (QUANT of a zero vector). */
    static long quantRecip(int k) {
        return k == 0 ? 0 : ((1L << QUANT_RECIP_BITS) + k / 2) / k;
    }

    static long[] quantRecipRom() {
        long[] w = new long[256];
        for (int k = 0; k < 256; k++) {
            w[k] = quantRecip(k);
        }
        return w;
    }

    static long[] expRom() {
        long[] w = new long[EXP_WORDS];
        for (int k = 0; k < EXP_WORDS; k++) {
            w[k] = exp(k + 1) << ENTRY_BITS | exp(k);
        }
        return w;
    }

    static long[] sigmoidRom() {
        long[] w = new long[SIGMOID_WORDS];
        for (int k = 0; k < SIGMOID_WORDS; k++) {
            w[k] = sigmoid(k + 1) << ENTRY_BITS | sigmoid(k);
        }
        return w;
    }
}
