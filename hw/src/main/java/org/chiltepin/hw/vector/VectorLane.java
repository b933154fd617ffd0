package org.chiltepin.hw.vector;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * One lane of the vector unit: the element operation of every command, a pipeline of registers
 * that all move when {@code advance} is high (docs/numerics.md, "Vector unit", has the
 * arithmetic; the command's fields are constant while it runs).
 *
 * <p>Ports: {@code advance}; the command's {@code op} (4), {@code sat} (2), {@code mult} (s16),
 * {@code shift} (6), the scalar {@code b0} (s32) and reciprocal {@code recip} (31); the operands
 * {@code a}, {@code b} (s32, the scratchpad's registered read data); {@code result} (s32).
 * Latency: {@link #STAGES} − 1 advancing cycles from {@code a}/{@code b} to {@code result}
 * (product, rounding, table read, interpolation, exponent shift or SiLU product, output).
 * LOAD/STORE/MAX/SUM pass {@code a} through unchanged.
 */
public final class VectorLane extends Block {
    /** Pipeline stages from a row's read (stage 1, the RAM's register) to the result (stage 7). */
    public static final int STAGES = 7;
    private static final long EXP_MIN_Z = -31L << 16;
    private static final long SIGMOID_LIMIT = 16L << 16;

    final Bool advance = in(bool());
    final UInt op = in(uint(4));
    final UInt sat = in(uint(2));
    final SInt mult = in(sint(16));
    final UInt shift = in(uint(6));
    final SInt b0 = in(sint(32));
    final UInt recip = in(uint(31));
    final SInt a = in(sint(32));
    final SInt b = in(sint(32));
    /** ROPE: the pair partner's operands (lane i xor 1). */
    final SInt partnerA = in(sint(32));
    final SInt partnerB = in(sint(16));
    final SInt result = out(sint(32));

    final Bool isAdd;
    final Bool isScale;
    final Bool isExp;
    final Bool isSilu;
    final Bool isNorm;
    final Bool isSquare;
    final Bool isAbs;
    final Bool isRope;
    final Bool passThrough;
    final Mem<Bits> expRom;
    final Mem<Bits> sigmoidRom;
    // stage 2: the exact product
    final SInt factorX;
    final SInt factorY;
    final SInt fullProduct;
    final SInt product;
    final SInt ropeProduct;
    final SInt prod2;
    final SInt a2;
    // stage 3: rounded right by shift
    final Bool shiftZero;
    final SInt shifted;
    final SInt rounded3;
    final SInt a3;
    // stage 4: simple results, table reads
    final SInt simple4;
    final Bool zAboveZero;
    final Bool zBelowMin;
    final SInt z;
    final Bool xAtLimit;
    final UInt tableLo4;
    final UInt tableHi4;
    final UInt frac4;
    final UInt expShift4;
    final Bool sigmoidOne4;
    final Bool aNegative4;
    final SInt a4;
    // stage 5: interpolation
    final UInt interpSum;
    final UInt interp;
    final UInt sigma;
    final SInt simple5;
    final UInt interp5;
    final UInt sigma5;
    final UInt expShift5;
    final SInt a5;
    // stage 6: exponent shift, SiLU product
    final UInt expShifted;
    final SInt simple6;
    final SInt exp6;
    final SInt siluProduct6;
    // stage 7
    final SInt silu;
    final SInt result7;

    /** A lane; {@code odd} for the second lane of a ROPE pair (odd lane index). */
    public VectorLane(boolean odd) {
        isAdd = eq(op, uint(VectorCommand.ADD, 4));
        isScale = eq(op, uint(VectorCommand.SCALE, 4));
        isExp = eq(op, uint(VectorCommand.EXP, 4));
        isSilu = eq(op, uint(VectorCommand.SILU, 4));
        isNorm = eq(op, uint(VectorCommand.NORM, 4));
        isSquare = eq(op, uint(VectorCommand.RMS, 4));
        isAbs = eq(op, uint(VectorCommand.LANE_ABS, 4));
        isRope = eq(op, uint(VectorCommand.ROPE, 4));
        passThrough = or(or(eq(op, uint(VectorCommand.MAX, 4)), eq(op, uint(VectorCommand.SUM, 4))),
                or(eq(op, uint(VectorCommand.STORE, 4)), eq(op, uint(VectorCommand.LOAD, 4))));
        expRom = rom(2 * VectorTables.ENTRY_BITS, VectorTables.expRom());
        sigmoidRom = rom(2 * VectorTables.ENTRY_BITS, VectorTables.sigmoidRom());

        // ---- stage 2: one multiplier, x·y with x = a + b (ADD), a − b0 (EXP), |a| (ABS) or a, and
        // y = mult (ADD, SCALE, EXP), recip (NORM), a (RMS: a²), 1 (ABS), the cosine (ROPE) or b
        // (MUL); SILU bypasses it with |a|·2^16. ROPE adds a second, 32 × 16 product.
        product = sint(64);
        SInt sum = add(resize(a, 33), resize(b, 33));
        SInt diff = sub(resize(a, 33), resize(b0, 33));
        SInt mag = mux(lt(a, sint(0, 32)), sub(sint(0, 33), resize(a, 33)), resize(a, 33));
        SInt b16 = resize(slice(b, 15, 0), 32);
        SInt pb16 = resize(partnerB, 32);
        factorX = mux(isAdd, sum, mux(isExp, diff, mux(isAbs, mag, resize(a, 33))));
        factorY = mux(or(or(isAdd, isScale), isExp), resize(mult, 32),
                mux(isNorm, asSInt(resize(recip, 32)), mux(isSquare, a, mux(isAbs, sint(1, 32),
                        mux(isRope, odd ? pb16 : b16, b)))));
        fullProduct = mul(factorX, factorY);
        dropBits(fullProduct, 64, 64, "product_sign"); // |x·y| ≤ 2^62 for every op: bit 64 repeats bit 63
        // even lane (a0, a1 = partner): a0·c − a1·s; odd lane (a1, a0 = partner): a1·c + a0·s
        SInt second = mul(partnerA, odd ? slice(b, 15, 0) : partnerB);
        ropeProduct = odd ? add(resize(second, 64), slice(fullProduct, 63, 0)) : sub(slice(fullProduct, 63, 0), resize(second, 64));
        assign(product, mux(isSilu, resize(shiftLeft(mag, 16), 64), mux(isRope, ropeProduct, slice(fullProduct, 63, 0))));
        prod2 = regNextWhen(product, advance);
        a2 = regNextWhen(a, advance);

        // ---- stage 3: roundShift(prod2, shift) = ((prod2 >> (shift − 1)) + 1) >> 1
        shiftZero = eq(shift, uint(0, 6));
        shifted = shiftRight(prod2, sub(shift, uint(1, 6)));
        rounded3 = regNextWhen(mux(shiftZero, prod2, halfUp(shifted)), advance);
        a3 = regNextWhen(a2, advance);

        // ---- stage 4: saturation of the simple ops; the table index and fraction
        SInt sat3 = saturate(rounded3, sat);
        simple4 = regNextWhen(mux(passThrough, a3, sat3), advance);
        zAboveZero = gt(rounded3, sint(0, 64));
        zBelowMin = lt(rounded3, sint(EXP_MIN_Z, 64));
        z = sint(22);
        assign(z, resize(rounded3, 22));
        when(zAboveZero, () -> assign(z, sint(0, 22)));
        when(zBelowMin, () -> assign(z, sint(EXP_MIN_Z, 22)));
        xAtLimit = ge(rounded3, sint(SIGMOID_LIMIT, 64));
        UInt x = asUInt(slice(rounded3, 19, 0));
        UInt zBits = asUInt(z);
        UInt expIndex = slice(zBits, 15, 8);
        UInt sigIndex = slice(x, 19, 11);
        Bits expWord = readAsync(expRom, expIndex);
        Bits sigWord = readAsync(sigmoidRom, sigIndex);
        Bits word = mux(isExp, expWord, sigWord);
        int eb = VectorTables.ENTRY_BITS;
        tableLo4 = regNextWhen(asUInt(slice(word, eb - 1, 0)), advance);
        tableHi4 = regNextWhen(asUInt(slice(word, 2 * eb - 1, eb)), advance);
        // exp: 8 fraction bits scaled to 11 (l·8), so both interpolations are ((d·l + 1024) >> 11)
        UInt expFrac = resize(shiftLeft(slice(zBits, 7, 0), 3), 11);
        frac4 = regNextWhen(mux(isExp, expFrac, slice(x, 10, 0)), advance);
        // −n for n = z >> 16 (z in [−31·2^16, 0])
        UInt intPart = slice(zBits, 21, 16);
        expShift4 = regNextWhen(sub(uint(0, 6), intPart), advance);
        sigmoidOne4 = regNextWhen(xAtLimit, advance);
        aNegative4 = regNextWhen(lt(a3, sint(0, 32)), advance);
        a4 = regNextWhen(a3, advance);

        // ---- stage 5: T[k] + (((T[k+1] − T[k])·l + 1024) >> 11); σ of a negative a is 1 − σ(|a|)
        UInt delta = sub(tableHi4, tableLo4);
        interpSum = add(resize(mul(delta, frac4), 28), uint(1024, 28));
        dropBits(interpSum, 10, 0, "interp_round");
        interp = add(tableLo4, resize(slice(interpSum, 27, 11), eb));
        UInt sigAbs = mux(sigmoidOne4, uint(65536, eb), interp);
        sigma = mux(aNegative4, sub(uint(65536, eb), sigAbs), sigAbs);
        simple5 = regNextWhen(simple4, advance);
        interp5 = regNextWhen(interp, advance);
        sigma5 = regNextWhen(sigma, advance);
        expShift5 = regNextWhen(expShift4, advance);
        a5 = regNextWhen(a4, advance);

        // ---- stage 6: 2^frac rounded right by −n; a·σ
        Bool noShift = eq(expShift5, uint(0, 6));
        expShifted = shiftRight(interp5, sub(expShift5, uint(1, 6)));
        UInt eUp = add(resize(slice(expShifted, eb - 1, 1), eb), resize(asUInt(asBits(bit(expShifted, 0))), eb));
        SInt e = asSInt(resize(mux(noShift, interp5, eUp), 64));
        simple6 = regNextWhen(simple5, advance);
        exp6 = regNextWhen(saturate(e, sat), advance);
        siluProduct6 = regNextWhen(mul(a5, asSInt(resize(sigma5, eb + 1))), advance);

        // ---- stage 7: roundShift(a·σ, 16), saturated; the op's result
        dropBits(siluProduct6, 14, 0, "silu_round");
        SInt siluRounded = resize(halfUp(slice(siluProduct6, widthOf(siluProduct6) - 1, 15)), 64);
        silu = saturate(siluRounded, sat);
        SInt out = mux(isExp, exp6, mux(isSilu, silu, simple6));
        result7 = regNextWhen(out, advance, sint(0, 32));
        assign(result, result7);
    }

    /** round(t / 2) half up, in t's width: t[w−1:1] + t[0] (cannot overflow). */
    static SInt halfUp(SInt t) {
        int w = widthOf(t);
        return add(resize(slice(t, w - 1, 1), w), asSInt(resize(asUInt(asBits(bit(t, 0))), w)));
    }

    /** v (64 bits) saturated to int32 (sel 0), int16 (1) or int8 (2), as an int32. */
    static SInt saturate(SInt v, UInt sel) {
        SInt s32 = clamp(v, 32);
        SInt s16 = resize(clamp(v, 16), 32);
        SInt s8 = resize(clamp(v, 8), 32);
        return mux(eq(sel, uint(0, 2)), s32, mux(eq(sel, uint(1, 2)), s16, s8));
    }

    private static SInt clamp(SInt v, int width) {
        long max = (1L << (width - 1)) - 1;
        int w = widthOf(v);
        return mux(gt(v, sint(max, w)), sint(max, width),
                mux(lt(v, sint(-max - 1, w)), sint(-max - 1, width), resize(v, width)));
    }
}
