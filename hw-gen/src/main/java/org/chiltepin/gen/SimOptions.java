package org.chiltepin.gen;

import java.nio.file.Path;
import org.chiltepin.hdl.Simulation;
import picocli.CommandLine.Option;

/**
 * How a Verilator model is built and where: {@code --work}, {@code --wave}, {@code --coverage},
 * each a picocli mixin stated here once. {@link BlockCommand} adds them to {@code verify} and
 * {@code bench} of every block; other simulating commands take {@link Work} with {@code @Mixin}.
 */
final class SimOptions {
    private SimOptions() {
    }

    /** {@code --work DIR}: the SpinalSim workspace, where models are built and cached. */
    static final class Work {
        @Option(names = "--work", paramLabel = "DIR", description = "Simulation workspace (default: ~/.cache/chiltepin/sim).")
        Path dir = Cli.defaultWorkDir();
    }

    /** {@code -q, --quiet}: no progress lines on stderr. */
    static final class Quiet {
        @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr (builds, simulations).")
        boolean on;
    }

    /** {@code --wave}: a VCD waveform of the run, under the workspace. */
    static final class Wave {
        @Option(names = "--wave", description = "Write a VCD waveform of the run into the workspace.")
        boolean on;
    }

    /** {@code --coverage}: build with Verilator line and toggle coverage. */
    static final class CoverageFlag {
        @Option(names = "--coverage", description = {"Build with Verilator line and toggle coverage; print the figures",
                "and where the run's coverage.dat is (verilator_coverage reads it)."})
        boolean on;
    }

    /** The build options of the mixins a command has (either may be null: not offered). */
    static Simulation.Options of(Wave wave, CoverageFlag coverage) {
        return new Simulation.Options(wave != null && wave.on, coverage != null && coverage.on);
    }
}
