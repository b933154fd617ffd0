package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bits;
import spinal.core.Bool;

/**
 * The board's reset: held while the clock is not locked or the (active-low, asynchronous) button
 * is pressed, released synchronously four cycles after both are fine. Build it in a
 * {@code Clocks.boot} domain: its registers start at all ones when the FPGA is configured, so the
 * design is in reset from the first edge.
 *
 * <p>Ports: {@code button_n} (asynchronous, two-flop synchronized), {@code locked};
 * {@code reset} (synchronous, active high). Latency: reset rises one cycle after
 * {@code locked} falls or three after the button is pressed; it falls four cycles after the last
 * of them is fine.
 */
final class ResetSynchronizer extends Block {
    final Bool buttonN = in(bool());
    final Bool locked = in(bool());
    final Bool reset = out(bool());
    final Bits buttonMeta = regInit(bits(2), bitsLiteral(3, 2));
    final Bits resetSync = regInit(bits(4), bitsLiteral(15, 4));
    final Bool hold = bool();

    ResetSynchronizer() {
        assign(buttonMeta, concat(bit(buttonMeta, 0), buttonN));
        assign(hold, or(not(locked), not(bit(buttonMeta, 1))));
        when(hold, () -> assign(resetSync, bitsLiteral(15, 4)))
                .otherwise(() -> assign(resetSync, concat(slice(resetSync, 2, 0), bool(false))));
        assign(reset, bit(resetSync, 3));
    }
}
