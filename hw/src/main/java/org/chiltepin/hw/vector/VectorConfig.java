package org.chiltepin.hw.vector;

import java.util.List;
import org.chiltepin.hw.ConfigException;

/**
 * Parameters of {@link VectorUnit}.
 *
 * @param lanes int32 elements processed per cycle and per data beat (a power of two, 2..32)
 * @param words scratchpad size in int32 words (a power of two, a multiple of lanes, at most 65536)
 */
public record VectorConfig(int lanes, int words) {
    /** Named presets, smallest first. */
    public static final List<String> PRESETS = List.of("tiny", "default", "large");

    public VectorConfig {
        ConfigException.requireRange("lanes", lanes, 2, 32);
        requirePowerOfTwo("lanes", lanes);
        ConfigException.requireRange("words", words, lanes, 65536);
        requirePowerOfTwo("words", words);
    }

    private static void requirePowerOfTwo(String field, int value) {
        if (Integer.bitCount(value) != 1) {
            throw new ConfigException(field, "must be a power of two", value);
        }
    }

    /** tiny: 4 lanes, 256 words; default: 8 lanes, 1024 words; large: 16 lanes, 4096 words. */
    public static VectorConfig preset(String name) {
        return switch (name) {
            case "tiny" -> new VectorConfig(4, 256);
            case "default" -> new VectorConfig(8, 1024);
            case "large" -> new VectorConfig(16, 4096);
            default -> throw new ConfigException("preset", "must be one of " + PRESETS, name);
        };
    }

    /** The presets by name, smallest first. */
    public static java.util.Map<String, VectorConfig> presets() {
        java.util.Map<String, VectorConfig> m = new java.util.LinkedHashMap<>();
        PRESETS.forEach(n -> m.put(n, preset(n)));
        return m;
    }

    /** Rows of the scratchpad (lanes words each). */
    public int rows() {
        return words / lanes;
    }

    /** log2(lanes). */
    public int laneBits() {
        return Integer.numberOfTrailingZeros(lanes);
    }

    /** Bits of a row address. */
    public int rowBits() {
        return Math.max(1, Integer.numberOfTrailingZeros(rows()));
    }

    /** Cycles from a row's read to its write or output beat (the lane pipeline). */
    public static int pipelineLatency() {
        return VectorLane.STAGES;
    }
}
