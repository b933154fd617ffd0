package org.chiltepin.verif.host;

import java.nio.file.Path;
import java.util.function.Function;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.fpga.BoardConfig;
import org.chiltepin.hw.fpga.BoardTop;
import org.chiltepin.verif.sim.Harness;

/** The whole {@link BoardTop} built with Verilator, driven through its UART pins by a {@link SimLink}. */
public final class SimBoard extends Harness<BoardConfig, BoardTop> {
    public static SimBoard compile(BoardConfig config, Path workspace, Simulation.Options options) {
        return new SimBoard(config, workspace, options);
    }

    /** Runs {@code body} on a freshly reset board and returns its result. */
    public <R> R run(String name, int seed, Function<SimLink, R> body) {
        Object[] result = new Object[1];
        sim.run(name, seed, c -> {
            SimLink link = new SimLink(c, config.clocksPerBit());
            // The inputs are 0 during reset: let the receiver drop the false byte that makes.
            link.idle(24 * config.clocksPerBit());
            result[0] = body.apply(link);
        });
        @SuppressWarnings("unchecked")
        R r = (R) result[0];
        return r;
    }

    private SimBoard(BoardConfig config, Path workspace, Simulation.Options options) {
        super(config, BoardTop::new, workspace, options);
    }
}
