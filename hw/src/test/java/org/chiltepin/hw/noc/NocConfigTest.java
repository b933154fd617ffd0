package org.chiltepin.hw.noc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.chiltepin.hw.ConfigException;
import org.junit.jupiter.api.Test;

class NocConfigTest {

    private static String error(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void rejectsOutOfRangeValuesNamingFieldRuleAndValue() {
        assertEquals("k: must be in [1, 8], got 0", error(() -> new NocConfig(0, 4, 32, 4, 4, "xy")));
        assertEquals("m: must be in [1, 8], got 9", error(() -> new NocConfig(4, 9, 32, 4, 4, "xy")));
        assertEquals("maxPayloadFlits: must be in [1, 16], got 0", error(() -> new NocConfig(4, 4, 32, 4, 0, "xy")));
        assertEquals("flitWidth: must be in [12, 64] (the head flit holds destination, source and length, 11 bits, "
                + "and a tag of at least 1 bit), got 11", error(() -> new NocConfig(4, 4, 11, 4, 4, "xy")));
        assertTrue(error(() -> new NocConfig(4, 4, 65, 4, 4, "xy")).startsWith("flitWidth: must be in [12, 64]"));
        assertEquals("bufferDepth: must be 2, 4, 8 or 16, got 3", error(() -> new NocConfig(4, 4, 32, 3, 4, "xy")));
        assertEquals("bufferDepth: must be 2, 4, 8 or 16, got 32", error(() -> new NocConfig(4, 4, 32, 32, 4, "xy")));
        assertEquals("routing: must be one of [xy, yx, adaptive], got zigzag", error(() -> new NocConfig(4, 4, 32, 4, 4, "zigzag")));
        assertEquals("preset: must be one of [default, tiny, large], got huge", error(() -> NocConfig.preset("huge")));
    }

    @Test
    void acceptsEveryMeshFrom1x1To8x8WithDimensionOrderRouting() {
        for (int k = 1; k <= 8; k++) {
            for (int m = 1; m <= 8; m++) {
                new NocConfig(k, m, 32, 2, 4, "xy");
                new NocConfig(k, m, 32, 16, 16, "yx");
            }
        }
    }

    @Test
    void presetsAndDerivedValues() {
        assertEquals(new NocConfig(4, 4, 32, 4, 4, "xy"), NocConfig.preset("default"));
        assertEquals(List.of("default", "tiny", "large"), List.copyOf(NocConfig.presets().keySet()));
        NocConfig c = new NocConfig(5, 3, 24, 4, 6, "xy");
        assertEquals(3, c.xBits());
        assertEquals(2, c.yBits());
        assertEquals(3, c.lenBits());
        assertEquals(2 * (3 + 2) + 3, c.headerBits());
        assertEquals(24 - 13, c.tagWidth());
        assertEquals(15, c.nodes());
        // (hops + 1) routers at 1 cycle, 1 + length flits, 2 cycles in the interfaces.
        assertEquals(3 + 5 + 2, NocConfig.zeroLoadLatency(2, 4));
        assertEquals(1 + 1 + 2, NocConfig.zeroLoadLatency(0, 0));
    }

    @Test
    void adaptiveRoutingIsRejectedWithTheCycleOfChannels() {
        String msg = error(() -> new NocConfig(2, 2, 32, 4, 4, "adaptive"));
        assertTrue(msg.startsWith("routing: channel-dependency graph on the 2×2 mesh has a cycle, so packets can deadlock: "), msg);
        assertTrue(msg.endsWith(", got adaptive"), msg);
        assertTrue(msg.matches(".*\\(\\d,\\d\\)[NESW]->\\(\\d,\\d\\) => .*"), msg);
        assertThrows(ConfigException.class, () -> new NocConfig(8, 8, 32, 4, 4, "adaptive"));
        assertThrows(ConfigException.class, () -> new NocConfig(2, 8, 32, 4, 4, "adaptive"));
        // On a single row or column there is only one minimal path: the graph is acyclic, and it is XY.
        NocConfig line = new NocConfig(8, 1, 32, 4, 4, "adaptive");
        assertFalse(line.yFirst());
        new NocConfig(1, 8, 32, 4, 4, "adaptive");
    }
}
