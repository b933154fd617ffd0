package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.chiltepin.hdl.Block;

/**
 * A block as the CLI knows it: its configuration record and presets, how to build its top level,
 * what its manifest says of timing, and the hooks of the commands beyond {@code generate}.
 *
 * <p>Adding a block to the CLI is one implementation of this interface, listed in
 * {@link Chiltepin#BLOCKS} (docs/cli.md). {@code generate BLOCK} works for every kind; a kind
 * whose {@link #verifier()}, {@link #golden()} or {@link #benchmark()} is not null also gets
 * {@code verify BLOCK}, {@code golden BLOCK} or {@code bench BLOCK}, with the common options
 * ({@link StimulusOptions}, {@link SimOptions}, {@link ConfigOptions}) and their rules supplied
 * by the command; {@link #regressPlan()} puts the block in {@code chiltepin regress}.
 */
interface BlockKind<C extends Record> {
    /** Command-line name: {@code array}. */
    String name();

    Class<C> configType();

    Map<String, C> presets();

    /** Default Verilog name of the top module. */
    String defaultTop();

    Supplier<? extends Block> top(C config);

    /** One-line summary of a configuration, e.g. "8×8, int8 × int8 → int32". */
    String describe(C config);

    /** Latency and throughput facts for the manifest. */
    ObjectNode timing(C config, ObjectNode into);

    /** {@code verify BLOCK}: a new hook for every command line (it holds option values), or null. */
    default Verifier<C, ?> verifier() {
        return null;
    }

    /** {@code golden BLOCK}: a new hook for every command line, or null. */
    default GoldenVectors<C> golden() {
        return null;
    }

    /** {@code bench BLOCK}: a new hook for every command line, or null. */
    default Benchmark<C> benchmark() {
        return null;
    }

    /** The block's place in the regression matrix (it needs a verifier, and golden vectors for cocotb), or null. */
    default RegressCommand.BlockPlan regressPlan() {
        return null;
    }

    /**
     * A kind from constructor arguments; a subclass adds describe and timing and names its hooks
     * in its constructor: {@code verifyWith(Verify::new)}, {@code goldenWith(...)},
     * {@code benchWith(...)}, {@code regressWith(...)}.
     */
    abstract class Base<C extends Record> implements BlockKind<C> {
        private final String name;
        private final Class<C> configType;
        private final Map<String, C> presets;
        private final String defaultTop;
        private final Function<C, ? extends Block> top;
        private Supplier<? extends Verifier<C, ?>> verifier = () -> null;
        private Supplier<? extends GoldenVectors<C>> golden = () -> null;
        private Supplier<? extends Benchmark<C>> benchmark = () -> null;
        private RegressCommand.BlockPlan regressPlan;

        protected Base(String name, Class<C> configType, Map<String, C> presets, String defaultTop,
                Function<C, ? extends Block> top) {
            this.name = name;
            this.configType = configType;
            this.presets = presets;
            this.defaultTop = defaultTop;
            this.top = top;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final Class<C> configType() {
            return configType;
        }

        @Override
        public final Map<String, C> presets() {
            return presets;
        }

        @Override
        public final String defaultTop() {
            return defaultTop;
        }

        @Override
        public final Supplier<? extends Block> top(C config) {
            return () -> top.apply(config);
        }

        @Override
        public final Verifier<C, ?> verifier() {
            return verifier.get();
        }

        @Override
        public final GoldenVectors<C> golden() {
            return golden.get();
        }

        @Override
        public final Benchmark<C> benchmark() {
            return benchmark.get();
        }

        @Override
        public final RegressCommand.BlockPlan regressPlan() {
            return regressPlan;
        }

        /** {@code verify BLOCK} runs a new {@code hook.get()} per command line. */
        protected final void verifyWith(Supplier<? extends Verifier<C, ?>> hook) {
            verifier = hook;
        }

        /** {@code golden BLOCK} runs a new {@code hook.get()} per command line. */
        protected final void goldenWith(Supplier<? extends GoldenVectors<C>> hook) {
            golden = hook;
        }

        /** {@code bench BLOCK} runs a new {@code hook.get()} per command line. */
        protected final void benchWith(Supplier<? extends Benchmark<C>> hook) {
            benchmark = hook;
        }

        /** The block in the regression: suites, smoke and full configurations, cases per run in each. */
        protected final void regressWith(List<String> suites, List<String> smokeConfigs, List<String> fullConfigs,
                int smokeCases, int fullCases) {
            regressPlan = new RegressCommand.BlockPlan(name, suites, smokeConfigs, fullConfigs, smokeCases, fullCases);
        }
    }
}
