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
        VectorMachine.LOAD};

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
            int sat = rng.nextInt(3);
            int dst = aligned(rng, lanes, words, op == VectorMachine.MAX || op == VectorMachine.SUM ? 2 : len);
            int a = aligned(rng, lanes, words, len);
            int b = op == VectorMachine.EXP || op == VectorMachine.NORM ? rng.nextInt(words) : aligned(rng, lanes, words, len);
            if (rng.nextBoolean()) {
                dst = a; // in place
            }
            int mult = rng.nextInt(4) == 0 ? edge(rng, new int[] {-32768, 32767, 0, 1, -1}) : rng.nextInt(65536) - 32768;
            int shift = switch (op) {
                case VectorMachine.MUL -> 8 + rng.nextInt(40);
                case VectorMachine.EXP -> rng.nextInt(24);
                case VectorMachine.NORM -> 20 + rng.nextInt(30);
                case VectorMachine.SILU -> rng.nextInt(32);
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
        return switch (rng.nextInt(8)) {
            case 0 -> new Command(rng.nextBoolean() ? 0 : 11 + rng.nextInt(5), 0, tag, 0, 0, 0, 1, 0, 0); // opcode
            case 1 -> new Command(VectorMachine.ADD, 3, tag, 0, 0, 0, lanes, 1, 0);                        // sat 3
            case 2 -> new Command(VectorMachine.SCALE, 0, tag, 0, 0, 0, lanes, 1, 64 + rng.nextInt(192)); // shift
            case 3 -> new Command(VectorMachine.LOAD, 0, tag, 0, 0, 0, 0, 0, 0);                          // length 0
            case 4 -> new Command(VectorMachine.SUM, 0, tag, 0, 0, 0, words + 1 + rng.nextInt(100), 0, 0); // too long
            case 5 -> new Command(VectorMachine.LOAD, 0, tag, words - lanes, 0, 0, 2 * lanes, 0, 0);      // past the end
            case 6 -> new Command(VectorMachine.MUL, 0, tag, 0, 1, 0, lanes, 0, 0);                       // misaligned
            default -> new Command(VectorMachine.ADD, 0, tag, lanes, 0, 2 * lanes, 2 * lanes, 1, 0);      // overlap
        };
    }
}
