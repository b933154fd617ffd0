package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.chiltepin.hdl.Simulation;

/**
 * What one {@code verify}, {@code golden} or {@code bench} run of a block was asked for, every
 * option already checked against its rule: handed to the block's hook by {@link BlockCommand}.
 *
 * @param config     the configuration ({@code null} for a benchmark that takes none)
 * @param configArgs how to ask for it again: {@code --preset tiny} or {@code --config FILE}
 * @param seed       {@code --seed}
 * @param cases      {@code --cases}, or 0 where the command has none
 * @param stall      {@code --stall}, or 0 where the command has none
 * @param work       {@code --work}, or {@code null} where nothing is simulated
 * @param simulation the Verilator build options ({@code --wave}, {@code --coverage})
 * @param out        where the command prints
 */
record BlockRun<C extends Record>(C config, String configArgs, int seed, int cases, double stall, Path work,
        Simulation.Options simulation, PrintWriter out) {
}
