package org.chiltepin.verif.sim;

/**
 * Fails a run that stops moving: counts the cycles since the last progress (a beat transferred on
 * any stream) and expires when they exceed the limit. The limit is the harness's bound on the
 * longest legitimate silence (a long computation, a drain, a long stall streak).
 */
public final class Watchdog {
    private final long limit;
    private long idle;

    /** @param limit idle cycles allowed, at least 1 */
    public Watchdog(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("watchdog limit must be >= 1, got " + limit);
        }
        this.limit = limit;
    }

    /** One more cycle without progress (unless {@link #progress()} follows). */
    public void tick() {
        idle++;
    }

    /** Something moved: the idle count starts again. */
    public void progress() {
        idle = 0;
    }

    /** Cycles since the last progress. */
    public long idle() {
        return idle;
    }

    /** True when the idle cycles exceed the limit. */
    public boolean expired() {
        return idle > limit;
    }

    public long limit() {
        return limit;
    }
}
