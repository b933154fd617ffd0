package org.chiltepin.gen;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.chiltepin.gen.StimulusOptions.Seed;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The frame of {@code verify}, {@code golden} and {@code bench BLOCK}: one generic command per
 * verb ({@link VerifyCommand}, {@link GoldenCommand}, {@link BenchCommand}) serves every
 * {@link BlockKind}. Its command line is assembled from mixins: the option groups the verb takes
 * ({@link ConfigOptions}, {@link StimulusOptions}, {@link SimOptions}) and the block hook itself,
 * whose annotated fields are the block's own options.
 */
abstract class BlockCommand<C extends Record> implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    final BlockKind<C> kind;
    /** {@code --preset/--config}, or null for a command that takes no configuration. */
    final ConfigOptions config;
    final Seed seed = new Seed();

    BlockCommand(BlockKind<C> kind, boolean takesConfig) {
        this.kind = kind;
        this.config = takesConfig ? new ConfigOptions() : null;
    }

    /**
     * This command as a picocli command line: the command's own annotations, then each mixin in
     * order (null ones left out), so the help lists the options in that order; the description
     * comes from the block hook's {@code @Command}.
     */
    final CommandLine assemble(Object... mixins) {
        return Cli.assemble(this, mixins);
    }

    final C resolveConfig() {
        return config == null ? null : config.resolve(kind);
    }

    final String configArgs() {
        return config == null ? "" : config.asArguments();
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** "chiltepin VERB BLOCK: --preset NAME, description". */
    final void header(String verb, C cfg) {
        PrintWriter o = out();
        o.printf("chiltepin %s %s: %s, %s%n", verb, kind.name(), configArgs(), kind.describe(cfg));
        o.flush();
    }

    static double secondsSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9;
    }
}
