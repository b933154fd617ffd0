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
 * illegal ones (opcodes 0, 14, 15, sat 3, len 0, LOAD past memory, a packing STORE past memory,
 * pack 3, a pack field on a LOAD). Half the STOREs pack int8 (docs/chip.md §3.3). The golden model decides
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
            // half the STOREs pack int8: one a word (a GEMM A operand) or eight a word
            int pack = rng.nextBoolean() ? VectorMachine.PACK_INT32 : 1 + rng.nextInt(2);
            long at = writeAddr.applyAsLong((int) p.vector().moveWords(len, pack));
            return new HostCommand(p.vectorNode(), at, new Command(VectorMachine.STORE, sat, tag & 0xFF, 0, aligned(len), 0,
                    len, 0, 0, pack));
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
        return switch (rng.nextInt(7)) {
            // a packing STORE past memory (BAD_MEM on its own layout's range), pack 3 or a pack on a LOAD (BAD_OPCODE)
            case 5 -> {
                int pack = 1 + rng.nextInt(2);
                int need = (int) p.vector().moveWords(len, pack);
                yield new HostCommand(p.vectorNode(), p.memWords() - need + 1 + rng.nextInt(4), new Command(VectorMachine.STORE,
                        0, tag & 0xFF, 0, srcA, 0, len, 0, 0, pack));
            }
            case 6 -> rng.nextBoolean()
                    ? new HostCommand(p.vectorNode(), writeAddr.applyAsLong(moved), new Command(VectorMachine.STORE, 0,
                            tag & 0xFF, 0, srcA, 0, len, 0, 0, 3))
                    : new HostCommand(p.vectorNode(), readAddr.applyAsLong(moved), new Command(VectorMachine.LOAD, 0,
                            tag & 0xFF, srcA, 0, 0, len, 0, 0, 1 + rng.nextInt(3)));
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
