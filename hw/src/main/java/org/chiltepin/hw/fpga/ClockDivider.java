package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * A clock below the PLL's 16 MHz minimum: the input clock divided by an even {@code divider}
 * (2..256) in the fabric. Build it in a {@code Clocks.boot} domain of the oscillator and put
 * {@code clk_div} on a global buffer ({@link SbGb}).
 *
 * <p>Ports: {@code clk_div}, a square wave of period {@code divider} input cycles.
 */
final class ClockDivider extends Block {
    final Bool clkDiv = out(bool());
    final UInt clkCount = regInit(uint(8), uint(0, 8));
    final Bool toggle = regInit(bool(), bool(false));
    final Bool wrap = bool();

    ClockDivider(int divider) {
        if (divider < 2 || divider > 256 || divider % 2 != 0) {
            throw new IllegalArgumentException("divider must be even, in [2, 256], got " + divider);
        }
        assign(wrap, eq(clkCount, uint(divider / 2 - 1, 8)));
        when(wrap, () -> {
            assign(clkCount, uint(0, 8));
            assign(toggle, not(toggle));
        }).otherwise(() -> assign(clkCount, add(clkCount, uint(1, 8))));
        assign(clkDiv, toggle);
    }
}
