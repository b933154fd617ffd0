package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bits;
import spinal.core.Bool;

/**
 * The ULX3S's top level ({@code ulx3s_top}, pins as in fpga/ulx3s/ulx3s.lpf), a synthesis-only
 * target: the engine runs on the 25 MHz oscillator (no PLL). Pins: {@code clk_25mhz} (G2),
 * {@code btn[0]} (PWR, D6, active low: reset), {@code ftdi_txd} (M1, FTDI to FPGA),
 * {@code ftdi_rxd} (L4), {@code led[7:0]} (active high: error, activity, heartbeat on 0..2).
 */
public final class Ulx3sTop extends BoardShell {
    final Bool clk25mhz = named(in(bool()), "clk_25mhz");
    final Bits btn = named(in(bits(1)), "btn");
    final Bool ftdiTxd = named(in(bool()), "ftdi_txd");
    final Bool ftdiRxd = named(out(bool()), "ftdi_rxd");
    final Bits led = named(out(bits(8)), "led");
    /** The engine clock: the oscillator (named clk, the name of the board top's clock port). */
    final Bool clk = bool();

    public Ulx3sTop(BoardConfig config) {
        super("ulx3s_top");
        assign(clk, clk25mhz);
        run(config, clk, bool(true), bit(btn, 0), ftdiTxd, ftdiRxd);
        assign(led, concat(bitsLiteral(0, 5), concat(board.ledHeartbeat, concat(board.ledActivity, board.ledError))));
    }
}
