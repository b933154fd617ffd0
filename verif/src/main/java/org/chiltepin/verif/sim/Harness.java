package org.chiltepin.verif.sim;

import java.nio.file.Path;
import java.util.function.Function;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.Simulation;

/**
 * A block's co-simulation harness: its configuration and its Verilated model, built once (the
 * slow part) and run many times, each run a fresh simulation on a {@link Testbench}. A subclass
 * adds the runs and a static {@code compile(config, workspace, options)} that calls its
 * constructor.
 *
 * @param <C> the block's configuration record
 * @param <T> the block
 */
public abstract class Harness<C, T extends Block> {
    /** The configuration the model was built for. */
    protected final C config;
    /** The Verilated model. */
    protected final Simulation<T> sim;

    /** Elaborates {@code top.apply(config)} and builds it with Verilator in {@code workspace}. */
    protected Harness(C config, Function<C, T> top, Path workspace, Simulation.Options options) {
        this.config = config;
        this.sim = Simulation.compile(() -> top.apply(config), workspace, options);
    }

    public final C config() {
        return config;
    }

    /** The model, for runs a harness does not offer. */
    public final Simulation<T> simulation() {
        return sim;
    }
}
