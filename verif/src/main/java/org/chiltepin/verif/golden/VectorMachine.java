package org.chiltepin.verif.golden;

import java.util.Arrays;

/**
 * The vector unit's commands on its scratchpad, bit-exact (docs/vector.md has the command format,
 * docs/numerics.md the arithmetic): the golden model a co-simulation compares the hardware with.
 * The scratchpad holds {@code words} int32 words in rows of {@code lanes}; vector operands start
 * on a row (address a multiple of lanes).
 *
 * <p>A command reads all its sources before it writes (vector semantics); a destination range
 * that overlaps a source range must start at the same address. An illegal command changes
 * nothing, consumes no data and returns an error status.
 */
public final class VectorMachine {
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
    private static final String[] NAMES = {"0", "LOAD", "STORE", "ADD", "MUL", "SCALE", "EXP", "SILU", "NORM", "MAX",
        "SUM", "RMS", "QUANT", "ROPE", "14", "15"};

    /** The command's name by opcode (docs/vector.md; the unused opcodes by number). */
    public static String name(int op) {
        return NAMES[op & 15];
    }

    public static final int OK = 0;
    public static final int BAD_OPCODE = 1;
    public static final int BAD_SIZE = 2;
    public static final int BAD_RANGE = 3;

    /** Output widths by the command's sat field. */
    private static final int[] WIDTHS = {32, 16, 8};

    /** A STORE's memory layout on the vector tile (bits [7:6], docs/chip.md §3.3): two int32 elements a word. */
    public static final int PACK_INT32 = 0;
    /** int8 (saturated) in byte 0 of one memory word per element: the GEMM A operand of one row. */
    public static final int PACK_A = 1;
    /** int8 (saturated) eight a word, element i in byte i mod 8 (a KV row, a GEMM STORE's beat). */
    public static final int PACK_BYTES = 2;

    /**
     * One command: opcode, output saturation (0 int32, 1 int16, 2 int8), tag, destination,
     * sources, length in elements, multiplier (int16) and shift (0..63); {@code pack} (bits
     * [7:6], reserved for the unit: non-zero is BAD_OPCODE here) is the vector tile's STORE layout.
     */
    public record Command(int op, int sat, int tag, int dst, int srcA, int srcB, int len, int mult, int shift, int pack) {
        public Command(int op, int sat, int tag, int dst, int srcA, int srcB, int len, int mult, int shift) {
            this(op, sat, tag, dst, srcA, srcB, len, mult, shift, 0);
        }

        /** The same command with the vector tile's pack field cleared (what the tile hands the unit). */
        public Command unpacked() {
            return new Command(op, sat, tag, dst, srcA, srcB, len, mult, shift, 0);
        }

        /** The 128-bit command word as two longs {low 64 bits, high 64 bits}. */
        public long[] encode() {
            long lo = (op & 0xFL) | (long) (sat & 3) << 4 | (long) (pack & 3) << 6 | (long) (tag & 0xFF) << 8
                    | (long) (dst & 0xFFFF) << 16
                    | (long) (srcA & 0xFFFF) << 32 | (long) (srcB & 0xFFFF) << 48;
            long hi = (len & 0xFFFFL) | (long) (mult & 0xFFFF) << 16 | (long) (shift & 0xFF) << 32;
            return new long[] {lo, hi};
        }
    }

    /** A command's response: status, the reduction's value (int32) and index (argmax of MAX). */
    public record Response(int tag, int op, int status, long value, int index) {
    }

    private final int lanes;
    private final long[] scratch;

    public VectorMachine(int lanes, int words) {
        this.lanes = lanes;
        this.scratch = new long[words];
    }

    public long[] scratchpad() {
        return scratch.clone();
    }

    /** True for the commands that read data beats (LOAD). */
    public static boolean readsData(int op) {
        return op == LOAD;
    }

    /** True for the commands that write data beats (STORE). */
    public static boolean writesData(int op) {
        return op == STORE;
    }

    private static boolean vectorB(int op) {
        return op == ADD || op == MUL || op == ROPE;
    }

    /** True for the commands whose srcB is one word: a scalar read (EXP, NORM, RMS) or QUANT's scale. */
    public static boolean scalarB(int op) {
        return op == EXP || op == NORM || op == RMS || op == QUANT;
    }

    /** True for the commands that write their result words at dst, dst + 1 (MAX, SUM, RMS). */
    public static boolean reduction(int op) {
        return op == MAX || op == SUM || op == RMS;
    }

    /** The status the command gets (OK when it is legal). */
    public int check(Command c) {
        if (c.op() < LOAD || c.op() > ROPE || c.sat() > 2 || c.shift() > 63 || c.pack() != 0) {
            return BAD_OPCODE;
        }
        int n = scratch.length;
        if (c.len() == 0 || c.len() > n || c.op() == ROPE && c.len() % 2 == 1) {
            return BAD_SIZE;
        }
        boolean readsA = c.op() != LOAD;
        boolean writesD = c.op() != STORE;
        int dLen = reduction(c.op()) ? 2 : c.len();
        if (readsA && !range(c.srcA(), c.len())
                || writesD && !range(c.dst(), dLen)
                || vectorB(c.op()) && !range(c.srcB(), c.len())
                || scalarB(c.op()) && c.srcB() >= n) {
            return BAD_RANGE;
        }
        if (writesD && !reduction(c.op()) && (readsA && overlaps(c.dst(), c.srcA(), c.len())
                || vectorB(c.op()) && overlaps(c.dst(), c.srcB(), c.len()))) {
            return BAD_RANGE;
        }
        return OK;
    }

    private boolean range(int at, int len) {
        return at % lanes == 0 && (long) at + len <= scratch.length;
    }

    private static boolean overlaps(int d, int s, int len) {
        return d != s && d < s + len && s < d + len;
    }

    /**
     * Runs one command; {@code in} holds LOAD's data (len values, int32), {@code out} receives
     * STORE's. Returns the response.
     */
    public Response execute(Command c, long[] in, long[] out) {
        int status = check(c);
        if (status != OK) {
            return new Response(c.tag(), c.op(), status, 0, 0);
        }
        int w = WIDTHS[c.sat()];
        int n = c.len();
        long[] a = Arrays.copyOfRange(scratch, c.srcA(), c.srcA() + n);
        long[] b = vectorB(c.op()) ? Arrays.copyOfRange(scratch, c.srcB(), c.srcB() + n) : null;
        long b0 = scratch[c.srcB()];
        long[] d = new long[n];
        long value = 0;
        int index = 0;
        switch (c.op()) {
            case LOAD -> {
                for (int i = 0; i < n; i++) {
                    d[i] = (int) in[i];
                }
            }
            case STORE -> System.arraycopy(a, 0, out, 0, n);
            case MAX -> {
                for (int i = 1; i < n; i++) {
                    if (a[i] > a[index]) {
                        index = i;
                    }
                }
                value = a[index];
            }
            case SUM -> {
                long s = 0;
                for (long x : a) {
                    s += x;
                }
                value = VectorReference.saturate(LlamaVectorOps.roundShift(s, c.shift()), w);
            }
            case RMS -> value = VectorReference.rms(a, c.mult(), c.shift(), w, b0);
            case QUANT -> {
                VectorReference.Quantized q = VectorReference.quant(a);
                System.arraycopy(q.q(), 0, d, 0, n);
                value = q.scaleWord();
                index = q.maxIndex();
            }
            case ROPE -> System.arraycopy(VectorReference.rope(a, b, c.shift(), w), 0, d, 0, n);
            default -> {
                for (int i = 0; i < n; i++) {
                    long bi = b != null ? b[i] : b0;
                    d[i] = element(c, a[i], bi, w);
                    if (c.op() == EXP) {
                        value += d[i];
                    }
                }
            }
        }
        switch (c.op()) {
            case STORE -> { }
            case MAX -> {
                scratch[c.dst()] = value;
                scratch[c.dst() + 1] = index;
            }
            case SUM, RMS -> scratch[c.dst()] = value;
            case QUANT -> {
                System.arraycopy(d, 0, scratch, c.dst(), n);
                scratch[c.srcB()] = value; // after the vector: the scale word wins where they overlap
            }
            default -> System.arraycopy(d, 0, scratch, c.dst(), n);
        }
        return new Response(c.tag(), c.op(), OK, LlamaVectorOps.sat32(value), index);
    }

    /** One element of an elementwise command. */
    static long element(Command c, long a, long b, int w) {
        return switch (c.op()) {
            case ADD -> VectorReference.add(a, b, c.mult(), c.shift(), w);
            case MUL -> VectorReference.mul(a, b, c.shift(), w);
            case SCALE -> VectorReference.scale(a, c.mult(), c.shift(), w);
            case EXP -> VectorReference.exp(a, b, c.mult(), c.shift(), w);
            case SILU -> VectorReference.silu(a, c.shift(), w);
            case NORM -> VectorReference.norm(a, b, c.shift(), w);
            default -> throw new IllegalArgumentException("op: not elementwise, got " + c.op());
        };
    }
}
