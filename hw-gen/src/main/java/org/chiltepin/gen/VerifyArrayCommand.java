package org.chiltepin.gen;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.array.ArrayConfig;
import org.chiltepin.verif.array.MatMulCase;
import org.chiltepin.verif.array.MatMulCases;
import org.chiltepin.verif.array.SystolicArrayHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chiltepin verify array}: Verilator co-simulation against the golden model. */
@Command(name = "array", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate the array, build it with Verilator and compare it, bit for bit, with the golden model",
                "on edge tiles (all minimum, all maximum, mixed signs, accumulator limit) and random tiles,",
                "under random valid/ready stalls. Exit 0 only on PASS."})
final class VerifyArrayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of data and stalls (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--cases", paramLabel = "N", defaultValue = "100", description = "Tiles to compare (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--max-k", paramLabel = "K", description = "Largest K of a random tile (default: 3 × max(rows, cols) + 2).")
    Integer maxK;

    @Option(names = "--stall", paramLabel = "P", defaultValue = "0.3",
            description = "Probability of an idle input cycle and of a refused output cycle (default: ${DEFAULT-VALUE}).")
    double stall;

    @Mixin
    WorkDirOption work = new WorkDirOption();

    @Option(names = "--wave", description = "Write a VCD waveform of the run into the workspace.")
    boolean wave;

    @Option(names = "--coverage", description = {"Build with Verilator line and toggle coverage; print the figures",
            "and where the run's coverage.dat is (verilator_coverage reads it)."})
    boolean coverage;

    @Override
    public Integer call() throws java.io.IOException {
        ArrayConfig cfg = config.resolve(ArrayKind.INSTANCE);
        ConfigException.requireAtLeast("--cases", cases, 1);
        ConfigException.requireProbability("--stall", stall);
        int kMax = maxK != null ? maxK : 3 * cfg.tileSpacing() + 2;
        if (kMax < 1 || kMax > 1 << 20) {
            throw new ConfigException("--max-k", "must be in [1, 1048576]", kMax);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("chiltepin verify array: %s, %s%n", config.asArguments(), ArrayKind.INSTANCE.describe(cfg));
        o.flush();

        MatMulCases gen = new MatMulCases(cfg.rows(), cfg.cols(), cfg.inputWidth());
        List<MatMulCase> tiles = new ArrayList<>(gen.edges(cfg.accWidth(), 64));
        if (tiles.size() > cases) {
            tiles = new ArrayList<>(tiles.subList(0, cases));
        }
        int edgeCount = tiles.size();
        tiles.addAll(gen.random(seed, cases - edgeCount, kMax));

        long t0 = System.nanoTime();
        SystolicArrayHarness harness = SystolicArrayHarness.compile(cfg, work.dir, new Simulation.Options(wave, coverage));
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        SystolicArrayHarness.Report r = harness.run(tiles, seed, new SystolicArrayHarness.Stalls(stall, stall));
        double runSeconds = (System.nanoTime() - t1) / 1e9;

        o.printf("  simulator   %s via SpinalSim, model built in %.1f s%n", Cli.verilatorVersion(), buildSeconds);
        o.printf("  stimulus    seed %d, %d edge + %d random tiles (K 1..%d), stall probability %.2f in / %.2f out%n",
                seed, edgeCount, tiles.size() - edgeCount, kMax, stall, stall);
        o.printf("  compared    %d tiles, %d result rows, %d values, bit for bit%n", r.cases(), r.rowsCompared(),
                r.rowsCompared() * cfg.cols());
        o.printf("  simulated   %d cycles in %.1f s%n", r.cycles(), runSeconds);
        if (wave) {
            o.printf("  waveform    under %s%n", work.dir.toAbsolutePath());
        }
        if (coverage) {
            Coverage.print(o, work.dir, "array_seed" + seed);
        }
        return Cli.verdict(o, r.passed(), r.failures(), r.mismatches(),
                String.format("bin/chiltepin verify array %s --seed %d --cases %d --stall %s --wave",
                        config.asArguments(), seed, cases, stall));
    }
}
