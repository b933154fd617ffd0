package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bits;
import spinal.core.Bool;

/**
 * The Tang Nano 9K's top level ({@code tangnano9k_top}, pins as in fpga/tangnano9k/tangnano9k.cst),
 * a synthesis-only target: the engine runs on the 27 MHz oscillator (no PLL). Pins:
 * {@code clk} (52, 27 MHz), {@code btn_n} (S2, 4, active low: reset), {@code uart_rx} (18, BL702 to
 * FPGA), {@code uart_tx} (17), {@code led_n[5:0]} (active low: error, activity, heartbeat on 0..2).
 */
public final class TangNano9kTop extends BoardShell {
    final Bool clk = in(bool());
    final Bool btnN = named(in(bool()), "btn_n");
    final Bool uartRx = named(in(bool()), "uart_rx");
    final Bool uartTx = named(out(bool()), "uart_tx");
    final Bits ledN = named(out(bits(6)), "led_n");

    public TangNano9kTop(BoardConfig config) {
        super("tangnano9k_top");
        run(config, clk, bool(true), btnN, uartRx, uartTx);
        assign(ledN, concat(bitsLiteral(7, 3), concat(not(board.ledHeartbeat), concat(not(board.ledActivity),
                not(board.ledError)))));
    }
}
