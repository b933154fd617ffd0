package org.chiltepin.hw.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Command;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import spinal.core.Bool;

/**
 * The latencies {@link GemmEngine#latencies} states (and the manifest reports), measured on the
 * Verilated engine from outside: cycles from the edge that accepts a command on {@code s_axis_cmd}
 * to the edge that presents its first result beat or its response.
 */
class GemmLatencyCosimTest {
    private static final int LIMIT = 200;

    @ParameterizedTest(name = "{0}")
    // fpga-small: the FPGA profile, whose registered hazard checks add a decode cycle.
    @ValueSource(strings = {"tiny", "tiny-ws", "fpga-small"})
    void measuredLatenciesAreTheOnesTheEngineStates(String preset) {
        GemmConfig cfg = GemmConfig.preset(preset);
        GemmEngine.Latencies stated = GemmEngine.latencies(cfg);
        Simulation<GemmEngine> sim = GemmEngineCosimTest.harness(cfg).simulation();
        int cols = cfg.cols();
        sim.run("latency", 1, c -> {
            GemmEngine d = c.dut();
            c.set(d.mAxisData.ready(), true);
            c.set(d.mAxisResp.ready(), true);
            long fence = measure(c, Command.of(GemmReference.FENCE, 1, false, 0, 0, 0, 0, 0, 0), d.mAxisResp.valid());
            assertEquals(stated.immediateResponseCycles(), fence, "FENCE: acceptance to response");
            drain(c);
            long read = measure(c, Command.of(GemmReference.READ_ACC, 2, false, 0, 0, 0, 1, cols, 0), d.mAxisData.valid());
            assertEquals(stated.decodeCycles() + stated.storeLatencyCycles(), read, "READ_ACC: acceptance to first beat");
            drain(c);
            long store = measure(c, Command.of(GemmReference.STORE, 3, false, 0, 0, 0, 1, cols, 0), d.mAxisData.valid());
            assertEquals(stated.decodeCycles() + stated.storeLatencyCycles(), store, "STORE: acceptance to first beat");
        });
    }

    /** Offers {@code cmd} until it is accepted, then counts edges until {@code seen} is high. */
    private static long measure(Simulation.Cycle<GemmEngine> c, Command cmd, Bool seen) {
        GemmEngine d = c.dut();
        c.set(d.sAxisCmd.payload(), cmd.word());
        c.set(d.sAxisCmd.valid(), true);
        long accepted = -1;
        for (int i = 0; i < LIMIT && accepted < 0; i++) {
            c.tick();
            if (c.get(d.sAxisCmd.ready())) {
                accepted = c.count();
            }
        }
        c.set(d.sAxisCmd.valid(), false);
        assertTrue(accepted >= 0, "command accepted");
        for (int i = 0; i < LIMIT; i++) {
            c.tick();
            if (c.get(seen)) {
                return c.count() - accepted;
            }
        }
        throw new AssertionError("no result within " + LIMIT + " cycles");
    }

    /** Lets every beat and response of the previous command leave. */
    private static void drain(Simulation.Cycle<GemmEngine> c) {
        c.tick(200); // the FPGA profile's serial requantization: 17 cycles a lane group
    }
}
