package org.chiltepin.hdl;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;

/** Small blocks that exercise the facade; each is what a test below elaborates. */
final class Toys {
    private Toys() {
    }

    /** A running sum: {@code total <= total + inValue} when {@code inValid}. */
    static final class Accumulator extends Block {
        final SInt inValue = in(sint(8));
        final Bool inValid = in(bool());
        final SInt sum = out(sint(16));
        final SInt total = regInit(sint(16), sint(0, 16));

        Accumulator() {
            when(inValid, () -> assign(total, add(total, resize(inValue, 16))));
            assign(sum, total);
        }
    }

    /** Two accumulators in sequence and a delay line made in a loop: hierarchy and loop naming. */
    static final class Pair extends Block {
        final SInt inValue = in(sint(8));
        final Bool inValid = in(bool());
        final SInt first = out(sint(16));
        final SInt second = out(sint(16));
        final UInt delayed = out(uint(4));
        final Accumulator left = build(Accumulator::new);
        final Accumulator right = build(Accumulator::new);

        Pair() {
            assign(left.inValue, inValue);
            assign(left.inValid, inValid);
            assign(right.inValue, slice(inValue, 7, 0));
            assign(right.inValid, not(inValid));
            assign(first, left.sum);
            assign(second, right.sum);
            UInt stage = resize(inValue.asUInt(), 4);
            for (int i = 0; i < 3; i++) {
                stage = named(regNext(stage), "delay_" + i);
            }
            assign(delayed, stage);
        }
    }

    /** Assigns a 9-bit value to an 8-bit output: a width mismatch. */
    static final class WidthMismatch extends Block {
        final SInt a = in(sint(8));
        final SInt y = out(sint(8));

        WidthMismatch() {
            assign(y, resize(a, 9)); // MARK:width-mismatch
        }
    }

    /** Drives an output only under a condition: a latch. */
    static final class Latch extends Block {
        final Bool enable = in(bool());
        final SInt a = in(sint(8));
        final SInt y = out(sint(8));

        Latch() {
            when(enable, () -> assign(y, a)); // MARK:latch
        }
    }

    /** A register held only in a local variable: must be rejected as unnamed. */
    static final class UnnamedRegister extends Block {
        final SInt a = in(sint(8));
        final SInt y = out(sint(8));

        UnnamedRegister() {
            SInt hidden = reg(sint(8));
            assign(hidden, a);
            assign(y, hidden);
        }
    }

    /** A 16 × 8-bit RAM with a synchronous read port and a write port. */
    static final class Ram extends Block {
        final UInt writeAddress = in(uint(4));
        final SInt writeData = in(sint(8));
        final Bool writeEnable = in(bool());
        final UInt readAddress = in(uint(4));
        final Bool readEnable = in(bool());
        final SInt readData = out(sint(8));
        final Bool readValid = out(regInit(bool(), bool(false)));
        final spinal.core.Mem<SInt> store = mem(sint(8), 16);
        final SInt readWord;

        Ram() {
            write(store, writeAddress, writeData, writeEnable);
            readWord = readSync(store, readAddress, readEnable);
            assign(readData, readWord);
            assign(readValid, readEnable);
        }
    }
}
