package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The FPGA profile's multiplier: {@code a × b} by shift-and-add, one bit of {@code b} per cycle,
 * least significant first, so it costs one (width(a) + 1)-bit adder and two registers instead of a
 * width(a) × width(b) array of adders (the UP5K's SB_MAC16s all go to the PE products).
 *
 * <p>Ports: {@code start} loads {@code b} (read in that cycle only) and clears the sum; {@code a}
 * must hold from the cycle after {@code start} until {@code done}. Latency: {@code busy} for
 * width(b) cycles after {@code start}, {@code done} high in the last of them; {@code product}
 * (width(a) + width(b) bits, exact) is valid from the cycle after {@code done} until the next
 * {@code start}. Signed: two's complement operands, the last step (b's sign bit) subtracts.
 * Each step adds {@code a} or not to the high half ({@code <name>_high}), then shifts the pair
 * right by one, the sum's low bit into the low half ({@code <name>_low}, which holds the
 * remaining bits of {@code b}).
 */
final class SerialMultiplier {
    /** Multiplier steps (= width(b)) still to do, or in progress. */
    final Bool busy;
    final UInt step;
    /** The last step is this cycle. */
    final Bool done;
    final Bits high;
    final Bits low;
    /** {@code a × b}, from the cycle after {@code done}. */
    final Bits product;

    SerialMultiplier(String name, Bool start, Bits a, Bits b, boolean signed) {
        int aw = widthOf(a);
        int bw = widthOf(b);
        int stepBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(bw - 1));
        busy = named(regInit(bool(), bool(false)), name + "_busy");
        step = named(reg(uint(stepBits)), name + "_step");
        high = named(reg(bits(aw + 1)), name + "_high");
        low = named(reg(bits(bw)), name + "_low");
        Bool lastStep = named(eq(step, uint(bw - 1, stepBits)), name + "_last_step");
        done = and(busy, lastStep); // named by the user that reads it (the decoder reads busy)
        Bool addIt = bit(low, 0);
        Bits sum;
        if (signed) {
            // high ± a: the sign step subtracts (a inverted, carry in 1); |partial| < 2|a| fits aw + 1 bits.
            Bool subtract = named(and(addIt, lastStep), name + "_subtract");
            Bits extended = asBits(resize(asSInt(a), aw + 1));
            Bits mask = asBits(resize(asSInt(asBits(subtract)), aw + 1));
            Bits addend = named(mux(addIt, asBits(xorBits(extended, mask)), bitsLiteral(0, aw + 1)), name + "_addend");
            sum = named(asBits(add(add(asSInt(high), asSInt(addend)), resize(asSInt(concat(bool(false), subtract)), aw + 1))),
                    name + "_sum");
        } else {
            // high < 2^aw before each step, so high + a fits aw + 1 bits.
            Bits addend = named(mux(addIt, asBits(resize(asUInt(a), aw + 1)), bitsLiteral(0, aw + 1)), name + "_addend");
            sum = named(asBits(add(asUInt(high), asUInt(addend))), name + "_sum");
        }
        Bool fill = signed ? bit(sum, aw) : bool(false);
        when(start, () -> {
            assign(busy, bool(true));
            assign(step, uint(0, stepBits));
            assign(high, bitsLiteral(0, aw + 1));
            assign(low, b);
        }).elseWhen(busy, () -> {
            assign(high, concat(fill, slice(sum, aw, 1)));
            assign(low, bw == 1 ? asBits(bit(sum, 0)) : concat(bit(sum, 0), slice(low, bw - 1, 1)));
            assign(step, add(step, uint(1, stepBits)));
            when(lastStep, () -> assign(busy, bool(false)));
        });
        product = named(concat(slice(high, aw - 1, 0), low), name + "_product");
    }

    /** Bitwise XOR of two equal-width vectors. */
    private static Bits xorBits(Bits x, Bits y) {
        return x.$up(y);
    }
}
