package org.chiltepin.hw.kvcache;

import java.util.LinkedHashMap;
import java.util.Map;
import org.chiltepin.hw.ConfigException;

/**
 * Parameters of the paged {@link KvCacheController}: physical pages of {@code pageTokens} token
 * rows, each row a K vector and a V vector of {@code kvHeads × headDim} int8 values.
 *
 * @param pageTokens     token rows per physical page (power of two, 2..256)
 * @param numPages       physical pages in the pool (2..65536)
 * @param maxSeqs        sequence slots, i.e. block-table rows (2..64)
 * @param maxPagesPerSeq block-table entries per sequence (power of two, 2..4096); a sequence holds
 *                       at most {@code maxPagesPerSeq × pageTokens} tokens
 * @param kvHeads        key/value heads per token row (1..64)
 * @param headDim        int8 values per head (1..256); {@code kvHeads × headDim} at most 1024
 * @param banks          SRAM banks per K and V store (power of two, 1..pageTokens); token row r of
 *                       the flat row space lives in bank {@code r mod banks}
 */
public record KvCacheConfig(int pageTokens, int numPages, int maxSeqs, int maxPagesPerSeq, int kvHeads, int headDim,
        int banks) {
    public static final int MAX_LANES = 1024;

    public KvCacheConfig {
        requirePowerOfTwo("pageTokens", pageTokens, 2, 256);
        ConfigException.requireRange("numPages", numPages, 2, 65536);
        ConfigException.requireRange("maxSeqs", maxSeqs, 2, 64);
        requirePowerOfTwo("maxPagesPerSeq", maxPagesPerSeq, 2, 4096);
        ConfigException.requireRange("kvHeads", kvHeads, 1, 64);
        ConfigException.requireRange("headDim", headDim, 1, 256);
        if (kvHeads * headDim > MAX_LANES) {
            throw new ConfigException("headDim", "kvHeads × headDim must be at most " + MAX_LANES, headDim);
        }
        requirePowerOfTwo("banks", banks, 1, pageTokens);
    }

    private static void requirePowerOfTwo(String field, int value, int min, int max) {
        ConfigException.requireRange(field, value, min, max);
        if (Integer.bitCount(value) != 1) {
            throw new ConfigException(field, "must be a power of two", value);
        }
    }

    /** Named presets; {@code tiny} keeps rows at 32 bits for fast co-simulation. */
    public static Map<String, KvCacheConfig> presets() {
        Map<String, KvCacheConfig> p = new LinkedHashMap<>();
        // 48 pages × 16 tokens × 64-bit K and V rows = 96 Kbit of data SRAM (24 iCE40 EBRs).
        p.put("default", new KvCacheConfig(16, 48, 8, 16, 2, 4, 2));
        p.put("tiny", new KvCacheConfig(4, 12, 4, 4, 1, 4, 1));
        p.put("large", new KvCacheConfig(16, 1024, 64, 128, 8, 8, 4));
        return p;
    }

    /** The preset called {@code name}; a {@link ConfigException} names the known ones otherwise. */
    public static KvCacheConfig preset(String name) {
        KvCacheConfig c = presets().get(name);
        if (c == null) {
            throw new ConfigException("preset", "must be one of " + presets().keySet(), name);
        }
        return c;
    }

    /** int8 values per K (or V) row. */
    public int lanes() {
        return kvHeads * headDim;
    }

    /** Width of one K (or V) row in bits. */
    public int rowBits() {
        return 8 * lanes();
    }

    /** Most tokens one sequence can hold. */
    public int maxTokens() {
        return maxPagesPerSeq * pageTokens;
    }

    /** Width of sequence ids on the command and response streams. */
    public int seqBits() {
        return bitsFor(maxSeqs - 1);
    }

    /** Width of a physical page number. */
    public int pageBits() {
        return bitsFor(numPages - 1);
    }

    /** Width of a token slot within a page. */
    public int slotBits() {
        return Integer.numberOfTrailingZeros(pageTokens);
    }

    /** Width of a logical page index within a sequence. */
    public int logicalPageBits() {
        return Integer.numberOfTrailingZeros(maxPagesPerSeq);
    }

    /** Width of token counts and positions (0..maxTokens). */
    public int lengthBits() {
        return bitsFor(maxTokens());
    }

    /** Width of a count of pages held by one sequence (0..maxPagesPerSeq). */
    public int pagesBits() {
        return bitsFor(maxPagesPerSeq);
    }

    /** Width of pool counters (0..numPages). */
    public int poolBits() {
        return bitsFor(numPages);
    }

    /** Width of a page's reference count (0..maxSeqs). */
    public int refBits() {
        return bitsFor(maxSeqs);
    }

    /** Width of the bank index. */
    public int bankBits() {
        return Integer.numberOfTrailingZeros(banks);
    }

    /** Cycles after reset during which the free-page pool is initialised and commands wait. */
    public int initCycles() {
        return numPages;
    }

    /** Bits of data SRAM (K and V, all banks). */
    public long dataBits() {
        return 2L * numPages * pageTokens * rowBits();
    }

    /** Bits needed to hold values 0..max. */
    static int bitsFor(int max) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
    }
}
