package org.chiltepin.hw.vector;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * The reciprocal of NORM, one bit per cycle (restoring division): r(v) = min(⌊(2^46 + ⌊v/2⌋)/v⌋,
 * 2^31 − 1), v ≤ 0 counting as 1.
 *
 * <p>Ports: {@code start} (load {@code divisor}, s32), {@code busy}, {@code recip} (31 bits,
 * valid when {@code busy} is low after a start). Latency: {@value #STEPS} cycles after
 * {@code start}.
 */
public final class VectorDivider extends Block {
    /** Quotient bits: the numerator has 47. */
    public static final int STEPS = 47;

    final Bool start = in(bool());
    final SInt divisor = in(sint(32));
    final Bool busy = out(bool());
    final UInt recip = out(uint(31));

    final UInt d;
    final UInt numerator;
    final UInt remainder;
    final UInt quotient;
    final UInt steps;
    final Bool running;
    final UInt trial;
    final Bool fits;
    final Bool lastStep;
    final UInt nextRemainder;

    public VectorDivider() {
        d = regInit(uint(31), uint(1, 31));
        numerator = regInit(uint(STEPS), uint(0, STEPS));
        remainder = regInit(uint(31), uint(0, 31));
        quotient = regInit(uint(STEPS), uint(0, STEPS));
        steps = regInit(uint(6), uint(0, 6));
        running = regInit(bool(), bool(false));
        Bool positive = gt(divisor, sint(0, 32));
        UInt dv = mux(positive, asUInt(slice(divisor, 30, 0)), uint(1, 31));
        trial = asUInt(concat(remainder, bit(numerator, STEPS - 1)));
        fits = ge(trial, resize(d, 32));
        lastStep = eq(steps, uint(1, 6));
        nextRemainder = mux(fits, sub(trial, resize(d, 32)), trial);
        dropBits(nextRemainder, 31, 31, "remainder_high"); // below d < 2^31: always 0
        when(start, () -> {
            assign(d, dv);
            assign(numerator, add(uint(1L << 46, STEPS), resize(shiftRight(dv, 1), STEPS)));
            assign(remainder, uint(0, 31));
            assign(quotient, uint(0, STEPS));
            assign(steps, uint(STEPS, 6));
            assign(running, bool(true));
        }).elseWhen(running, () -> {
            assign(numerator, asUInt(concat(slice(numerator, STEPS - 2, 0), bool(false))));
            assign(remainder, slice(nextRemainder, 30, 0));
            assign(quotient, asUInt(concat(slice(quotient, STEPS - 2, 0), fits)));
            assign(steps, sub(steps, uint(1, 6)));
            when(lastStep, () -> assign(running, bool(false)));
        });
        assign(busy, running);
        long max = (1L << 31) - 1;
        assign(recip, mux(gt(quotient, uint(max, STEPS)), uint(max, 31), resize(quotient, 31)));
    }
}
