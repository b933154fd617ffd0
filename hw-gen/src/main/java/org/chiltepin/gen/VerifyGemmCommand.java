package org.chiltepin.gen;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.verif.gemm.GemmHarness;
import org.chiltepin.verif.gemm.GemmProgram;
import org.chiltepin.verif.gemm.RandomGemmPrograms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chiltepin verify gemm}: a random command program, co-simulated against the golden model. */
@Command(name = "gemm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate the GEMM engine, build it with Verilator and run a random command program:",
                "tiled GEMMs of random shapes with random scales and ReLU, accumulator reads, fences, counter reads",
                "and illegal commands, with random stalls on all four streams. Every result beat and response is",
                "compared with the golden model. Exit 0 only on PASS."})
final class VerifyGemmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of program and stalls (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--cases", paramLabel = "N", defaultValue = "100", description = "GEMMs in the program (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--stall", paramLabel = "P", defaultValue = "0.3",
            description = "Stall probability on every stream (default: ${DEFAULT-VALUE}).")
    double stall;

    @Option(names = "--no-illegal", description = "Leave illegal commands out of the program.")
    boolean noIllegal;

    @Mixin
    WorkDirOption work = new WorkDirOption();

    @Option(names = "--wave", description = "Write a VCD waveform of the run into the workspace.")
    boolean wave;

    @Option(names = "--coverage", description = {"Build with Verilator line and toggle coverage; print the figures",
            "and where the run's coverage.dat is (verilator_coverage reads it)."})
    boolean coverage;

    @Override
    public Integer call() throws java.io.IOException {
        GemmConfig cfg = config.resolve(GemmKind.INSTANCE);
        ConfigException.requireAtLeast("--cases", cases, 1);
        ConfigException.requireProbability("--stall", stall);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("chiltepin verify gemm: %s, %s%n", config.asArguments(), GemmKind.INSTANCE.describe(cfg));
        o.flush();
        GemmProgram program = RandomGemmPrograms.generate(GemmHarness.params(cfg), seed, cases, !noIllegal);
        long t0 = System.nanoTime();
        GemmHarness harness = GemmHarness.compile(cfg, work.dir, new Simulation.Options(wave, coverage));
        double build = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        GemmHarness.Report r = harness.run(program, seed, GemmHarness.Stalls.all(stall));
        double run = (System.nanoTime() - t1) / 1e9;
        o.printf("  simulator   %s via SpinalSim, model built in %.1f s%n", Cli.verilatorVersion(), build);
        o.printf("  stimulus    seed %d: %d GEMMs%s, %d commands, %d data beats, stall probability %.2f%n", seed, cases,
                noIllegal ? "" : " with illegal commands", r.commands(), program.data().size(), stall);
        o.printf("  compared    %d responses, %d result beats, bit for bit%n", r.commands(), r.beatsCompared());
        o.printf("  simulated   %d cycles in %.1f s%n", r.cycles(), run);
        if (coverage) {
            Coverage.print(o, work.dir, "gemm_seed" + seed);
        }
        return Cli.verdict(o, r.passed(), r.failures(), r.mismatches(),
                String.format("bin/chiltepin verify gemm %s --seed %d --cases %d --stall %s%s --wave",
                        config.asArguments(), seed, cases, stall, noIllegal ? " --no-illegal" : ""));
    }
}
