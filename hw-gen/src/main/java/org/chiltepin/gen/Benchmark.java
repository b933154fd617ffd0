package org.chiltepin.gen;

import java.nio.file.Path;

/**
 * A block's part of {@code chiltepin bench BLOCK} ({@link BenchCommand}): measures the block's
 * figure of merit on its Verilated RTL, prints a table and writes it as CSV. The command owns
 * {@code --preset/--config} (unless {@link #takesConfig()} is false), {@code --seed},
 * {@code --work} and {@code --csv} (optional: without it nothing is written), and prints the header; its {@code @Command(description = ...)} and annotated fields become the
 * command's description and options, as for a {@link Verifier}.
 */
interface Benchmark<C extends Record> {
    /** False when the benchmark's own options fix the configuration (no {@code --preset/--config}, no header). */
    default boolean takesConfig() {
        return true;
    }

    /** Checks the benchmark's own options (and the configuration); throws a ConfigException before anything runs. */
    default void check(C config) {
    }

    /** Runs the measurement; {@code csv} is null when not asked for. Returns the exit code. */
    int run(BlockRun<C> run, Path csv) throws Exception;
}
