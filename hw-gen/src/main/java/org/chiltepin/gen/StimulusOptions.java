package org.chiltepin.gen;

import org.chiltepin.hw.ConfigException;
import picocli.CommandLine.Option;

/**
 * What a run is fed: {@code --seed}, {@code --cases}, {@code --stall}, each a picocli mixin whose
 * rule is stated here once. {@link BlockCommand} adds them to {@code verify}, {@code golden} and
 * {@code bench} of every block; other commands take them with {@code @Mixin}. Read the values
 * through {@code get()}, which checks the rule and throws a one-line {@link ConfigException}.
 */
final class StimulusOptions {
    private StimulusOptions() {
    }

    /** {@code --seed N}: any int; the same seed repeats a run (its data, stalls, placement). */
    static final class Seed {
        @Option(names = "--seed", paramLabel = "N",
                description = "Seed of every random choice of the run (data, stalls, placement); the same seed repeats it (default: ${DEFAULT-VALUE}).")
        int value = 1;

        int get() {
            return value;
        }
    }

    /** {@code --cases N}, N >= 1: how many of the block's units of work a run checks. */
    static final class Cases {
        @Option(names = "--cases", paramLabel = "N",
                description = "Cases to run, at least 1: the block's unit of work (tiles, GEMMs, commands) (default: ${DEFAULT-VALUE}).")
        int value;

        Cases(int defaultValue) {
            this.value = defaultValue;
        }

        int get() {
            return ConfigException.requireAtLeast("--cases", value, 1);
        }
    }

    /** {@code --stall P}, 0 <= P < 1: per cycle and stream, a driver idles / a sink refuses. */
    static final class Stall {
        @Option(names = "--stall", paramLabel = "P",
                description = "Probability in [0, 1), each cycle and on every stream, that a driver idles and that a sink refuses a beat (default: ${DEFAULT-VALUE}).")
        double value = 0.3;

        double get() {
            return ConfigException.requireProbability("--stall", value);
        }
    }
}
