package org.chiltepin.hw.gemm;

import java.util.LinkedHashMap;
import java.util.Map;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.array.ArrayConfig;

/**
 * Parameters of the {@link GemmEngine}: an int8 × int8 → int32 output-stationary array of
 * {@code rows × cols} PEs and its memories. Depths count words: an A word is {@code rows} int8
 * values, a B word {@code cols} int8 values, an accumulator word {@code cols} int32 values.
 *
 * @param rows       PE rows, a power of two in [1, 32]
 * @param cols       PE columns, a power of two in [1, 32]
 * @param aDepth     A scratchpad words, a power of two in [16, 65536]
 * @param bDepth     B scratchpad words, a power of two in [16, 65536]
 * @param accDepth   accumulator words, a power of two in [max(16, 2·rows), 65536]
 * @param scaleDepth requantization channels (multiplier and shift each), a power of two in
 *                   [max(16, 2·cols), 65536]
 * @param requantLanes lanes requantized per cycle (each a 32 × 16-bit multiplier), a power of
 *                   two in [1, cols]; below cols a STORE beat takes cols / requantLanes cycles
 * @param dataflow   the array core: output-stationary (accumulators in the PEs, K streams
 *                   through) or weight-stationary (a rows × cols block of B held in the PEs,
 *                   rows of A stream through); it decides the scratchpad layouts of COMPUTE
 * @param fpgaProfile the FPGA profile: the same commands and results, with the control sized for a
 *                   small FPGA — performance counters of {@link #FPGA_COUNTER_WIDTH} bits (they wrap;
 *                   READ_COUNTER zero-extends them), and the units' address ranges, block counters and
 *                   range registers {@link #rangeWidth()} = log2(largest memory) + 1 bits instead of the
 *                   17 of a command field (a command out of range is rejected before it reaches a
 *                   unit, so in-range values always fit). docs/fpga.md, section 7, has what it saves
 * @param transposeLoad the transposing LOAD_B (command bit {@link GemmCommand#TRANSPOSE}): beat t, one row of
 *                   K bytes, goes down lane t mod cols of B words {@code addr0 + ⌊t/cols⌋·K + j}, so a
 *                   COMPUTE multiplies by the rows' transpose (attention scores q·Kᵀ). The B scratchpad is
 *                   then {@code cols} byte-wide lane memories; false in the FPGA profile (its engines stay small)
 */
public record GemmConfig(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth, int requantLanes,
        Dataflow dataflow, boolean fpgaProfile, boolean transposeLoad) {

    /** How the array keeps its operands; see docs/gemm.md for each one's COMPUTE layout. */
    public enum Dataflow {
        OUTPUT_STATIONARY("output-stationary"),
        WEIGHT_STATIONARY("weight-stationary");

        private final String label;

        Dataflow(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Input element width (int8). */
    public static final int INPUT_WIDTH = 8;
    /** Accumulator width (int32, wrapping). */
    public static final int ACC_WIDTH = 32;
    /** Width of a requantization multiplier (signed). */
    public static final int MULT_WIDTH = 16;
    /** Width of a requantization shift (unsigned; shifts of 48 and more give 0). */
    public static final int SHIFT_WIDTH = 8;
    /** Width of each performance counter, and of a response's value. */
    public static final int COUNTER_WIDTH = 48;
    /** Width of each performance counter in the FPGA profile (2^32 cycles: 107 s at 40 MHz). */
    public static final int FPGA_COUNTER_WIDTH = 32;
    /** Width of a range end made of a 16-bit command address and a 16-bit count. */
    public static final int FIELD_RANGE_WIDTH = 17;

    public GemmConfig {
        powerOfTwo("rows", rows, 1, ArrayConfig.MAX_DIM);
        powerOfTwo("cols", cols, 1, ArrayConfig.MAX_DIM);
        powerOfTwo("aDepth", aDepth, 16, 65536);
        powerOfTwo("bDepth", bDepth, 16, 65536);
        powerOfTwo("accDepth", accDepth, Math.max(16, 2 * rows), 65536);
        powerOfTwo("scaleDepth", scaleDepth, Math.max(16, 2 * cols), 65536);
        powerOfTwo("requantLanes", requantLanes, 1, cols);
        if (dataflow == null) {
            throw new ConfigException("dataflow", "must be one of [output-stationary, weight-stationary]", "null");
        }
        if (transposeLoad && fpgaProfile) {
            throw new ConfigException("transposeLoad", "must be false in the FPGA profile", true);
        }
    }

    /** A configuration without the transposing LOAD_B. */
    public GemmConfig(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth, int requantLanes,
            Dataflow dataflow, boolean fpgaProfile) {
        this(rows, cols, aDepth, bDepth, accDepth, scaleDepth, requantLanes, dataflow, fpgaProfile, false);
    }

    /** A configuration of the full (not FPGA) profile. */
    public GemmConfig(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth, int requantLanes,
            Dataflow dataflow) {
        this(rows, cols, aDepth, bDepth, accDepth, scaleDepth, requantLanes, dataflow, false);
    }

    /** The same engine in the FPGA profile ({@code on}, which has no transposing load) or the full one. */
    public GemmConfig withFpgaProfile(boolean on) {
        return new GemmConfig(rows, cols, aDepth, bDepth, accDepth, scaleDepth, requantLanes, dataflow, on,
                transposeLoad && !on);
    }

    /** The same engine with ({@code on}) or without the transposing LOAD_B. */
    public GemmConfig withTransposeLoad(boolean on) {
        return new GemmConfig(rows, cols, aDepth, bDepth, accDepth, scaleDepth, requantLanes, dataflow, fpgaProfile, on);
    }

    /**
     * FPGA profile from 8 MACs up: the requantization and range multipliers are
     * {@link SerialMultiplier}s (shift-add, one bit a cycle), since the array's int8 product
     * pairs take half or more of the iCE40 UP5K's 8 SB_MAC16s (all of them at 16 MACs) and a
     * 32 × 16 multiplier in LUTs is about 1500 of its 5280 cells. Smaller profile engines keep
     * them in DSPs, where they cost no logic cells. Same results; longer latencies
     * ({@link GemmEngine#latencies}).
     */
    public boolean serialMultipliers() {
        return fpgaProfile && macsPerCycle() >= SERIAL_MULTIPLIER_MACS;
    }

    /** The array size from which the FPGA profile multiplies serially ({@link #serialMultipliers()}). */
    public static final int SERIAL_MULTIPLIER_MACS = 8;

    /** Bits of each performance counter. */
    public int counterWidth() {
        return fpgaProfile ? FPGA_COUNTER_WIDTH : COUNTER_WIDTH;
    }

    /**
     * Bits of the units' address ranges and block counters: log2 of the largest memory + 1 in the
     * FPGA profile (every range end of a legal command is at most that memory's depth), else
     * {@link #FIELD_RANGE_WIDTH}.
     */
    public int rangeWidth() {
        int largest = Math.max(Math.max(aDepth, bDepth), Math.max(accDepth, scaleDepth));
        return fpgaProfile ? log2(largest) + 1 : FIELD_RANGE_WIDTH;
    }

    /** An output-stationary configuration. */
    public GemmConfig(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth, int requantLanes) {
        this(rows, cols, aDepth, bDepth, accDepth, scaleDepth, requantLanes, Dataflow.OUTPUT_STATIONARY);
    }

    /** An output-stationary configuration requantizing all {@code cols} lanes per cycle. */
    public GemmConfig(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth) {
        this(rows, cols, aDepth, bDepth, accDepth, scaleDepth, cols);
    }

    public boolean weightStationary() {
        return dataflow == Dataflow.WEIGHT_STATIONARY;
    }

    private static void powerOfTwo(String field, int value, int min, int max) {
        if (value < min || value > max || Integer.bitCount(value) != 1) {
            throw new ConfigException(field, "must be a power of two in [" + min + ", " + max + "]", value);
        }
    }

    /** Named presets. */
    public static Map<String, GemmConfig> presets() {
        Map<String, GemmConfig> p = new LinkedHashMap<>();
        // The full presets have the transposing LOAD_B (the chip's attention scores); the FPGA one does not.
        p.put("default", new GemmConfig(8, 8, 4096, 4096, 1024, 256).withTransposeLoad(true));
        p.put("tiny", new GemmConfig(2, 2, 256, 256, 128, 16).withTransposeLoad(true));
        // The FPGA presets use the FPGA profile: same commands and results, control sized to the memories.
        p.put("fpga-small", new GemmConfig(4, 4, 512, 512, 256, 64, 1, Dataflow.OUTPUT_STATIONARY, true));
        p.put("large", new GemmConfig(16, 16, 8192, 8192, 2048, 512).withTransposeLoad(true));
        p.put("ws", new GemmConfig(8, 8, 4096, 4096, 1024, 256, 8, Dataflow.WEIGHT_STATIONARY).withTransposeLoad(true));
        p.put("tiny-ws", new GemmConfig(2, 2, 256, 256, 128, 16, 2, Dataflow.WEIGHT_STATIONARY).withTransposeLoad(true));
        return p;
    }

    public static GemmConfig preset(String name) {
        GemmConfig c = presets().get(name);
        if (c == null) {
            throw new ConfigException("preset", "must be one of " + presets().keySet(), name);
        }
        return c;
    }

    /** The array core inside the engine. */
    public ArrayConfig array() {
        return new ArrayConfig(rows, cols, INPUT_WIDTH, ACC_WIDTH);
    }

    /** Bytes per {@code s_axis_data} beat: one A or B word, and at least the 3 of a scale entry. */
    public int dataBytes() {
        return Math.max(3, Math.max(rows, cols));
    }

    public int macsPerCycle() {
        return rows * cols;
    }

    static int log2(int powerOfTwo) {
        return Integer.numberOfTrailingZeros(powerOfTwo);
    }
}
