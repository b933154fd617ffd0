package org.chiltepin.hw.chip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.hw.vector.VectorConfig;

/**
 * Parameters of the {@link Chip}: a {@code k × m} mesh and the tile on each node (docs/chip.md).
 *
 * @param k          mesh columns (1..8)
 * @param m          mesh rows (1..8)
 * @param tiles      one {@link TileKind} per node, node n = y·k + x; exactly one control and one
 *                   memory tile, at least one GEMM tile, at most one KV and one vector tile
 * @param bufferDepth flits per router buffer (2, 4, 8, 16)
 * @param gemm       the engine in every GEMM tile; its data word (dataBytes) must fit one 8-byte flit
 * @param kv         the paged KV cache of the KV tile (SRAM backend, a K or V row at most 8 bytes,
 *                   at most 4095 pages, 16..65535 tokens per sequence); used only when a kv tile is placed
 * @param vector     the vector unit of the vector tile; used only when a vector tile is placed
 * @param memWords   external memory size in 8-byte words, a power of two in [16, 2^29]
 * @param cmdCredits commands the control tile may have outstanding per tile, a power of two in [1, 16]
 */
public record ChipConfig(int k, int m, List<TileKind> tiles, int bufferDepth, GemmConfig gemm, KvCacheConfig kv,
        VectorConfig vector, int memWords, int cmdCredits) {

    /** What sits on a node. */
    public enum TileKind {
        EMPTY("empty"), CONTROL("control"), MEMORY("memory"), GEMM("gemm"), KV("kv"), VECTOR("vector");

        private final String label;

        TileKind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Flit width: one 64-bit memory word (and one 8×8 operand word) per flit. */
    public static final int FLIT_WIDTH = 64;
    /** Words in the largest message (and DMA burst). */
    public static final int MAX_BURST = 16;
    /** Tag bits the chip's message header needs (docs/chip.md §4). */
    public static final int TAG_BITS = 41;
    /** Status of a command for a node without a GEMM tile (docs/chip.md §2). */
    public static final int BAD_TILE = 4;
    /** Status of a DMA move past the end of external memory. */
    public static final int BAD_MEM = 5;
    /** Status of a GEMM load from the KV tile whose token range the sequence does not hold. */
    public static final int BAD_KV = 6;
    /** A KV controller status s ≠ 0 is answered as {@code KV_STATUS + s} (docs/chip.md §3). */
    public static final int KV_STATUS = 8;
    /** Words of a GEMM tile's DMA data queue. */
    public static final int DATA_QUEUE = 2 * MAX_BURST;
    /** Words of a GEMM tile's result buffer, the source of tile → tile loads (docs/chip.md §1). */
    public static final int TILE_BUFFER = 256;

    public ChipConfig {
        ConfigException.requireRange("k", k, 1, NocConfig.MAX_DIM);
        ConfigException.requireRange("m", m, 1, NocConfig.MAX_DIM);
        if (tiles == null || tiles.size() != k * m) {
            throw new ConfigException("tiles", "must list one kind per node (" + k * m + ")",
                    tiles == null ? "null" : tiles.size());
        }
        tiles = List.copyOf(tiles);
        requireCount(tiles, TileKind.CONTROL, 1, 1);
        requireCount(tiles, TileKind.MEMORY, 1, 1);
        requireCount(tiles, TileKind.GEMM, 1, k * m);
        requireCount(tiles, TileKind.KV, 0, 1);
        requireCount(tiles, TileKind.VECTOR, 0, 1);
        if (tiles.contains(TileKind.VECTOR) && vector == null) {
            throw new ConfigException("vector", "must be a vector unit configuration when a vector tile is placed", "null");
        }
        if (tiles.contains(TileKind.KV)) {
            requireKv(kv);
        }
        if (gemm == null) {
            throw new ConfigException("gemm", "must be a GEMM engine configuration", "null");
        }
        if (gemm.dataBytes() > FLIT_WIDTH / 8 || gemm.weightStationary()) {
            throw new ConfigException("gemm", "must be output-stationary with rows, cols <= 8 (a data word fits one flit)",
                    gemm.rows() + "x" + gemm.cols() + " " + gemm.dataflow());
        }
        if (memWords < 16 || memWords > (1 << 29) || Integer.bitCount(memWords) != 1) {
            throw new ConfigException("memWords", "must be a power of two in [16, 2^29]", memWords);
        }
        if (cmdCredits < 1 || cmdCredits > 16 || Integer.bitCount(cmdCredits) != 1) {
            throw new ConfigException("cmdCredits", "must be a power of two in [1, 16]", cmdCredits);
        }
        NocConfig noc = new NocConfig(k, m, FLIT_WIDTH, bufferDepth, MAX_BURST, "xy");
        if (noc.tagWidth() < TAG_BITS) {
            throw new ConfigException("k", "leaves a " + noc.tagWidth() + "-bit message tag, the chip needs " + TAG_BITS, k);
        }
    }

    /** A chip whose KV cache, if a kv tile is placed, is the default KV preset. */
    public ChipConfig(int k, int m, List<TileKind> tiles, int bufferDepth, GemmConfig gemm, int memWords, int cmdCredits) {
        this(k, m, tiles, bufferDepth, gemm, KvCacheConfig.preset("default"), memWords, cmdCredits);
    }

    /** A chip whose vector unit, if a vector tile is placed, is the tiny vector preset. */
    public ChipConfig(int k, int m, List<TileKind> tiles, int bufferDepth, GemmConfig gemm, KvCacheConfig kv, int memWords,
            int cmdCredits) {
        this(k, m, tiles, bufferDepth, gemm, kv, VectorConfig.preset("tiny"), memWords, cmdCredits);
    }

    private static void requireKv(KvCacheConfig kv) {
        if (kv == null) {
            throw new ConfigException("kv", "must be a KV cache configuration when a kv tile is placed", "null");
        }
        if (kv.axi() || kv.rowBits() > FLIT_WIDTH) {
            throw new ConfigException("kv", "must use the sram backend with K/V rows of at most 8 bytes",
                    kv.backend() + ", " + kv.rowBits() / 8 + " bytes");
        }
        if (kv.numPages() > 4095 || kv.maxTokens() > 65535 || kv.maxTokens() < MAX_BURST) {
            throw new ConfigException("kv", "must have at most 4095 pages and 16..65535 tokens per sequence",
                    kv.numPages() + " pages, " + kv.maxTokens() + " tokens");
        }
    }

    private static void requireCount(List<TileKind> tiles, TileKind kind, int min, int max) {
        int n = Collections.frequency(tiles, kind);
        if (n < min || n > max) {
            throw new ConfigException("tiles", "must hold " + (min == max ? "exactly " + min : min + ".." + max) + " "
                    + kind + " tile(s)", n);
        }
    }

    /** The mesh both networks use. */
    public NocConfig noc() {
        return new NocConfig(k, m, FLIT_WIDTH, bufferDepth, MAX_BURST, "xy");
    }

    public int nodes() {
        return k * m;
    }

    public int node(TileKind kind) {
        return tiles.indexOf(kind);
    }

    /** Nodes of the GEMM tiles, in node order. */
    public List<Integer> gemmNodes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i++) {
            if (tiles.get(i) == TileKind.GEMM) {
                out.add(i);
            }
        }
        return out;
    }

    /** Nodes that take commands from the control tile (GEMM, KV and vector tiles), in node order. */
    public List<Integer> commandNodes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i++) {
            TileKind t = tiles.get(i);
            if (t == TileKind.GEMM || t == TileKind.KV || t == TileKind.VECTOR) {
                out.add(i);
            }
        }
        return out;
    }

    /** Whether a KV tile is placed. */
    public boolean hasKv() {
        return tiles.contains(TileKind.KV);
    }

    /** Whether a vector tile is placed. */
    public boolean hasVector() {
        return tiles.contains(TileKind.VECTOR);
    }

    /** Bits of a memory word address. */
    public int memAddrBits() {
        return Integer.numberOfTrailingZeros(memWords);
    }

    /** Named presets (docs/chip.md §6). */
    public static Map<String, ChipConfig> presets() {
        Map<String, ChipConfig> p = new LinkedHashMap<>();
        p.put("minimal", new ChipConfig(2, 2, layout(4, 2), 4, GemmConfig.preset("tiny"), 1 << 12, 4));
        // the smallest chip with a KV tile (2×2: control, memory, one GEMM, KV), for fast co-simulation
        p.put("minimal-kv", new ChipConfig(2, 2, withKv(layout(4, 1)), 4, GemmConfig.preset("tiny"),
                new KvCacheConfig(4, 12, 4, 4, 2, 4, 1), 1 << 12, 4));
        // the smallest chip with a vector tile (2×2: control, memory, one GEMM, vector)
        p.put("minimal-vec", new ChipConfig(2, 2, withVector(layout(4, 1)), 4, GemmConfig.preset("tiny"), KvCacheConfig.preset("default"),
                VectorConfig.preset("tiny"), 1 << 12, 4));
        // default and large: the vector tile on the first node the GEMM tiles and the KV tile leave free
        p.put("default", new ChipConfig(3, 3, withVector(withKv(layout(9, 4))), 4, GemmConfig.preset("default"),
                KvCacheConfig.preset("llm"), VectorConfig.preset("default"), 1 << 20, 4));
        p.put("large", new ChipConfig(4, 4, withVector(withKv(layout(16, 8))), 4, GemmConfig.preset("default"),
                KvCacheConfig.preset("llm"), VectorConfig.preset("default"), 1 << 22, 4));
        return p;
    }

    /** Control on node 0, memory on node 1, then {@code gemms} GEMM tiles, the rest empty. */
    static List<TileKind> layout(int nodes, int gemms) {
        List<TileKind> t = new ArrayList<>();
        t.add(TileKind.CONTROL);
        t.add(TileKind.MEMORY);
        for (int i = 2; i < nodes; i++) {
            t.add(i - 2 < gemms ? TileKind.GEMM : TileKind.EMPTY);
        }
        return t;
    }

    /** The layout with a KV tile on its first empty node. */
    static List<TileKind> withKv(List<TileKind> layout) {
        List<TileKind> t = new ArrayList<>(layout);
        t.set(t.indexOf(TileKind.EMPTY), TileKind.KV);
        return t;
    }

    /** The layout with a vector tile on its first empty node. */
    static List<TileKind> withVector(List<TileKind> layout) {
        List<TileKind> t = new ArrayList<>(layout);
        t.set(t.indexOf(TileKind.EMPTY), TileKind.VECTOR);
        return t;
    }

    public static ChipConfig preset(String name) {
        ChipConfig c = presets().get(name);
        if (c == null) {
            throw new ConfigException("preset", "must be one of " + presets().keySet(), name);
        }
        return c;
    }
}
