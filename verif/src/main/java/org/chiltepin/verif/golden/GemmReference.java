package org.chiltepin.verif.golden;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bit-exact reference of the GEMM engine, written from docs/gemm.md: the command word, the
 * statuses, the scratchpad/accumulator layouts, wrapping int32 accumulation and requantization.
 * It executes a command program in order, one command after the other, which is what the
 * hardware must be indistinguishable from.
 */
public final class GemmReference {

    /**
     * The engine's dimensions: array rows × cols, memory depths in words, the dataflow, which
     * decides COMPUTE's scratchpad layouts, and whether LOAD_B can transpose (bit 13).
     */
    public record Params(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth,
            boolean weightStationary, boolean transposeLoad) {
        public Params(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth,
                boolean weightStationary) {
            this(rows, cols, aDepth, bDepth, accDepth, scaleDepth, weightStationary, false);
        }

        public Params(int rows, int cols, int aDepth, int bDepth, int accDepth, int scaleDepth) {
            this(rows, cols, aDepth, bDepth, accDepth, scaleDepth, false);
        }

        public int dataBytes() {
            return Math.max(3, Math.max(rows, cols));
        }
    }

    // Opcodes and statuses (docs/gemm.md).
    public static final int FENCE = 0;
    public static final int LOAD_A = 1;
    public static final int LOAD_B = 2;
    public static final int LOAD_SCALE = 3;
    public static final int COMPUTE = 4;
    public static final int STORE = 5;
    public static final int READ_ACC = 6;
    public static final int READ_COUNTER = 7;
    public static final int CLEAR_COUNTERS = 8;
    public static final int OK = 0;
    public static final int BAD_OPCODE = 1;
    public static final int BAD_SIZE = 2;
    public static final int BAD_RANGE = 3;
    public static final int COUNTERS = 6;
    /** The transposing LOAD_B's bit of the reserved field (command bit 13). */
    public static final int TRANSPOSE = 1;

    /** A 128-bit command word: field values as in the table of docs/gemm.md. */
    public record Command(int opcode, int tag, boolean flag, int addr0, int addr1, int addr2, int count, int n, int k,
            int reserved) {
        public static Command of(int opcode, int tag, boolean flag, int addr0, int addr1, int addr2, int count, int n,
                int k) {
            return new Command(opcode, tag, flag, addr0, addr1, addr2, count, n, k, 0);
        }

        /**
         * A transposing LOAD_B of {@code rows} beats, each one row of {@code k} bytes: byte j of beat t
         * goes to lane t mod cols of B word {@code addr0 + ⌊t/cols⌋·k + j}.
         */
        public static Command loadBTransposed(int tag, int addr0, int rows, int k) {
            return new Command(LOAD_B, tag, false, addr0, 0, 0, rows, 0, k, TRANSPOSE);
        }

        /** The word as an unsigned 128-bit integer. */
        public BigInteger word() {
            BigInteger w = BigInteger.ZERO;
            w = w.or(BigInteger.valueOf(opcode & 0xF));
            w = w.or(BigInteger.valueOf((long) (tag & 0xFF) << 4));
            w = w.or(BigInteger.valueOf(flag ? 1L << 12 : 0));
            w = w.or(BigInteger.valueOf((long) (reserved & 0x7) << 13));
            w = w.or(BigInteger.valueOf(addr0 & 0xFFFF).shiftLeft(16));
            w = w.or(BigInteger.valueOf(addr1 & 0xFFFF).shiftLeft(32));
            w = w.or(BigInteger.valueOf(addr2 & 0xFFFF).shiftLeft(48));
            w = w.or(BigInteger.valueOf(count & 0xFFFF).shiftLeft(64));
            w = w.or(BigInteger.valueOf(n & 0xFFFF).shiftLeft(80));
            w = w.or(BigInteger.valueOf(k & 0xFFFF).shiftLeft(96));
            w = w.or(BigInteger.valueOf((reserved >>> 3) & 0xFFFF).shiftLeft(112));
            return w;
        }
    }

    /** A response: which command, how it ended, and the counter value for READ_COUNTER. */
    public record Response(int tag, int opcode, int status, long value) {
    }

    /** One output beat: {@code cols} signed lanes (int8 results sign-extended) and the last flag. */
    public record Beat(long[] lanes, boolean last) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Beat b && b.last == last && Arrays.equals(b.lanes, lanes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(lanes) * 31 + (last ? 1 : 0);
        }

        @Override
        public String toString() {
            return Arrays.toString(lanes) + (last ? " last" : "");
        }
    }

    private final Params p;
    private final byte[][] a;
    private final byte[][] b;
    private final int[][] acc;
    private final int[] mult;
    private final int[] shift;
    private final List<Response> responses = new ArrayList<>();
    private final List<Beat> beats = new ArrayList<>();
    private int dataIndex;

    public GemmReference(Params p) {
        this.p = p;
        a = new byte[p.aDepth()][p.rows()];
        b = new byte[p.bDepth()][p.cols()];
        acc = new int[p.accDepth()][p.cols()];
        mult = new int[p.scaleDepth()];
        shift = new int[p.scaleDepth()];
    }

    public List<Response> responses() {
        return responses;
    }

    public List<Beat> beats() {
        return beats;
    }

    /**
     * round(acc × mult / 2^shift), rounding half up (toward +∞), then ReLU if asked, then
     * saturation to [−128, 127]. The product is exact (48 bits).
     */
    public static int requantize(int acc, int mult, int shift, boolean relu) {
        long product = (long) acc * mult;
        long r;
        if (shift == 0) {
            r = product;
        } else if (shift > 50) {
            r = 0; // |product| < 2^47 <= 2^(shift-1): rounds to 0
        } else {
            r = (product + (1L << (shift - 1))) >> shift;
        }
        if (relu && r < 0) {
            r = 0;
        }
        return (int) Math.max(-128, Math.min(127, r));
    }

    /** Executes {@code commands} in order, reading LOAD data from {@code data}. */
    public void run(List<Command> commands, List<byte[]> data) {
        for (Command c : commands) {
            execute(c, data);
        }
    }

    private static long ceilDiv(long x, int d) {
        return (x + d - 1) / d;
    }

    private void respond(Command c, int status, long value) {
        responses.add(new Response(c.tag() & 0xFF, c.opcode() & 0xF, status, value));
    }

    public void execute(Command c, List<byte[]> data) {
        int op = c.opcode();
        // Bit 13 is the transposing LOAD_B's where the engine has it, reserved everywhere else.
        boolean transpose = p.transposeLoad() && op == LOAD_B && (c.reserved() & TRANSPOSE) != 0;
        int reserved = transpose ? c.reserved() & ~TRANSPOSE : c.reserved();
        boolean known = reserved == 0 && op >= FENCE && op <= CLEAR_COUNTERS;
        if (!known) {
            // A LOAD with reserved bits set is rejected like one past the end of its memory: its
            // count data beats are consumed and discarded (the data stream stays aligned with the
            // commands), the memory is unchanged.
            if ((op == LOAD_A || op == LOAD_B || op == LOAD_SCALE) && c.count() > 0) {
                dataIndex += c.count();
            }
            respond(c, BAD_OPCODE, 0);
            return;
        }
        int rows = p.rows();
        int cols = p.cols();
        long mBlocks = ceilDiv(c.count(), rows);
        long nBlocks = ceilDiv(c.n(), cols);
        switch (op) {
            case FENCE, CLEAR_COUNTERS -> respond(c, OK, 0);
            case READ_COUNTER -> respond(c, c.addr0() < COUNTERS ? OK : BAD_RANGE, c.addr0() < COUNTERS ? -1 : 0);
            case LOAD_A, LOAD_B, LOAD_SCALE -> {
                if (transpose) {
                    loadTransposed(c, data);
                    return;
                }
                if (c.count() == 0) {
                    respond(c, BAD_SIZE, 0);
                    return;
                }
                int depth = op == LOAD_A ? p.aDepth() : op == LOAD_B ? p.bDepth() : p.scaleDepth();
                boolean inRange = (long) c.addr0() + c.count() <= depth;
                for (int i = 0; i < c.count(); i++) {
                    byte[] beat = data.get(dataIndex++);
                    if (!inRange) {
                        continue;
                    }
                    int at = c.addr0() + i;
                    if (op == LOAD_A) {
                        System.arraycopy(beat, 0, a[at], 0, rows);
                    } else if (op == LOAD_B) {
                        System.arraycopy(beat, 0, b[at], 0, cols);
                    } else {
                        mult[at] = (short) ((beat[0] & 0xFF) | (beat[1] << 8));
                        shift[at] = beat[2] & 0xFF;
                    }
                }
                respond(c, inRange ? OK : BAD_RANGE, 0);
            }
            case COMPUTE -> {
                if (c.count() == 0 || c.n() == 0 || c.k() == 0) {
                    respond(c, BAD_SIZE, 0);
                    return;
                }
                if (p.weightStationary()) {
                    computeWeightStationary(c, nBlocks);
                } else {
                    computeOutputStationary(c, mBlocks, nBlocks);
                }
            }
            case STORE, READ_ACC -> {
                if (c.count() == 0 || c.n() == 0) {
                    respond(c, BAD_SIZE, 0);
                    return;
                }
                boolean store = op == STORE;
                if (c.addr0() + c.count() * nBlocks > p.accDepth()
                        || store && ((long) c.addr1() + c.n() > p.scaleDepth() || c.addr1() % cols != 0)) {
                    respond(c, BAD_RANGE, 0);
                    return;
                }
                for (int i = 0; i < c.count(); i++) {
                    for (int nb = 0; nb < nBlocks; nb++) {
                        int word = (int) (c.addr0() + i * nBlocks + nb);
                        long[] lanes = new long[cols];
                        for (int j = 0; j < cols; j++) {
                            int column = nb * cols + j;
                            if (column >= c.n()) {
                                continue;
                            }
                            int ch = c.addr1() + column;
                            lanes[j] = store ? requantize(acc[word][j], mult[ch], shift[ch], c.flag()) : acc[word][j];
                        }
                        boolean last = i == c.count() - 1 && nb == nBlocks - 1;
                        beats.add(new Beat(lanes, last));
                    }
                }
                respond(c, OK, 0);
            }
            default -> throw new IllegalStateException("unreachable opcode " + op);
        }
    }

    /**
     * The transposing LOAD_B: beat t's byte j (j < k) into lane t mod cols of B word
     * {@code addr0 + ⌊t/cols⌋·k + j}. k = 0 is BAD_SIZE (nothing consumed); k past the beat's
     * bytes or words past the scratchpad are BAD_RANGE (the beats consumed, nothing written).
     */
    private void loadTransposed(Command c, List<byte[]> data) {
        int cols = p.cols();
        if (c.count() == 0 || c.k() == 0) {
            respond(c, BAD_SIZE, 0);
            return;
        }
        long blocks = ceilDiv(c.count(), cols);
        boolean inRange = c.k() <= p.dataBytes() && blocks <= p.bDepth() && c.addr0() + blocks * c.k() <= p.bDepth();
        for (int t = 0; t < c.count(); t++) {
            byte[] beat = data.get(dataIndex++);
            if (inRange) {
                for (int j = 0; j < c.k(); j++) {
                    b[c.addr0() + t / cols * c.k() + j][t % cols] = beat[j];
                }
            }
        }
        respond(c, inRange ? OK : BAD_RANGE, 0);
    }

    /**
     * Output-stationary COMPUTE: pass (mb, nb) multiplies A words {@code addr0 + mb·K + k} (lane r =
     * row mb·rows + r) by B words {@code addr1 + nb·K + k} into acc words
     * {@code addr2 + (mb·rows + r)·nBlocks + nb}.
     */
    private void computeOutputStationary(Command c, long mBlocks, long nBlocks) {
        int rows = p.rows();
        int cols = p.cols();
        long k = c.k();
        if (c.addr0() + mBlocks * k > p.aDepth() || c.addr1() + nBlocks * k > p.bDepth()
                || c.addr2() + mBlocks * nBlocks * rows > p.accDepth()) {
            respond(c, BAD_RANGE, 0);
            return;
        }
        for (int mb = 0; mb < mBlocks; mb++) {
            for (int nb = 0; nb < nBlocks; nb++) {
                for (int r = 0; r < rows; r++) {
                    int word = (int) (c.addr2() + (mb * rows + r) * nBlocks + nb);
                    for (int j = 0; j < cols; j++) {
                        int sum = c.flag() ? acc[word][j] : 0;
                        for (int x = 0; x < k; x++) {
                            sum += a[(int) (c.addr0() + mb * k + x)][r] * b[(int) (c.addr1() + nb * k + x)][j];
                        }
                        acc[word][j] = sum; // int arithmetic wraps exactly like the 32-bit accumulator
                    }
                }
            }
        }
        respond(c, OK, 0);
    }

    /**
     * Weight-stationary COMPUTE: for K block kb, A word {@code addr0 + kb·M + m} holds
     * A[m][kb·rows + i] in lane i, and B words {@code addr1 + (nb·kBlocks + kb)·rows + i} hold
     * B[kb·rows + i][nb·cols + j]; row m of the result goes to acc word {@code addr2 + m·nBlocks + nb},
     * added to it for kb > 0 or when the command accumulates.
     */
    private void computeWeightStationary(Command c, long nBlocks) {
        int rows = p.rows();
        int cols = p.cols();
        long m = c.count();
        long kBlocks = ceilDiv(c.k(), rows);
        if (c.addr0() + kBlocks * m > p.aDepth() || c.addr1() + nBlocks * kBlocks * rows > p.bDepth()
                || c.addr2() + m * nBlocks > p.accDepth()) {
            respond(c, BAD_RANGE, 0);
            return;
        }
        for (int nb = 0; nb < nBlocks; nb++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                for (int row = 0; row < m; row++) {
                    int word = (int) (c.addr2() + row * nBlocks + nb);
                    byte[] aw = a[(int) (c.addr0() + kb * m + row)];
                    for (int j = 0; j < cols; j++) {
                        int sum = kb > 0 || c.flag() ? acc[word][j] : 0;
                        for (int i = 0; i < rows; i++) {
                            sum += aw[i] * b[(int) (c.addr1() + (nb * kBlocks + kb) * rows + i)][j];
                        }
                        acc[word][j] = sum;
                    }
                }
            }
        }
        respond(c, OK, 0);
    }

    /** C = requantize(A·B) per output column, the whole GEMM in one step (int8 in, int8 out). */
    public static int[][] gemm(int[][] a, int[][] b, int[] mult, int[] shift, boolean relu) {
        int m = a.length;
        int k = b.length;
        int n = b[0].length;
        int[][] c = new int[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int x = 0; x < k; x++) {
                    sum += a[i][x] * b[x][j];
                }
                c[i][j] = requantize(sum, mult[j], shift[j], relu);
            }
        }
        return c;
    }
}
