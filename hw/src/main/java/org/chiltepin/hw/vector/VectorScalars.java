package org.chiltepin.hw.vector;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * The scalar arithmetic between the sweeps of RMS and QUANT (docs/numerics.md, "Vector unit"),
 * in {@link VectorUnit}'s module.
 *
 * <ul>
 *   <li>RMS: v = clamp(S·mult + b0, 0, 2^62 − 1) from the exact sum of squares
 *       S, the radicand of {@link VectorSqrt}.</li>
 *   <li>QUANT: from m = max|a| (int32), for the candidate exponent e (a register the control
 *       steps from 0): m1 = ⌈m·2^16 / 2^e⌉, accepted when m1 ≤ 32385 (= 255·127); then
 *       mant = ⌈m1 / 127⌉ by a multiply with ⌈2^24/127⌉ (exact for m1 ≤ 32385), the reciprocal
 *       ⌊(2^22 + ⌊mant/2⌋) / mant⌋ from a 256-entry ROM, the lane shift 6 + e and the scale word
 *       (e − 16)·2^16 + mant.</li>
 * </ul>
 */
final class VectorScalars extends HdlArea {
    /** 255·127: the largest m1 whose mantissa ⌈m1/127⌉ fits in 8 bits. */
    static final int M1_MAX = 255 * 127;
    /** ⌈2^24 / 127⌉: ⌊(n + 126)·MAGIC / 2^24⌋ = ⌈n / 127⌉ for 0 ≤ n ≤ M1_MAX. */
    static final long MAGIC_127 = 132105;

    final SInt meanProduct;
    final SInt meanPlusEps;
    final UInt radicand;
    final UInt exponent;
    final UInt scaled;
    final UInt m1;
    final Bool exponentFits;
    final UInt mant;
    final Mem<spinal.core.Bits> recipRom;
    final UInt quantRecip;
    final UInt quantLaneShift;
    final SInt scaleWord;

    /**
     * @param sum the reducer's exact sum (s64), {@code mult} and {@code b0} the command's
     *            multiplier and scalar, {@code max} the reducer's maximum (QUANT: max|a|)
     */
    VectorScalars(SInt sum, SInt mult, SInt b0, SInt max) {
        // S < 2^47 (len ≤ 2^16 squares of at most 2^31 − 1), so |S·mult| < 2^62
        meanProduct = mul(sum, mult);
        meanPlusEps = add(resize(meanProduct, 65), resize(b0, 65));
        long top = (1L << VectorSqrt.RADICAND_BITS) - 1;
        radicand = mux(lt(meanPlusEps, sint(0, 65)), uint(0, VectorSqrt.RADICAND_BITS),
                mux(gt(meanPlusEps, sint(top, 65)), uint(top, VectorSqrt.RADICAND_BITS),
                        asUInt(slice(meanPlusEps, VectorSqrt.RADICAND_BITS - 1, 0))));
        exponent = reg(uint(6));
        UInt x = asUInt(concat(slice(max, 30, 0), bitsLiteral(0, 16))); // m·2^16, m ≥ 0
        Bool zero = eq(x, uint(0, 47));
        scaled = shiftRight(sub(x, uint(1, 47)), exponent);
        m1 = mux(zero, uint(0, 47), add(scaled, uint(1, 47)));
        exponentFits = le(m1, uint(M1_MAX, 47));
        UInt product = mul(add(resize(m1, 16), uint(126, 16)), uint(MAGIC_127, 18));
        mant = slice(product, 31, 24);
        dropBits(product, 23, 0, "mant_fraction");
        dropBits(product, 33, 32, "mant_high"); // zero once m1 ≤ 32385
        recipRom = rom(VectorTables.QUANT_RECIP_BITS + 1, VectorTables.quantRecipRom());
        quantRecip = asUInt(readAsync(recipRom, mant));
        quantLaneShift = add(exponent, uint(6, 6));
        scaleWord = asSInt(concat(resize(asSInt(sub(resize(exponent, 16), uint(16, 16))), 16), resize(mant, 16)));
    }
}
