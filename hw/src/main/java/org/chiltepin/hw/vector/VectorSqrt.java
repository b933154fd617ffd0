package org.chiltepin.hw.vector;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * RMS's integer square root ⌊√v⌋, digit by digit (restoring, one root bit per cycle): two bits
 * of v enter the remainder each step, the trial subtrahend is 4·root + 1.
 *
 * <p>Ports: {@code start} (load {@code radicand}, 62 bits), {@code busy}, {@code root} (31
 * bits, valid when {@code busy} is low after a start). Latency: {@value #STEPS} cycles after
 * {@code start}.
 */
public final class VectorSqrt extends Block {
    /** Root bits: the radicand has 2·31 = 62. */
    public static final int STEPS = 31;
    static final int RADICAND_BITS = 2 * STEPS;

    final Bool start = in(bool());
    final UInt radicand = in(uint(RADICAND_BITS));
    final Bool busy = out(bool());
    final UInt root = out(uint(STEPS));

    final UInt rest;
    final UInt remainder;
    final UInt result;
    final UInt steps;
    final Bool running;
    final UInt trial;
    final UInt subtrahend;
    final Bool fits;
    final UInt nextRemainder;

    public VectorSqrt() {
        rest = regInit(uint(RADICAND_BITS), uint(0, RADICAND_BITS));
        remainder = regInit(uint(STEPS + 2), uint(0, STEPS + 2));
        result = regInit(uint(STEPS), uint(0, STEPS));
        steps = regInit(uint(5), uint(0, 5));
        running = regInit(bool(), bool(false));
        // remainder ≤ 2·root < 2^32, so its two top bits shift out as zeros
        trial = asUInt(concat(slice(remainder, STEPS - 1, 0), slice(rest, RADICAND_BITS - 1, RADICAND_BITS - 2)));
        dropBits(remainder, STEPS + 1, STEPS, "remainder_high");
        subtrahend = asUInt(concat(concat(result, bitsLiteral(0, 1)), bool(true)));
        fits = ge(trial, resize(subtrahend, STEPS + 2));
        nextRemainder = mux(fits, sub(trial, resize(subtrahend, STEPS + 2)), trial);
        when(start, () -> {
            assign(rest, radicand);
            assign(remainder, uint(0, STEPS + 2));
            assign(result, uint(0, STEPS));
            assign(steps, uint(STEPS, 5));
            assign(running, bool(true));
        }).elseWhen(running, () -> {
            assign(rest, asUInt(concat(slice(rest, RADICAND_BITS - 3, 0), bitsLiteral(0, 2))));
            assign(remainder, nextRemainder);
            assign(result, asUInt(concat(slice(result, STEPS - 2, 0), fits)));
            assign(steps, sub(steps, uint(1, 5)));
            when(eq(steps, uint(1, 5)), () -> assign(running, bool(false)));
        });
        assign(busy, running);
        assign(root, result);
    }
}
