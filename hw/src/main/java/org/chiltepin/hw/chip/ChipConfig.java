package org.chiltepin.hw.chip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.noc.NocConfig;

/**
 * Parameters of the {@link Chip}: a {@code k × m} mesh and the tile on each node (docs/chip.md).
 *
 * @param k          mesh columns (1..8)
 * @param m          mesh rows (1..8)
 * @param tiles      one {@link TileKind} per node, node n = y·k + x; exactly one control and one
 *                   memory tile, at least one GEMM tile; {@code vector} and {@code kv} are reserved
 *                   (not built yet)
 * @param bufferDepth flits per router buffer (2, 4, 8, 16)
 * @param gemm       the engine in every GEMM tile; its data word (dataBytes) must fit one 8-byte flit
 * @param memWords   external memory size in 8-byte words, a power of two in [16, 2^29]
 * @param cmdCredits commands the control tile may have outstanding per tile, a power of two in [1, 16]
 */
public record ChipConfig(int k, int m, List<TileKind> tiles, int bufferDepth, GemmConfig gemm, int memWords,
        int cmdCredits) {

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
    /** Words of a GEMM tile's DMA data queue. */
    public static final int DATA_QUEUE = 2 * MAX_BURST;

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
        for (TileKind t : List.of(TileKind.KV, TileKind.VECTOR)) {
            if (tiles.contains(t)) {
                throw new ConfigException("tiles", "kind " + t + " is reserved and not built yet", tiles);
            }
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

    /** Bits of a memory word address. */
    public int memAddrBits() {
        return Integer.numberOfTrailingZeros(memWords);
    }

    /** Named presets (docs/chip.md §6). */
    public static Map<String, ChipConfig> presets() {
        Map<String, ChipConfig> p = new LinkedHashMap<>();
        p.put("minimal", new ChipConfig(2, 2, layout(4, 2), 4, GemmConfig.preset("tiny"), 1 << 12, 4));
        p.put("default", new ChipConfig(3, 3, layout(9, 4), 4, GemmConfig.preset("default"), 1 << 20, 4));
        p.put("large", new ChipConfig(4, 4, layout(16, 8), 4, GemmConfig.preset("default"), 1 << 22, 4));
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

    public static ChipConfig preset(String name) {
        ChipConfig c = presets().get(name);
        if (c == null) {
            throw new ConfigException("preset", "must be one of " + presets().keySet(), name);
        }
        return c;
    }
}
