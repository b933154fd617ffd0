package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A block's part of {@code chiltepin golden BLOCK} ({@link GoldenCommand}): the test vectors its
 * cocotb testbench reads, from the same stimulus {@code verify BLOCK} uses for a seed, with the
 * golden model's outputs. The command owns {@code --preset/--config --seed --cases --stall --out}
 * and writes the file; it starts the JSON with {@code block, configArgs, config, seed, stall, top}.
 * Its {@code @Command(description = ...)} and annotated fields become the command's description
 * and options, as for a {@link Verifier}.
 */
interface GoldenVectors<C extends Record> {
    /** The default of {@code --cases}. */
    default int defaultCases() {
        return 100;
    }

    /** Checks the block's own options against the configuration; throws a ConfigException. */
    default void check(C config) {
    }

    /** Adds the vectors to {@code root} and says what was written, e.g. {@code "12 tiles"}. */
    String write(ObjectNode root, BlockRun<C> run);
}
