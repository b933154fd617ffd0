package org.chiltepin.verif.sim;

import java.util.Arrays;
import java.util.function.Supplier;
import spinal.lib.Stream;

/**
 * Takes beats from one valid/ready output stream of the design under random back-pressure and
 * checks the stream protocol: a beat offered and refused must be offered again, unchanged, in the
 * next cycle (the stall-hold rule). Create it with {@link Testbench#monitor}; per cycle call
 * {@link #drive} before the edge and {@link #sample} after it.
 *
 * <p>A beat is read as a {@code long[]} (the payload fields, in an order of the harness's
 * choosing), so that holding is checked on every field.
 */
public final class StreamMonitor extends StreamEnd {
    private final String name;
    private final Supplier<long[]> read;
    private boolean readyNow;
    private long[] held;

    StreamMonitor(Testbench<?> tb, String name, Stream<?> port, double stall, Supplier<long[]> read) {
        super(tb, port, stall);
        this.name = name;
        this.read = read;
    }

    /** Before the edge: {@code ready}, refused with probability {@code stall} (one draw every cycle). */
    public void drive() {
        drive(true);
    }

    /** As {@link #drive()}, and refused whatever the draw when {@code mayAccept} is false (a full sink). */
    public void drive(boolean mayAccept) {
        readyNow = tb.rng().nextDouble() >= stall && mayAccept;
        handshake(ready, readyNow);
    }

    /**
     * After the edge: the beat transferred at it, or null. A beat seen stalled in the previous
     * cycle must be here again, equal in every field; otherwise a protocol failure is reported.
     */
    public long[] sample() {
        long[] beat = tb.sim().get(valid) ? read.get() : null;
        if (held != null && !Arrays.equals(held, beat)) {
            tb.fail("protocol: " + name + " beat changed or dropped while stalled: " + Arrays.toString(held) + " became "
                    + (beat == null ? "not valid" : Arrays.toString(beat)));
        }
        held = null;
        if (beat == null) {
            return null;
        }
        if (!readyNow) {
            held = beat;
            return null;
        }
        transferred();
        return beat;
    }

    /** True while a stalled beat waits to be checked by the next {@link #sample()}. */
    public boolean holding() {
        return held != null;
    }
}
