package org.chiltepin.verif.sim;

import java.util.List;

/**
 * What every harness's report says, whatever else it holds: the verdict, the failure count, the
 * first failures described and the simulated cycles. {@code verify BLOCK} builds its verdict from it.
 */
public interface HarnessReport {
    /** True when nothing failed. */
    default boolean passed() {
        return failures() == 0;
    }

    /** Failures counted. */
    long failures();

    /** The first failures, described. */
    List<String> mismatches();

    /** Clock cycles simulated. */
    long cycles();
}
