package org.chiltepin.verif.sim;

import java.util.function.Consumer;
import java.util.function.Supplier;
import spinal.lib.Stream;

/**
 * Drives one valid/ready input stream of the design: offers beats with random idle cycles, and
 * keeps a beat offered — valid and unchanged — until the design takes it. Create it with
 * {@link Testbench#driver}; per cycle call {@link #drive} before the edge and {@link #sample}
 * after it.
 *
 * <p>On an idle cycle {@code valid} is low and, when the driver was given an idle action, the
 * payload is set to random values, which the design must ignore.
 *
 * @param <B> a beat as the harness describes it (a command, a tile column, a packet)
 */
public final class StreamDriver<B> extends StreamEnd {
    private final Consumer<? super B> write;
    private final Runnable idle;
    private B offered;
    private long refused;

    StreamDriver(Testbench<?> tb, Stream<?> port, double stall, Consumer<? super B> write, Runnable idle) {
        super(tb, port, stall);
        this.write = write;
        this.idle = idle;
    }

    /**
     * Before the edge. With no beat offered, the driver idles with probability {@code stall}
     * (no random number is drawn when {@code stall} is 0); otherwise it asks {@code next} for a
     * beat (null: none now) and writes its payload. A beat already offered stays as it is.
     */
    public void drive(Supplier<? extends B> next) {
        if (offered == null && (stall <= 0 || tb.rng().nextDouble() >= stall)) {
            B beat = next.get();
            if (beat != null) {
                offered = beat;
                write.accept(beat);
            }
        }
        if (offered == null && idle != null) {
            idle.run();
        }
        handshake(valid, offered != null);
    }

    /** After the edge: the beat the design took at it, or null (nothing offered, or refused). */
    public B sample() {
        if (offered == null) {
            return null;
        }
        if (!tb.sim().get(ready)) {
            refused++;
            return null;
        }
        B beat = offered;
        offered = null;
        transferred();
        return beat;
    }

    /** The beat on offer, or null. */
    public B offered() {
        return offered;
    }

    /** Cycles in which a beat was offered and not taken. */
    public long refused() {
        return refused;
    }
}
