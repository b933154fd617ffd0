package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.Clocks;
import spinal.core.Bool;

/**
 * What every board's top level does around the {@link BoardTop}: takes the clock the board makes
 * (from a PLL, a divider or the oscillator) and whether it is stable, makes the design's reset
 * with a {@link ResetSynchronizer} (button or unlocked clock), and runs the board top in that
 * clock and reset. A subclass declares the board's pins under their constraint-file names, makes
 * the clock and calls {@link #run}, then maps the LEDs.
 */
abstract class BoardShell extends Block {
    /** The design's synchronous reset. */
    final Bool reset = bool();
    ResetSynchronizer resetSync;
    BoardTop board;

    BoardShell(String moduleName) {
        moduleName(moduleName);
    }

    /**
     * Builds the reset synchronizer and the board top on {@code clock}; connects the button and
     * UART pins. {@code locked} is high once the clock is stable.
     */
    final void run(BoardConfig config, Bool clock, Bool locked, Bool buttonN, Bool uartRx, Bool uartTx) {
        resetSync = Clocks.on(Clocks.boot(clock), () -> build(ResetSynchronizer::new));
        assign(resetSync.buttonN, buttonN);
        assign(resetSync.locked, locked);
        assign(reset, resetSync.reset);
        board = Clocks.on(Clocks.synchronous(clock, reset), () -> build(() -> new BoardTop(config)));
        assign(board.uartRx, uartRx);
        assign(uartTx, board.uartTx);
    }
}
