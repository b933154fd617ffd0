package org.chiltepin.verif.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void countsEveryFailureKeepsTheFirstAndSaysWhenToStop() {
        Failures f = new Failures(2, 3);
        assertEquals(0, f.count());
        assertEquals(List.of(), f.first());
        for (int i = 0; i < 4; i++) {
            assertFalse(f.tooMany(), "after " + i);
            f.add("failure " + i);
        }
        assertEquals(4, f.count());
        assertEquals(List.of("failure 0", "failure 1"), f.first());
        assertTrue(f.tooMany());
        assertThrows(UnsupportedOperationException.class, () -> f.first().add("x"));
        assertThrows(IllegalArgumentException.class, () -> new Failures(0, 5));
    }

    @Test
    void watchdogExpiresOnlyAfterMoreIdleCyclesThanItsLimit() {
        Watchdog w = new Watchdog(3);
        for (int i = 0; i < 3; i++) {
            w.tick();
        }
        assertFalse(w.expired());
        w.tick();
        assertTrue(w.expired());
        assertEquals(4, w.idle());
        w.progress();
        assertFalse(w.expired());
        assertEquals(0, w.idle());
        assertThrows(IllegalArgumentException.class, () -> new Watchdog(0));
    }
}
