package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chiltepin.hdl.HdlBlackBox;
import spinal.core.Bits;
import spinal.core.Bool;

/**
 * The iCE40UP5K's DSP, {@code SB_MAC16}, as a black box: ports and parameters as in yosys'
 * {@code ice40/cells_sim.v} and Lattice's DSP usage guide. Inputs {@code A, B, C, D} (16 bits),
 * {@code CLK, CE}, the holds, resets, loads, add/sub selects and carries; outputs {@code O}
 * (32 bits), {@code CO, ACCUMCO, SIGNEXTOUT}. The user ties every input it does not use.
 */
public final class SbMac16 extends HdlBlackBox {
    private static final Pattern BINARY = Pattern.compile("(\\d+)'b([01]+)");

    /** The single-bit inputs, in the order of the primitive's port list. */
    static final String[] CONTROL_INPUTS = {"CLK", "CE", "AHOLD", "BHOLD", "CHOLD", "DHOLD", "IRSTTOP", "IRSTBOT",
        "ORSTTOP", "ORSTBOT", "OLOADTOP", "OLOADBOT", "ADDSUBTOP", "ADDSUBBOT", "OHOLDTOP", "OHOLDBOT", "CI", "ACCUMCI",
        "SIGNEXTIN"};

    final Bits a = input(bits(16), "A");
    final Bits b = input(bits(16), "B");
    final Bits c = input(bits(16), "C");
    final Bits d = input(bits(16), "D");
    final Bool[] control = new Bool[CONTROL_INPUTS.length];
    final Bits o = output(bits(32), "O");
    final Bool co = output(bool(), "CO");
    final Bool accumco = output(bool(), "ACCUMCO");
    final Bool signextout = output(bool(), "SIGNEXTOUT");

    /**
     * @param parameters the primitive's parameters as sized binary Verilog literals
     *                   ({@code "MODE_8x8" -> "1'b1"}), written in this order
     */
    SbMac16(Map<String, String> parameters) {
        super("SB_MAC16");
        for (int i = 0; i < CONTROL_INPUTS.length; i++) {
            control[i] = input(bool(), CONTROL_INPUTS[i]);
        }
        parameters.forEach((name, value) -> {
            Matcher m = BINARY.matcher(value);
            if (!m.matches() || Integer.parseInt(m.group(1)) != m.group(2).length()) {
                throw new IllegalArgumentException("SB_MAC16 parameter " + name + " must be a sized binary literal "
                        + "such as 2'b10, got " + value);
            }
            parameter(name, bitsLiteral(Long.parseLong(m.group(2), 2), m.group(2).length()));
        });
    }
}
