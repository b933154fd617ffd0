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
 *                       the flat row space lives in bank {@code r mod banks}; 1 with the AXI backend
 * @param backend        {@code "sram"} (on-chip banks) or {@code "axi"} (external memory through an
 *                       AXI4 master; a token's K and V rows form one {@code 2·rowBits} data word, so
 *                       kvHeads × headDim must be a power of two, at most 64, and a page at most
 *                       4 KiB)
 */
public record KvCacheConfig(int pageTokens, int numPages, int maxSeqs, int maxPagesPerSeq, int kvHeads, int headDim,
        int banks, String backend) {
    public static final int MAX_LANES = 1024;
    public static final String SRAM = "sram";
    public static final String AXI = "axi";
    /** AXI4 address width of the AXI backend. */
    public static final int AXI_ADDR_BITS = 32;

    /** An SRAM-backend configuration. */
    public KvCacheConfig(int pageTokens, int numPages, int maxSeqs, int maxPagesPerSeq, int kvHeads, int headDim,
            int banks) {
        this(pageTokens, numPages, maxSeqs, maxPagesPerSeq, kvHeads, headDim, banks, SRAM);
    }

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
        if (!SRAM.equals(backend) && !AXI.equals(backend)) {
            throw new ConfigException("backend", "must be \"sram\" or \"axi\"", backend);
        }
        if (AXI.equals(backend)) {
            if (banks != 1) {
                throw new ConfigException("banks", "must be 1 with the axi backend", banks);
            }
            if (Integer.bitCount(kvHeads * headDim) != 1 || kvHeads * headDim > 64) {
                throw new ConfigException("headDim", "kvHeads × headDim must be a power of two up to 64 with the axi backend",
                        headDim);
            }
            if (pageTokens > 128) {
                throw new ConfigException("pageTokens", "must be at most 128 with the axi backend (one burst per page)",
                        pageTokens);
            }
            if ((long) pageTokens * 2 * kvHeads * headDim > 4096) {
                throw new ConfigException("pageTokens", "a page (pageTokens × 2 × kvHeads × headDim bytes) must fit 4 KiB "
                        + "with the axi backend", pageTokens);
            }
            if ((long) numPages * pageTokens * 2 * kvHeads * headDim > (1L << AXI_ADDR_BITS)) {
                throw new ConfigException("numPages", "the pool must fit the 32-bit AXI address space", numPages);
            }
        }
    }

    /** Whether the K/V rows live behind the AXI4 master. */
    public boolean axi() {
        return AXI.equals(backend);
    }

    /** AXI data width in bits: one token's K row (low half) and V row (high half). */
    public int axiDataBits() {
        return 2 * rowBits();
    }

    /** Bytes per AXI data word (and per token in external memory). */
    public int axiWordBytes() {
        return axiDataBits() / 8;
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
        // The chip presets' KV tile (docs/chip.md §6): the default geometry with 640 pages and 128 pages per
        // sequence, so stories260K's whole context fits, one sequence per layer: 5 layers × 512 positions ×
        // 4 key/value heads of 8-byte rows = 640 pages × 16 tokens. Data SRAM 640 × 16 × 64-bit K and V rows
        // = 1,310,720 bits (1.25 Mbit, 160 KiB); block table 8 × 128 × 10 bits, free stack 640 × 10 bits.
        p.put("llm", new KvCacheConfig(16, 640, 8, 128, 2, 4, 2));
        // The default geometry with K/V rows in external memory: 128-bit AXI4 words.
        p.put("axi", new KvCacheConfig(16, 48, 8, 16, 2, 4, 1, AXI));
        p.put("tiny-axi", new KvCacheConfig(4, 12, 4, 4, 1, 4, 1, AXI));
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
