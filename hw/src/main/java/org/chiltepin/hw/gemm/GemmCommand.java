package org.chiltepin.hw.gemm;

/**
 * The GEMM engine's command word, 128 bits, as the hardware decodes it (docs/gemm.md is the
 * reference for software). Fields are unsigned unless noted.
 *
 * <pre>
 * bits     field   FENCE  LOAD_A/B   LOAD_SCALE  COMPUTE      STORE          READ_ACC   READ_COUNTER
 * [3:0]    opcode  0      1 / 2      3           4            5              6          7   (8 = CLEAR_COUNTERS)
 * [11:4]   tag     echoed in the response
 * [12]     flag    -      -          -           accumulate   relu           -          -
 * [31:16]  addr0   -      dst word   dst channel A word       acc word       acc word   counter index
 * [47:32]  addr1   -      -          -           B word       scale channel  -          -
 * [63:48]  addr2   -      -          -           acc word     -              -          -
 * [79:64]  count   -      words      channels    M            M              M          -
 * [95:80]  n       -      -          -           N            N              N          -
 * [111:96] k       -      -          -           K            -              -          -
 * [13]     transpose: LOAD_B only, on an engine with {@link GemmConfig#transposeLoad()}: beat t (a row of
 *          k bytes) goes down lane t mod cols of words addr0 + ⌊t/cols⌋·k + j; reserved otherwise
 * [111:96] k       also the bytes of a row for a transposing LOAD_B
 * [15:13], [127:112] reserved: must be 0, else the command answers BAD_OPCODE
 * </pre>
 */
public final class GemmCommand {
    private GemmCommand() {
    }

    public static final int WIDTH = 128;

    public static final int FENCE = 0;
    public static final int LOAD_A = 1;
    public static final int LOAD_B = 2;
    public static final int LOAD_SCALE = 3;
    public static final int COMPUTE = 4;
    public static final int STORE = 5;
    public static final int READ_ACC = 6;
    public static final int READ_COUNTER = 7;
    public static final int CLEAR_COUNTERS = 8;

    /** Response statuses. */
    public static final int OK = 0;
    public static final int BAD_OPCODE = 1;
    public static final int BAD_SIZE = 2;
    public static final int BAD_RANGE = 3;

    /** Counter indices for READ_COUNTER. */
    public static final int CYCLES = 0;
    public static final int BUSY = 1;
    public static final int MAC_ACTIVE = 2;
    public static final int STALL_INPUT = 3;
    public static final int STALL_OUTPUT = 4;
    public static final int STALL_HAZARD = 5;
    public static final int COUNTERS = 6;

    // Bit positions: {lsb, width}.
    static final int[] OPCODE = {0, 4};
    static final int[] TAG = {4, 8};
    static final int[] FLAG = {12, 1};
    /** The transposing LOAD_B's bit (one of the reserved bits where the engine has no transposing load). */
    public static final int TRANSPOSE = 13;
    static final int[] ADDR0 = {16, 16};
    static final int[] ADDR1 = {32, 16};
    static final int[] ADDR2 = {48, 16};
    static final int[] COUNT = {64, 16};
    static final int[] N = {80, 16};
    static final int[] K = {96, 16};
}
