package org.chiltepin.hw.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.chiltepin.hw.ConfigException;
import org.junit.jupiter.api.Test;

class ArrayConfigTest {

    private static String error(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void rejectsOutOfRangeValuesNamingFieldRuleAndValue() {
        assertEquals("rows: must be in [1, 32], got 0", error(() -> new ArrayConfig(0, 8, 8, 32)));
        assertEquals("cols: must be in [1, 32], got 33", error(() -> new ArrayConfig(8, 33, 8, 32)));
        assertEquals("inputWidth: must be in [2, 16], got 17", error(() -> new ArrayConfig(8, 8, 17, 40)));
        assertEquals("inputWidth: must be in [2, 16], got 1", error(() -> new ArrayConfig(8, 8, 1, 32)));
        assertEquals("accWidth: must be in [16, 64], got 15", error(() -> new ArrayConfig(8, 8, 8, 15)));
        assertEquals("accWidth: must be in [16, 64], got 65", error(() -> new ArrayConfig(8, 8, 8, 65)));
        assertEquals("preset: must be one of [default, tiny, small, large], got huge", error(() -> ArrayConfig.preset("huge")));
    }

    @Test
    void acceptsTheLimits() {
        new ArrayConfig(1, 1, 2, 4);
        new ArrayConfig(32, 32, 16, 64);
        new ArrayConfig(1, 32, 8, 16);
    }

    @Test
    void derivedValues() {
        ArrayConfig c = new ArrayConfig(3, 5, 8, 32);
        assertEquals(16, c.productWidth());
        assertEquals(5, c.tileSpacing());
        assertEquals(5, c.firstRowLatency());
        assertEquals(7, c.lastRowLatency());
        assertEquals(15, c.macsPerCycle());
        assertEquals(new ArrayConfig(8, 8, 8, 32), ArrayConfig.preset("default"));
    }
}
