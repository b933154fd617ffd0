package org.chiltepin.hw.noc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.noc.MeshHarness;
import org.chiltepin.verif.noc.MeshHarness.Report;
import org.chiltepin.verif.noc.MeshHarness.Traffic;
import org.chiltepin.verif.noc.TrafficPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The emitted mesh, Verilated, against the packet-level golden model. The default run uses the 4×4
 * preset and a 3×2 mesh (not a power of two, so destinations outside it can be encoded); the 8×8
 * preset, whose Verilator build alone takes about three minutes here, runs with
 * {@code -Dchiltepin.full=true}.
 */
class MeshCosimTest {
    private static final Path WORK = Path.of("target", "sim");
    private static final Map<NocConfig, MeshHarness> COMPILED = new HashMap<>();
    private static final NocConfig DEFAULT = NocConfig.preset("default");
    private static final NocConfig ODD = new NocConfig(3, 2, 24, 2, 3, "yx");

    static MeshHarness harness(NocConfig config) {
        return COMPILED.computeIfAbsent(config, c -> MeshHarness.compile(c, WORK, Simulation.Options.DEFAULT));
    }

    private static void assertPassed(Report r, String what) {
        assertTrue(r.passed(), what + ": " + r.summary() + "\n  " + r.faults());
        assertEquals(r.sent(), r.delivered(), what);
    }

    @Test
    void zeroLoadLatencyEqualsTheAnalyticModelForEveryIsolatedPacket() {
        for (NocConfig cfg : List.of(DEFAULT, ODD)) {
            List<MeshHarness.Isolated> iso = harness(cfg).isolated(150, 7);
            assertEquals(150, iso.size());
            for (MeshHarness.Isolated i : iso) {
                assertEquals(Math.round(i.model()), i.latency(), cfg + " " + i);
            }
            // One cycle per hop: packets of equal length differ by exactly their hop difference.
            assertTrue(iso.stream().anyMatch(i -> i.hops() == 0) && iso.stream().anyMatch(i -> i.hops() >= cfg.k() + cfg.m() - 3));
        }
    }

    @Test
    void illegalMessagesAreDroppedWithTheFlagAndTheNetworkStillWorks() {
        assertEquals(List.of(), harness(ODD).illegalInput(3));
        assertEquals(List.of(), harness(DEFAULT).illegalInput(4));
    }

    @ParameterizedTest
    @EnumSource(TrafficPattern.class)
    void everyPatternDeliversEveryPacketOnceIntactInOrderUnderBackPressure(TrafficPattern pattern) {
        for (NocConfig cfg : List.of(DEFAULT, ODD)) {
            double bound = NocReference.uniformThroughputBound(cfg.k(), cfg.m());
            double load = pattern == TrafficPattern.ALL_TO_ONE ? 0.9 / cfg.nodes() : 0.5 * bound;
            Traffic t = Traffic.of(pattern, load, -1).withStall(0.3).withRequestResponse(true).withCycles(200, 3000);
            Report r = harness(cfg).run(t, 11 + pattern.ordinal());
            assertPassed(r, cfg.k() + "×" + cfg.m() + " " + pattern.cliName());
            assertTrue(r.responses() > 0 && r.responses() * 2 == r.delivered(), "every request answered: " + r.summary());
        }
    }

    @Test
    void zeroLoadMeasurementUnderLightTrafficIsTheModel() {
        Report r = harness(DEFAULT).run(Traffic.of(TrafficPattern.UNIFORM, 0.01, 4).withCycles(200, 4000), 5);
        assertPassed(r, "light load");
        assertEquals(0.0, r.minZeroLoadExcess(), 1e-9, "some packets see no contention and match the model exactly");
        assertTrue(r.zeroLoadExcess() < 1.0, "light load stays within a cycle of the model on average: " + r.zeroLoadExcess());
    }

    /** Beyond saturation (2× the bound) for 10^5 cycles: nothing lost, duplicated, corrupted; no deadlock. */
    @Test
    void saturationRunOf100kCyclesLosesNothingAndNeverDeadlocks() {
        double bound = NocReference.uniformThroughputBound(4, 4);
        Traffic t = new Traffic(TrafficPattern.UNIFORM, 2 * bound, -1, 0.2, true, 0, 100_000, 200_000, 16, 4, 2000);
        Report r = harness(DEFAULT).run(t, 1);
        assertPassed(r, "saturation");
        assertTrue(r.cycles() >= 100_000);
        assertTrue(r.sent() > 100_000, "heavy traffic: " + r.summary());
        // Saturated: the network accepts well below what is offered.
        assertTrue(r.accepted() < 0.9 * 2 * bound, r.summary());
    }

    /** The degenerate shapes: a single node (every message goes to itself) and a single column. */
    @Test
    void singleNodeAndSingleColumnMeshesDeliverEverything() {
        for (NocConfig cfg : List.of(new NocConfig(1, 1, 16, 2, 2, "xy"), new NocConfig(1, 4, 16, 2, 3, "xy"))) {
            for (MeshHarness.Isolated i : harness(cfg).isolated(40, 3)) {
                assertEquals(Math.round(i.model()), i.latency(), cfg + " " + i);
            }
            Traffic t = Traffic.of(TrafficPattern.UNIFORM, 0.6, -1).withStall(0.3).withRequestResponse(true).withCycles(100, 3000);
            assertPassed(harness(cfg).run(t, 8), cfg.k() + "×" + cfg.m());
        }
    }

    @Test
    void watchdogFailsARunWhereNothingMoves() {
        // Sinks that never take a message: the network fills up and stops; the run must fail, not hang.
        Traffic t = Traffic.of(TrafficPattern.UNIFORM, 0.5, 2).withStall(1.0).withCycles(0, 500);
        Report r = harness(ODD).run(t, 2);
        assertFalse(r.passed());
        assertTrue(r.deadlock(), r.summary());
        assertTrue(r.faults().get(0).startsWith("watchdog"), r.faults().toString());
    }

    @Test
    @EnabledIfSystemProperty(named = "chiltepin.full", matches = "true")
    void largeMeshSaturationAndPatterns() {
        NocConfig large = NocConfig.preset("large");
        for (MeshHarness.Isolated i : harness(large).isolated(100, 9)) {
            assertEquals(Math.round(i.model()), i.latency(), i.toString());
        }
        double bound = NocReference.uniformThroughputBound(8, 8);
        for (TrafficPattern p : TrafficPattern.values()) {
            double load = p == TrafficPattern.ALL_TO_ONE ? 0.9 / 64 : 0.5 * bound;
            assertPassed(harness(large).run(Traffic.of(p, load, -1).withStall(0.3).withRequestResponse(true)
                    .withCycles(200, 5000), 21), "8×8 " + p.cliName());
        }
        Traffic t = new Traffic(TrafficPattern.UNIFORM, 2 * bound, -1, 0.2, true, 0, 100_000, 400_000, 16, 4, 2000);
        assertPassed(harness(large).run(t, 1), "8×8 saturation");
    }
}
