package org.chiltepin.hw.array;

import java.util.LinkedHashMap;
import java.util.Map;
import org.chiltepin.hw.ConfigException;

/**
 * Parameters of the output-stationary {@link SystolicArray}: {@code rows × cols} processing
 * elements, signed inputs of {@code inputWidth} bits, accumulators of {@code accWidth} bits that
 * wrap (two's complement) on overflow.
 *
 * @param rows       PE rows = rows of the result tile (1..32)
 * @param cols       PE columns = columns of the result tile (1..32)
 * @param inputWidth width of the signed A and B elements (2..16; 8 = int8)
 * @param accWidth   accumulator and result width (2 × inputWidth .. 64)
 */
public record ArrayConfig(int rows, int cols, int inputWidth, int accWidth) {
    public static final int MAX_DIM = 32;
    public static final int MIN_INPUT_WIDTH = 2;
    public static final int MAX_INPUT_WIDTH = 16;
    public static final int MAX_ACC_WIDTH = 64;

    public ArrayConfig {
        ConfigException.requireRange("rows", rows, 1, MAX_DIM);
        ConfigException.requireRange("cols", cols, 1, MAX_DIM);
        ConfigException.requireRange("inputWidth", inputWidth, MIN_INPUT_WIDTH, MAX_INPUT_WIDTH);
        // The full product (2 × inputWidth bits) must fit the accumulator, so wrap-around
        // is the only overflow: 64 bits is the most the simulation interface carries.
        ConfigException.requireRange("accWidth", accWidth, 2 * inputWidth, MAX_ACC_WIDTH);
    }

    /** Named presets; {@code default} is 8×8 int8 with 32-bit accumulators. */
    public static Map<String, ArrayConfig> presets() {
        Map<String, ArrayConfig> p = new LinkedHashMap<>();
        p.put("default", new ArrayConfig(8, 8, 8, 32));
        p.put("tiny", new ArrayConfig(2, 2, 8, 32));
        p.put("small", new ArrayConfig(4, 4, 8, 32));
        p.put("large", new ArrayConfig(16, 16, 8, 32));
        return p;
    }

    /** The preset called {@code name}; a {@link ConfigException} names the known ones otherwise. */
    public static ArrayConfig preset(String name) {
        ArrayConfig c = presets().get(name);
        if (c == null) {
            throw new ConfigException("preset", "must be one of " + presets().keySet(), name);
        }
        return c;
    }

    /** Width of the full product of two inputs. */
    public int productWidth() {
        return 2 * inputWidth;
    }

    /**
     * Minimum spacing, in accepted cycles, between the last beats of two tiles: a tile's result
     * rows leave one per cycle ({@code rows} cycles) and its results must be read before the
     * next tile overwrites them ({@code cols} cycles). Tiles with K at least this long stream
     * back to back.
     */
    public int tileSpacing() {
        return Math.max(rows, cols);
    }

    /** Cycles from accepting a tile's last beat to its first result row on {@code m_axis}. */
    public int firstRowLatency() {
        return cols;
    }

    /** Cycles from accepting a tile's last beat to its last result row on {@code m_axis}. */
    public int lastRowLatency() {
        return cols + rows - 1;
    }

    /**
     * Whether the PEs of a row take their products in pairs from shared {@link ProductPair}s:
     * with an even number of columns and operands of at most 8 bits (int8), so that each pair
     * can be one iCE40 SB_MAC16 in its two-8×8-products mode. Otherwise each PE multiplies.
     */
    public boolean pairedProducts() {
        return cols % 2 == 0 && inputWidth <= ProductPair.MAX_INPUT_WIDTH;
    }

    /** Number of {@link ProductPair}s in the array: rows × cols / 2 when paired, else 0. */
    public int productPairs() {
        return pairedProducts() ? rows * cols / 2 : 0;
    }

    /** Multiply-accumulates per cycle when the array is busy. */
    public int macsPerCycle() {
        return rows * cols;
    }
}
