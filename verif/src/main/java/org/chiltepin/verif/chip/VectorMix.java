package org.chiltepin.verif.chip;

import java.util.function.IntToLongFunction;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.golden.VectorMachine.Command;

/**
 * The vector tile's share of a random chip program ({@link ChipPrograms}): LOADs from the read
 * half, STOREs into the tile's own write window, every compute command on random operands, and
 * illegal ones (opcodes 0, 14, 15, sat 3, len 0, LOAD past memory). The golden model decides
 * each status, random operands give BAD_RANGE and BAD_SIZE too.
 */
final class VectorMix {
    private final ChipReference.Params p;
    private final RandomGenerator rng;

    VectorMix(ChipReference.Params p, RandomGenerator rng) {
        this.p = p;
        this.rng = rng;
    }

    /** A LOAD of the whole scratchpad (its SRAM starts undefined). */
    HostCommand init(IntToLongFunction readAddr, int tag) {
        int words = p.vector().words();
        return new HostCommand(p.vectorNode(), readAddr.applyAsLong((int) p.vector().moveWords(words)),
                new Command(VectorMachine.LOAD, 0, tag, 0, 0, 0, words, 0, 0));
    }

    /** One random command; {@code readAddr} / {@code writeAddr} give memory for {@code n} words. */
    HostCommand next(IntToLongFunction readAddr, IntToLongFunction writeAddr, int tag, boolean illegal) {
        int words = p.vector().words();
        int len = 1 + rng.nextInt(Math.min(words, 64));
        int moved = (int) p.vector().moveWords(len);
        int sat = rng.nextInt(3);
        int mult = rng.nextInt(65536) - 32768;
        int shift = rng.nextInt(64);
        int r = rng.nextInt(100);
        if (r < 20) {
            return cmd(readAddr.applyAsLong(moved), VectorMachine.LOAD, sat, tag, aligned(len), 0, 0, len, 0, 0);
        }
        if (r < 40) {
            return cmd(writeAddr.applyAsLong(moved), VectorMachine.STORE, sat, tag, 0, aligned(len), 0, len, 0, 0);
        }
        int srcA = aligned(len);
        if (r < 90 || !illegal) {
            int op = VectorMachine.ADD + rng.nextInt(VectorMachine.ROPE - VectorMachine.ADD + 1);
            boolean scalar = op == VectorMachine.EXP || op == VectorMachine.NORM || op == VectorMachine.RMS
                    || op == VectorMachine.QUANT;
            int srcB = scalar ? rng.nextInt(words) : aligned(len);
            // in place half the time: a destination overlapping a source must start on it
            int dst = rng.nextBoolean() ? srcA : aligned(len);
            return cmd(0, op, sat, tag, dst, srcA, srcB, len, mult, shift);
        }
        return switch (rng.nextInt(5)) {
            case 0 -> cmd(0, rng.nextBoolean() ? 0 : 14 + rng.nextInt(2), 0, tag, 0, srcA, 0, len, 0, 0);
            case 1 -> cmd(0, VectorMachine.ADD, 3, tag, srcA, srcA, srcA, len, 0, 0);
            case 2 -> cmd(0, VectorMachine.SCALE, 0, tag, srcA, srcA, 0, 0, mult, 0);
            case 3 -> cmd(p.memWords() - moved + 1 + rng.nextInt(4), VectorMachine.LOAD, 0, tag, 0, 0, 0, len, 0, 0);
            default -> cmd(writeAddr.applyAsLong(moved), VectorMachine.STORE, 0, tag, 0, srcA, 0, words + 1, 0, 0);
        };
    }

    /** A row-aligned operand of {@code len} elements inside the scratchpad. */
    private int aligned(int len) {
        int lanes = p.vector().lanes();
        return lanes * rng.nextInt((p.vector().words() - len) / lanes + 1);
    }

    private HostCommand cmd(long memAddr, int op, int sat, int tag, int dst, int srcA, int srcB, int len, int mult,
            int shift) {
        return new HostCommand(p.vectorNode(), memAddr, new Command(op, sat, tag & 0xFF, dst, srcA, srcB, len, mult, shift));
    }
}
