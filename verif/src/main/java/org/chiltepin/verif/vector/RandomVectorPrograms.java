package org.chiltepin.verif.vector;

import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.golden.VectorMachine.Command;
import org.chiltepin.verif.golden.VectorReference;

/**
 * Vector-unit programs: random commands over random data with the edges over-represented
 * (int8 and int32 extremes, all-equal and one-hot vectors, zeros), illegal commands mixed in,
 * and a directed program that drives every entry of the exponential and sigmoid tables.
 * Every program ends by storing the whole scratchpad, so every word is compared.
 */
public final class RandomVectorPrograms {
    private RandomVectorPrograms() {
    }

    private static final int[] OPS = {VectorMachine.ADD, VectorMachine.MUL, VectorMachine.SCALE, VectorMachine.EXP,
        VectorMachine.SILU, VectorMachine.NORM, VectorMachine.MAX, VectorMachine.SUM, VectorMachine.STORE,
        VectorMachine.LOAD, VectorMachine.RMS, VectorMachine.QUANT, VectorMachine.ROPE};

    /** {@code commands} random commands (about one in ten illegal) after loading the scratchpad. */
    public static VectorProgram generate(int lanes, int words, long seed, int commands) {
        RandomGenerator rng = new MersenneTwister(seed);
        VectorProgram p = new VectorProgram(lanes, words);
        for (int at = 0; at < words; at += Math.min(words, 256)) {
            int len = Math.min(256, words - at);
            p.add(new Command(VectorMachine.LOAD, 0, 0, at, 0, 0, len, 0, 0), data(rng, len));
        }
        for (int i = 0; i < commands; i++) {
            int tag = i & 0xFF;
            if (rng.nextInt(10) == 0) {
                p.add(illegal(rng, lanes, words, tag), null);
                continue;
            }
            int op = OPS[rng.nextInt(OPS.length)];
            int len = length(rng, words);
            if (op == VectorMachine.ROPE) {
                len = Math.max(2, len & ~1);
            }
            int sat = rng.nextInt(3);
            int dst = aligned(rng, lanes, words, VectorMachine.reduction(op) ? 2 : len);
            int a = aligned(rng, lanes, words, len);
            int b = VectorMachine.scalarB(op) ? rng.nextInt(words) : aligned(rng, lanes, words, len);
            if (rng.nextBoolean()) {
                dst = a; // in place
            }
            int mult = rng.nextInt(4) == 0 ? edge(rng, new int[] {-32768, 32767, 0, 1, -1}) : rng.nextInt(65536) - 32768;
            int shift = switch (op) {
                case VectorMachine.MUL -> 8 + rng.nextInt(40);
                case VectorMachine.EXP -> rng.nextInt(24);
                case VectorMachine.NORM -> 20 + rng.nextInt(30);
                case VectorMachine.SILU -> rng.nextInt(32);
                case VectorMachine.RMS -> rng.nextInt(4) == 0 ? 0 : rng.nextInt(40);
                case VectorMachine.ROPE -> rng.nextInt(4) == 0 ? 14 : rng.nextInt(40);
                default -> rng.nextInt(8) == 0 ? rng.nextInt(64) : rng.nextInt(24);
            };
            if (op == VectorMachine.EXP && rng.nextBoolean()) {
                mult = VectorReference.LOG2E_Q14;
            }
            Command c = new Command(op, sat, tag, dst, a, b, len, mult, shift);
            if (new VectorMachine(lanes, words).check(c) != VectorMachine.OK && op != VectorMachine.LOAD) {
                c = new Command(op, sat, tag, dst = a, a, b, len, mult, shift); // overlapping: in place instead
            }
            p.add(c, op == VectorMachine.LOAD ? data(rng, len) : null);
        }
        storeAll(p, words);
        return p;
    }

    /** Every exponential entry (z = −1 + k/256 + l) and every sigmoid entry (x = ±k/32 in Q16), at every width. */
    public static VectorProgram tables(int lanes, int words) {
        VectorProgram p = new VectorProgram(lanes, words);
        int n = Math.min(words / 2, 1024);
        long[] z = new long[n];
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            z[i] = -65536L + ((long) (i % 256) << 8) + (i / 256) * 37 % 256; // every entry k, various l
            int k = i % 512;
            x[i] = (i % 3 == 0 ? -1 : 1) * (((long) k << 11) + (i / 512) * 1000);
        }
        long[] zero = new long[lanes];
        for (int at = 0; at < n; at += Math.min(n, 256)) {
            int len = Math.min(256, n - at);
            p.add(new Command(VectorMachine.LOAD, 0, 1, at, 0, 0, len, 0, 0), java.util.Arrays.copyOfRange(z, at, at + len));
            p.add(new Command(VectorMachine.LOAD, 0, 2, n + at, 0, 0, len, 0, 0), java.util.Arrays.copyOfRange(x, at, at + len));
        }
        p.add(new Command(VectorMachine.LOAD, 0, 3, words - lanes, 0, 0, lanes, 0, 0), zero);
        for (int sat = 0; sat < 3; sat++) {
            // EXP with max 0, mult 1, shift 0: z is the value itself
            p.add(new Command(VectorMachine.EXP, sat, 4, 0, 0, words - lanes, n, 1, 0), null);
            p.add(new Command(VectorMachine.STORE, 0, 5, 0, 0, 0, n, 0, 0), null);
            p.add(new Command(VectorMachine.LOAD, 0, 6, 0, 0, 0, Math.min(n, 256), 0, 0), java.util.Arrays.copyOfRange(z, 0, Math.min(n, 256)));
            if (n > 256) {
                p.add(new Command(VectorMachine.LOAD, 0, 6, 256, 0, 0, n - 256, 0, 0), java.util.Arrays.copyOfRange(z, 256, n));
            }
            p.add(new Command(VectorMachine.SILU, sat, 7, n, n, 0, n, 0, 16), null);
            p.add(new Command(VectorMachine.STORE, 0, 8, n, n, 0, n, 0, 0), null);
            for (int at = 0; at < n; at += Math.min(n, 256)) {
                int len = Math.min(256, n - at);
                p.add(new Command(VectorMachine.LOAD, 0, 9, n + at, 0, 0, len, 0, 0), java.util.Arrays.copyOfRange(x, at, at + len));
            }
        }
        return p;
    }

    /**
     * The edges of the new commands, each at every output width: RMS of the zero vector and of
     * all +max / all −max int32 values (with and without epsilon), QUANT of zero, ±max, a one-hot
     * and an int8 vector, ROPE at cos/sin ±1 and the int16 extremes, the softmax sequence (MAX,
     * EXP, SUM, NORM) of all-equal and one-hot scores, saturating ADDs.
     */
    public static VectorProgram edges(int lanes, int words) {
        return appendEdges(new VectorProgram(lanes, words));
    }

    /** {@link #edges} appended to {@code p} (its scratchpad needs at least 64·lanes words). */
    public static VectorProgram appendEdges(VectorProgram p) {
        int lanes = p.lanes();
        int words = p.words();
        int n = 16 * lanes;
        long max = Integer.MAX_VALUE;
        long min = Integer.MIN_VALUE;
        long[][] vectors = {fill(n, 0), fill(n, max), fill(n, min), oneHot(n, 5, 1000), oneHot(n, n - 1, min),
            ramp(n), fill(n, 7)};
        long[] table = new long[n];
        long[] trig = {16384, 0, -16384, 0, 0, 16384, 11585, -11585, 32767, -32768, -32768, 32767, 0xFFFF4000L, 1};
        for (int i = 0; i < n; i++) {
            table[i] = trig[i % trig.length];
        }
        int b = n;
        int d = 2 * n;
        int scalar = 3 * n;
        for (int at = 0; at < words; at += n) { // the RTL's RAM starts undefined
            p.add(new Command(VectorMachine.LOAD, 0, 1, at, 0, 0, Math.min(n, words - at), 0, 0), new long[Math.min(n, words - at)]);
        }
        p.add(new Command(VectorMachine.LOAD, 0, 1, b, 0, 0, n, 0, 0), table);
        p.add(new Command(VectorMachine.LOAD, 0, 1, scalar, 0, 0, lanes, 0, 0), fill(lanes, 3));
        for (long[] v : vectors) {
            p.add(new Command(VectorMachine.LOAD, 0, 2, 0, 0, 0, n, 0, 0), v);
            for (int sat = 0; sat < 3; sat++) {
                p.add(new Command(VectorMachine.RMS, sat, 3, d, 0, scalar, n, 65536 / n, 0), null);
                p.add(new Command(VectorMachine.RMS, sat, 3, d + 2, 0, scalar + 1, n, 32767, 20), null);
                p.add(new Command(VectorMachine.ROPE, sat, 4, d + lanes, 0, b, n - lanes, 0, 14), null);
                p.add(new Command(VectorMachine.ADD, sat, 5, d + 2 * lanes, 0, 0, n - 2 * lanes, 1, 0), null);
                p.add(new Command(VectorMachine.STORE, 0, 6, 0, d, 0, n, 0, 0), null);
            }
            p.add(new Command(VectorMachine.QUANT, 0, 7, d, 0, scalar + 2, n, 0, 0), null);
            p.add(new Command(VectorMachine.STORE, 0, 8, 0, d, 0, n, 0, 0), null);
            // softmax: MAX, EXP against the maximum, SUM, NORM by the sum
            p.add(new Command(VectorMachine.MAX, 0, 9, scalar, 0, 0, n, 0, 0), null);
            p.add(new Command(VectorMachine.EXP, 0, 10, d, 0, scalar, n, VectorReference.LOG2E_Q14, 14), null);
            p.add(new Command(VectorMachine.SUM, 0, 11, scalar, d, 0, n, 0, 0), null);
            p.add(new Command(VectorMachine.NORM, 0, 12, d, d, scalar, n, 0, 31), null);
            p.add(new Command(VectorMachine.STORE, 0, 13, 0, d, 0, n, 0, 0), null);
        }
        storeAll(p, words);
        return p;
    }

    private static long[] fill(int n, long value) {
        long[] v = new long[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private static long[] oneHot(int n, int at, long value) {
        long[] v = new long[n];
        v[at] = value;
        return v;
    }

    private static long[] ramp(int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 1000003L;
        }
        return v;
    }

    private static void storeAll(VectorProgram p, int words) {
        for (int at = 0; at < words; at += Math.min(words, 512)) {
            p.add(new Command(VectorMachine.STORE, 0, 0xFF, 0, at, 0, Math.min(512, words - at), 0, 0), null);
        }
    }

    private static int length(RandomGenerator rng, int words) {
        return switch (rng.nextInt(6)) {
            case 0 -> 1 + rng.nextInt(4);
            case 1 -> 1 + rng.nextInt(Math.min(words, 512));
            default -> 1 + rng.nextInt(Math.min(words, 64));
        };
    }

    private static int aligned(RandomGenerator rng, int lanes, int words, int len) {
        int slots = (words - len) / lanes + 1;
        return slots <= 0 ? 0 : rng.nextInt(slots) * lanes;
    }

    private static int edge(RandomGenerator rng, int[] values) {
        return values[rng.nextInt(values.length)];
    }

    /** Random int32 data: int8 and int32 extremes, zeros, all-equal and one-hot vectors, random widths. */
    static long[] data(RandomGenerator rng, int len) {
        long[] v = new long[len];
        int kind = rng.nextInt(6);
        long fill = rng.nextInt();
        for (int i = 0; i < len; i++) {
            v[i] = switch (kind) {
                case 0 -> edge(rng, new int[] {-128, 127, 0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE});
                case 1 -> fill; // all equal
                case 2 -> i == len / 2 ? fill : 0; // one-hot
                case 3 -> rng.nextInt(256) - 128;
                default -> rng.nextInt() >> rng.nextInt(32);
            };
        }
        return v;
    }

    /** A command the unit must answer with an error status and survive. */
    static Command illegal(RandomGenerator rng, int lanes, int words, int tag) {
        return switch (rng.nextInt(9)) {
            case 0 -> new Command(rng.nextBoolean() ? 0 : 14 + rng.nextInt(2), 0, tag, 0, 0, 0, 1, 0, 0); // opcode
            case 1 -> new Command(VectorMachine.ADD, 3, tag, 0, 0, 0, lanes, 1, 0);                        // sat 3
            case 2 -> new Command(VectorMachine.SCALE, 0, tag, 0, 0, 0, lanes, 1, 64 + rng.nextInt(192)); // shift
            case 3 -> new Command(VectorMachine.LOAD, 0, tag, 0, 0, 0, 0, 0, 0);                          // length 0
            case 4 -> new Command(VectorMachine.SUM, 0, tag, 0, 0, 0, words + 1 + rng.nextInt(100), 0, 0); // too long
            case 5 -> new Command(VectorMachine.LOAD, 0, tag, words - lanes, 0, 0, 2 * lanes, 0, 0);      // past the end
            case 6 -> new Command(VectorMachine.MUL, 0, tag, 0, 1, 0, lanes, 0, 0);                       // misaligned
            case 7 -> new Command(VectorMachine.ROPE, 0, tag, 0, 0, lanes, 3, 0, 14);                     // odd length
            default -> new Command(VectorMachine.ADD, 0, tag, lanes, 0, 2 * lanes, 2 * lanes, 1, 0);      // overlap
        };
    }
}
