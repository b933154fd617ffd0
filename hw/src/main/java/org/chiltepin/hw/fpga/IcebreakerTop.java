package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Clocks;
import org.chiltepin.hdl.HdlBlackBox;
import spinal.core.Bool;

/**
 * The iCEBreaker's top level ({@code icebreaker_top}, pins as in fpga/icebreaker/icebreaker.pcf):
 * the engine clock from the PLL ({@link SbPll40Pad} on the 12 MHz oscillator pin) or, below the
 * PLL's 16 MHz minimum, from a fabric {@link ClockDivider} on a global buffer; the reset from the
 * user button and the PLL's lock; the {@link BoardTop} on the UART pins; the red LED on when the
 * last frame was answered with an error, the green one flipping with every good frame and blinking
 * with the heartbeat (both LEDs active low).
 *
 * <p>Pins: {@code CLK_12M} (35, the 12 MHz oscillator; not {@code CLK}, which would clash with
 * the engine clock {@code clk}: SpinalHDL compares names without case), {@code BTN_N} (10, active low: reset), {@code RX} (6, FTDI to
 * FPGA), {@code TX} (9), {@code LEDR_N} (11), {@code LEDG_N} (37).
 */
public final class IcebreakerTop extends BoardShell {
    final Bool clkPin = named(in(bool()), "CLK_12M");
    final Bool btnN = named(in(bool()), "BTN_N");
    final Bool rx = named(in(bool()), "RX");
    final Bool tx = named(out(bool()), "TX");
    final Bool ledrN = named(out(bool()), "LEDR_N");
    final Bool ledgN = named(out(bool()), "LEDG_N");
    /** The engine clock. */
    final Bool clk = bool();
    final Bool clkLocked = bool();
    SbPll40Pad pll;
    ClockDivider divider;
    SbGb clockBuffer;

    /**
     * @param config  the board top's configuration (its clock must be what the PLL or divider makes)
     * @param pll     the PLL's settings, or null to divide the oscillator in the fabric
     * @param divider with {@code pll == null}: the even divider of the 12 MHz oscillator (2..256)
     */
    public IcebreakerTop(BoardConfig config, IcePll pll, int divider) {
        super("icebreaker_top");
        if (pll != null) {
            this.pll = HdlBlackBox.place(() -> new SbPll40Pad(pll));
            assign(this.pll.packagePin, clkPin);
            assign(this.pll.resetB, bool(true));
            assign(this.pll.bypass, bool(false));
            assign(clk, this.pll.pllOutGlobal);
            assign(clkLocked, this.pll.lock);
        } else {
            this.divider = Clocks.on(Clocks.boot(clkPin), () -> build(() -> new ClockDivider(divider)));
            clockBuffer = HdlBlackBox.place(SbGb::new);
            assign(clockBuffer.userSignal, this.divider.clkDiv);
            assign(clk, clockBuffer.globalBufferOutput);
            assign(clkLocked, bool(true));
        }
        run(config, clk, clkLocked, btnN, rx, tx);
        assign(ledrN, not(board.ledError));
        assign(ledgN, not(xor(board.ledHeartbeat, board.ledActivity)));
    }
}
