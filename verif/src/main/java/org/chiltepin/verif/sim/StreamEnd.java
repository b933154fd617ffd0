package org.chiltepin.verif.sim;

import spinal.core.Bool;
import spinal.lib.Stream;

/**
 * What a {@link StreamDriver} and a {@link StreamMonitor} share: the stream's handshake signals,
 * the stall probability, the count of beats transferred (each one progress for the watchdog),
 * and a handshake output that is written to the simulator only when it changes (a write is a
 * call into the model, and a mesh has dozens of streams).
 */
abstract class StreamEnd {
    final Testbench<?> tb;
    final Bool valid;
    final Bool ready;
    final double stall;
    private int driven = -1;
    private long transferred;

    StreamEnd(Testbench<?> tb, Stream<?> port, double stall) {
        this.tb = tb;
        this.valid = port.valid();
        this.ready = port.ready();
        this.stall = stall;
    }

    /** Drives this end's handshake output ({@code valid} or {@code ready}) for the coming edge. */
    final void handshake(Bool output, boolean value) {
        if (driven != (value ? 1 : 0)) {
            tb.sim().set(output, value);
            driven = value ? 1 : 0;
        }
    }

    /** Counts a beat transferred: progress for the watchdog. */
    final void transferred() {
        transferred++;
        tb.progress();
    }

    /** Beats transferred so far. */
    public final long beats() {
        return transferred;
    }
}
