package org.chiltepin.hw.vector;

/**
 * The vector unit's command word, 128 bits, as the hardware decodes it (docs/vector.md is the
 * reference for software). Fields are unsigned unless noted.
 *
 * <pre>
 * bits      field  meaning
 * [3:0]     op     1 LOAD, 2 STORE, 3 ADD, 4 MUL, 5 SCALE, 6 EXP, 7 SILU, 8 NORM, 9 MAX, 10 SUM,
 *                  11 RMS, 12 QUANT, 13 ROPE
 * [5:4]     sat    output width: 0 int32, 1 int16, 2 int8 (3: BAD_OPCODE)
 * [15:8]    tag    echoed in the response
 * [31:16]   dst    destination word (a multiple of lanes)
 * [47:32]   srcA   source A word (a multiple of lanes)
 * [63:48]   srcB   source B word (ADD, MUL, ROPE: a multiple of lanes), scalar word (EXP, NORM,
 *                  RMS) or QUANT's scale word
 * [79:64]   len    elements, 1..words
 * [95:80]   mult   multiplier, signed 16 bits (ADD, SCALE, EXP, RMS)
 * [103:96]  shift  right shift with rounding, 0..63 (SILU: fraction bits of A); above 63: BAD_OPCODE
 * [7:6], [127:104] ignored
 * </pre>
 */
public final class VectorCommand {
    private VectorCommand() {
    }

    public static final int WIDTH = 128;

    public static final int LOAD = 1;
    public static final int STORE = 2;
    public static final int ADD = 3;
    public static final int MUL = 4;
    public static final int SCALE = 5;
    public static final int EXP = 6;
    public static final int SILU = 7;
    public static final int NORM = 8;
    public static final int MAX = 9;
    public static final int SUM = 10;
    public static final int RMS = 11;
    public static final int QUANT = 12;
    public static final int ROPE = 13;
    /** The last legal opcode. */
    public static final int LAST = ROPE;
    /** Not a command: what the lanes run in QUANT's first pass (|a|). */
    static final int LANE_ABS = 14;

    /** Response statuses. */
    public static final int OK = 0;
    public static final int BAD_OPCODE = 1;
    public static final int BAD_SIZE = 2;
    public static final int BAD_RANGE = 3;

    // Bit positions: {lsb, width}.
    static final int[] OP = {0, 4};
    static final int[] SAT = {4, 2};
    static final int[] TAG = {8, 8};
    static final int[] DST = {16, 16};
    static final int[] SRC_A = {32, 16};
    static final int[] SRC_B = {48, 16};
    static final int[] LEN = {64, 16};
    static final int[] MULT = {80, 16};
    static final int[] SHIFT = {96, 8};
}
