package org.chiltepin.gen;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a step that may take a while (a Verilator build, a long simulation): announced on
 * stderr when it starts, then a line every {@link #PERIOD_SECONDS} s with the time so far, until
 * it ends. Silent when the command runs with {@code --quiet}.
 */
final class Heartbeat implements AutoCloseable {
    static final int PERIOD_SECONDS = 15;

    private final ScheduledExecutorService timer;
    private final long t0 = System.nanoTime();

    private Heartbeat(PrintWriter err, String what) {
        if (err == null) {
            timer = null;
            return;
        }
        err.printf("chiltepin: %s ...%n", what);
        err.flush();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chiltepin-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            err.printf("chiltepin:   still %s, %.0f s so far%n", what, (System.nanoTime() - t0) / 1e9);
            err.flush();
        }, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** Starts the step's progress lines on {@code err}, or none when {@code quiet}. */
    static Heartbeat start(PrintWriter err, boolean quiet, String what) {
        return new Heartbeat(quiet ? null : err, what);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
