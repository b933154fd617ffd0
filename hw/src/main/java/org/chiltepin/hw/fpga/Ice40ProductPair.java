package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBlackBox;
import org.chiltepin.hw.array.ProductPair;
import spinal.core.SInt;

/**
 * The iCE40 technology mapping of {@link ProductPair}: a module with the behavioural one's name
 * and ports ({@code a_0, b_0, a_1, b_1} signed {@code inputWidth} bits in; {@code p_0 = a_0 × b_0},
 * {@code p_1 = a_1 × b_1} signed {@code 2 × inputWidth} bits out) whose body is one
 * {@link SbMac16} in its two-8×8-products mode. Yosys 0.23's {@code ice40_dsp} maps only 16×16
 * multipliers, one per SB_MAC16, so the pair mode is reached only by instantiating the primitive;
 * with it the UP5K's 8 DSPs carry 16 int8 multipliers. {@code chiltepin fpga build} emits it and
 * puts it in place of the behavioural {@code ProductPair.v}.
 *
 * <p>Configuration ({@link #parameters()}): {@code MODE_8x8 = 1} (the two 8×8 multipliers work
 * independently: top = A[15:8]·B[15:8], bottom = A[7:0]·B[7:0]), {@code A_SIGNED = B_SIGNED = 1}
 * (in 8×8 mode both bytes of A and of B are signed), {@code TOPOUTPUT_SELECT = BOTOUTPUT_SELECT =
 * 2'b10} (O[31:16] and O[15:0] straight from the multipliers, bypassing the adders), every
 * {@code *_REG} = 0 (no input, pipeline or output register), so the module is purely
 * combinational: latency 0, like the behavioural one. Pair 1 goes in the high bytes, pair 0 in the
 * low bytes. Clock, enables, resets, holds, loads, carries and the unused C and D inputs are tied
 * to 0. Operands narrower than 8 bits are sign-extended into the bytes and the products truncated
 * back, which is exact because a {@code w × w}-bit signed product fits {@code 2w} bits.
 *
 * <p>Equivalence with the behavioural module is checked exhaustively in Icarus Verilog against
 * yosys' SB_MAC16 simulation model (Ice40ProductPairTest).
 */
public final class Ice40ProductPair extends Block {
    /** Operands of PE(i, 2j) (index 0) and PE(i, 2j+1) (index 1): ports {@code a_0, a_1}. */
    final SInt[] a = new SInt[2];
    /** Ports {@code b_0, b_1}. */
    final SInt[] b = new SInt[2];
    /** Products: ports {@code p_0, p_1}. */
    final SInt[] p = new SInt[2];
    final SbMac16 mac;

    /** The mapping for operands of {@code inputWidth} bits (2..8), module name {@code ProductPair}. */
    public Ice40ProductPair(int inputWidth) {
        this("ProductPair", inputWidth, parameters());
    }

    /**
     * The mapping named {@code moduleName} (the emitted behavioural module's definition name) with
     * the given SB_MAC16 parameters; tests pass broken ones to check that the equivalence test
     * notices.
     */
    public Ice40ProductPair(String moduleName, int inputWidth, Map<String, String> parameters) {
        if (inputWidth < 2 || inputWidth > ProductPair.MAX_INPUT_WIDTH) {
            throw new IllegalArgumentException("SB_MAC16 8x8 products take operands of 2.." + ProductPair.MAX_INPUT_WIDTH
                    + " bits, got " + inputWidth);
        }
        moduleName(moduleName);
        int w = inputWidth;
        for (int k = 0; k < 2; k++) {
            a[k] = in(sint(w));
            b[k] = in(sint(w));
        }
        for (int k = 0; k < 2; k++) {
            p[k] = out(sint(2 * w));
        }
        mac = HdlBlackBox.place(() -> new SbMac16(parameters));
        assign(mac.a, concat(resize(a[1], 8), resize(a[0], 8)));
        assign(mac.b, concat(resize(b[1], 8), resize(b[0], 8)));
        assign(mac.c, bitsLiteral(0, 16));
        assign(mac.d, bitsLiteral(0, 16));
        for (var tie : mac.control) {
            assign(tie, bool(false));
        }
        assign(p[0], asSInt(slice(mac.o, 2 * w - 1, 0)));
        assign(p[1], asSInt(slice(mac.o, 16 + 2 * w - 1, 16)));
    }

    /** The SB_MAC16 parameters of the mapping, in the order they are written (a new, modifiable map). */
    public static Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("NEG_TRIGGER", "1'b0"); // no register is used: the clock is tied off
        p.put("C_REG", "1'b0");
        p.put("A_REG", "1'b0");
        p.put("B_REG", "1'b0");
        p.put("D_REG", "1'b0");
        p.put("TOP_8x8_MULT_REG", "1'b0");
        p.put("BOT_8x8_MULT_REG", "1'b0");
        p.put("PIPELINE_16x16_MULT_REG1", "1'b0");
        p.put("PIPELINE_16x16_MULT_REG2", "1'b0");
        p.put("TOPOUTPUT_SELECT", "2'b10"); // O[31:16] = top 8x8 product, unregistered
        p.put("TOPADDSUB_LOWERINPUT", "2'b00"); // accumulator adders unused
        p.put("TOPADDSUB_UPPERINPUT", "1'b0");
        p.put("TOPADDSUB_CARRYSELECT", "2'b00");
        p.put("BOTOUTPUT_SELECT", "2'b10"); // O[15:0] = bottom 8x8 product, unregistered
        p.put("BOTADDSUB_LOWERINPUT", "2'b00");
        p.put("BOTADDSUB_UPPERINPUT", "1'b0");
        p.put("BOTADDSUB_CARRYSELECT", "2'b00");
        p.put("MODE_8x8", "1'b1"); // two independent 8x8 multipliers
        p.put("A_SIGNED", "1'b1"); // in 8x8 mode: both bytes of A signed
        p.put("B_SIGNED", "1'b1");
        return p;
    }
}
