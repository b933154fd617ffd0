package org.chiltepin.verif.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The failures of a run: all are counted, the first {@code keep} are kept described (a run that
 * goes wrong tends to go wrong thousands of times, and the first failure is the one to read), and
 * past {@code stopAfter} the run should stop ({@link #tooMany()}).
 */
public final class Failures {
    private final int keep;
    private final long stopAfter;
    private final List<String> first = new ArrayList<>();
    private long count;

    /**
     * @param keep      failures kept described, at least 1
     * @param stopAfter count past which {@link #tooMany()} says to stop
     */
    public Failures(int keep, long stopAfter) {
        if (keep < 1 || stopAfter < 1) {
            throw new IllegalArgumentException("keep and stopAfter must be >= 1, got " + keep + ", " + stopAfter);
        }
        this.keep = keep;
        this.stopAfter = stopAfter;
    }

    /** Counts a failure; keeps its description if fewer than {@code keep} are kept. */
    public void add(String description) {
        count++;
        if (first.size() < keep) {
            first.add(description);
        }
    }

    /** Failures counted so far. */
    public long count() {
        return count;
    }

    /** The first failures, described, in order (a copy). */
    public List<String> first() {
        return List.copyOf(first);
    }

    /** True once more than {@code stopAfter} failures were counted. */
    public boolean tooMany() {
        return count > stopAfter;
    }
}
