package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlBlackBox;
import spinal.core.Bool;

/** The iCE40 global buffer {@code SB_GB}: puts a fabric signal (a divided clock) on a global clock net. */
public final class SbGb extends HdlBlackBox {
    final Bool userSignal = input(bool(), "USER_SIGNAL_TO_GLOBAL_BUFFER");
    final Bool globalBufferOutput = output(bool(), "GLOBAL_BUFFER_OUTPUT");

    SbGb() {
        super("SB_GB");
    }
}
