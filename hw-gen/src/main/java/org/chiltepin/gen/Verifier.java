package org.chiltepin.gen;

import java.util.List;
import org.chiltepin.verif.sim.HarnessReport;

/**
 * A block's part of {@code chiltepin verify BLOCK} ({@link VerifyCommand}). The command owns the
 * common options and their rules ({@code --preset/--config --seed --cases --stall --work --wave
 * --coverage}), prints the header, the simulator line, the simulated cycles, the waveform and
 * coverage lines and the verdict with its reproduce command; the verifier builds the block's
 * co-simulation harness and runs it, printing what it drove and compared.
 *
 * <p>An implementation is a picocli mixin of the command: its {@code @Command(description = ...)}
 * is the command's description (what is driven, what is compared), and its fields annotated with
 * {@code @Option} or {@code @Mixin} become options of the command (e.g. {@code verify array
 * --max-k}), which is why {@link BlockKind#verifier()} returns a new instance for every command
 * line.
 *
 * @param <C> the block's configuration record
 * @param <H> its co-simulation harness
 */
interface Verifier<C extends Record, H> {
    /** The default of {@code --cases}; 0 if the block's runs are not counted in cases (no {@code --cases}). */
    default int defaultCases() {
        return 100;
    }

    /** Whether the command offers {@code --coverage} (the outcome then names the run to report). */
    default boolean coverage() {
        return false;
    }

    /** Checks the block's own options against the configuration; throws a ConfigException before anything runs. */
    default void check(C config) {
    }

    /** Elaborates and Verilates the block: the slow part, timed by the command. */
    H compile(BlockRun<C> run);

    /** Runs the stimulus on the harness; prints the block's lines (stimulus, compared, ...). */
    Outcome run(H harness, BlockRun<C> run);

    /** Options the regression adds to its co-simulation runs (e.g. a shorter soak), as separate arguments. */
    default List<String> regressOptions() {
        return List.of();
    }

    /** The block's own options as they go into the reproduce command, each with a leading space. */
    default String reproduceOptions() {
        return "";
    }

    /**
     * The result of a run.
     *
     * @param passed      the verdict
     * @param failures    how many checks failed
     * @param first       the first failures, described
     * @param cycles      simulated cycles, printed by the command; negative when the block printed its own
     * @param coverageRun the SpinalSim run whose coverage.dat {@code --coverage} reports, or null
     */
    record Outcome(boolean passed, long failures, List<String> first, long cycles, String coverageRun) {
        /** The outcome a harness report states. */
        static Outcome of(HarnessReport report, String coverageRun) {
            return new Outcome(report.passed(), report.failures(), report.mismatches(), report.cycles(), coverageRun);
        }
    }
}
