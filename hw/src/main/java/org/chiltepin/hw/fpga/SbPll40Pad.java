package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlBlackBox;
import spinal.core.Bool;

/**
 * The iCE40 PLL fed from a package pin, {@code SB_PLL40_PAD}, in the simple feedback mode, as a
 * black box: {@code PACKAGEPIN} (the oscillator's pin, connected straight to the top-level input),
 * {@code RESETB}, {@code BYPASS} in; {@code PLLOUTGLOBAL} (the clock, on a global buffer) and
 * {@code LOCK} out. The dividers come from {@code icepll} ({@link IcePll}).
 */
public final class SbPll40Pad extends HdlBlackBox {
    final Bool packagePin = input(bool(), "PACKAGEPIN");
    final Bool resetB = input(bool(), "RESETB");
    final Bool bypass = input(bool(), "BYPASS");
    final Bool pllOutGlobal = output(bool(), "PLLOUTGLOBAL");
    final Bool lock = output(bool(), "LOCK");

    SbPll40Pad(IcePll pll) {
        super("SB_PLL40_PAD");
        parameter("FEEDBACK_PATH", "SIMPLE");
        parameter("DIVR", bitsLiteral(pll.divr(), 4));
        parameter("DIVF", bitsLiteral(pll.divf(), 7));
        parameter("DIVQ", bitsLiteral(pll.divq(), 3));
        parameter("FILTER_RANGE", bitsLiteral(pll.filterRange(), 3));
    }
}
