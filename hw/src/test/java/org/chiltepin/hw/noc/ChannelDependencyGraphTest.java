package org.chiltepin.hw.noc;

import static org.chiltepin.hw.noc.ChannelDependencyGraph.E;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.L;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.N;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.S;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.chiltepin.hw.ConfigException;
import org.junit.jupiter.api.Test;

class ChannelDependencyGraphTest {

    @Test
    void dimensionOrderRoutingIsAcyclicOnEveryMesh() {
        for (int k = 1; k <= 8; k++) {
            for (int m = 1; m <= 8; m++) {
                assertEquals(List.of(), ChannelDependencyGraph.of(k, m, "xy").findCycle(), k + "×" + m);
                assertEquals(List.of(), ChannelDependencyGraph.of(k, m, "yx").findCycle(), k + "×" + m);
            }
        }
    }

    @Test
    void xyHasExactlyTheTurnsFromXToY() {
        ChannelDependencyGraph g = ChannelDependencyGraph.of(3, 3, "xy");
        boolean[][] t = g.turns(1, 1);
        // Entering from the west (travelling east): straight on, turn north or south, or eject.
        assertTrue(t[W][E] && t[W][N] && t[W][S] && t[W][L]);
        // Travelling in Y never turns back into X, and no port sends back where it came from.
        assertFalse(t[N][E] || t[N][W] || t[S][E] || t[S][W]);
        for (int p = 0; p < 4; p++) {
            assertFalse(t[p][p], "no U-turn on port " + p);
        }
        // The local port reaches every direction and itself (a message to the own node).
        assertTrue(t[L][N] && t[L][E] && t[L][S] && t[L][W] && t[L][L]);
        // A corner router has no turns towards the outside.
        boolean[][] corner = g.turns(0, 0);
        for (int p = 0; p < 5; p++) {
            assertFalse(corner[p][N] || corner[p][W] || corner[N][p] || corner[W][p]);
        }
    }

    @Test
    void rejectsACyclicRoutingFunctionWithAClearMessage() {
        // Y first in even columns, X first in odd ones: both turn kinds, so the four links around a
        // square can wait on each other.
        ChannelDependencyGraph.RoutingFunction mixed = (x, y, tx, ty) -> {
            var xy = ChannelDependencyGraph.function("xy").next(x, y, tx, ty);
            var yx = ChannelDependencyGraph.function("yx").next(x, y, tx, ty);
            return (x % 2 == 0) ? yx : xy;
        };
        ChannelDependencyGraph g = ChannelDependencyGraph.of(4, 4, "mixed", mixed);
        List<String> cycle = g.findCycle();
        assertFalse(cycle.isEmpty(), "a cycle exists");
        String msg = assertThrows(ConfigException.class, g::requireAcyclic).getMessage();
        assertTrue(msg.startsWith("routing: channel-dependency graph on the 4×4 mesh has a cycle, so packets can deadlock: "), msg);
        assertTrue(msg.endsWith(", got mixed"), msg);
        // The cycle printed is closed: its last link ends where its first one starts.
        String first = cycle.get(0);
        String last = cycle.get(cycle.size() - 1);
        assertEquals(first.substring(0, 5), last.substring(last.length() - 5), msg);
    }

    @Test
    void minimalAdaptiveRoutingHasACycleOnA2x2Mesh() {
        assertEquals(4, ChannelDependencyGraph.of(2, 2, "adaptive").findCycle().size());
        assertEquals(List.of(), ChannelDependencyGraph.of(5, 1, "adaptive").findCycle());
    }

    @Test
    void aRoutingThatLeavesTheMeshIsRejected() {
        ChannelDependencyGraph.RoutingFunction east = (x, y, tx, ty) -> x == tx ? List.of() : List.of(E);
        String msg = assertThrows(ConfigException.class, () -> ChannelDependencyGraph.of(3, 1, "east-only", east)).getMessage();
        assertTrue(msg.contains("leaves the 3×1 mesh"), msg);
    }
}
