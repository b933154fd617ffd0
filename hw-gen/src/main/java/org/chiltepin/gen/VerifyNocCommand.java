package org.chiltepin.gen;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.noc.MeshHarness;
import org.chiltepin.verif.noc.MeshHarness.Report;
import org.chiltepin.verif.noc.MeshHarness.Traffic;
import org.chiltepin.verif.noc.TrafficPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chiltepin verify noc}: Verilator co-simulation of the mesh against the packet-level golden model. */
@Command(name = "noc", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate the mesh, build it with Verilator and check it against the golden model:",
                "zero-load latency of isolated packets equals the analytic model; illegal messages are dropped with a flag;",
                "every traffic pattern (request/response, random ejection back-pressure) delivers every packet exactly",
                "once, intact and in order; and a saturation run (uniform traffic at twice the throughput bound) of",
                "--cycles cycles neither loses, duplicates nor corrupts a packet, nor deadlocks. Exit 0 only on PASS."})
final class VerifyNocCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of traffic and stalls (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--cycles", paramLabel = "N", defaultValue = "100000",
            description = "Cycles of the saturation run (default: ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--pattern-cycles", paramLabel = "N", defaultValue = "4000",
            description = "Cycles of each traffic-pattern run (default: ${DEFAULT-VALUE}).")
    int patternCycles;

    @Option(names = "--stall", paramLabel = "P", defaultValue = "0.3",
            description = "Probability that a sink refuses a message in a cycle (default: ${DEFAULT-VALUE}).")
    double stall;

    @Mixin
    WorkDirOption work = new WorkDirOption();

    @Option(names = "--wave", description = "Write a VCD waveform of the runs into the workspace (large).")
    boolean wave;

    @Override
    public Integer call() {
        NocConfig cfg = config.resolve(NocKind.INSTANCE);
        if (cycles < 1000 || cycles > 10_000_000) {
            throw new ConfigException("--cycles", "must be in [1000, 10000000]", cycles);
        }
        if (patternCycles < 100 || patternCycles > 10_000_000) {
            throw new ConfigException("--pattern-cycles", "must be in [100, 10000000]", patternCycles);
        }
        ConfigException.requireProbability("--stall", stall);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("chiltepin verify noc: %s, %s%n", config.asArguments(), NocKind.INSTANCE.describe(cfg));
        o.flush();
        long t0 = System.nanoTime();
        MeshHarness h = MeshHarness.compile(cfg, work.dir, new Simulation.Options(wave, false));
        o.printf("  simulator   %s via SpinalSim, model built in %.1f s%n", Cli.verilatorVersion(), (System.nanoTime() - t0) / 1e9);
        List<String> failures = new ArrayList<>();

        // 1. zero-load latency against the analytic model
        List<MeshHarness.Isolated> iso = h.isolated(200, seed);
        long off = iso.stream().filter(i -> i.latency() != Math.round(i.model())).count();
        o.printf("  zero-load   %d isolated packets: %d differ from (hops+1)·%d + flits + %d cycles%s%n", iso.size(), off,
                NocConfig.ROUTER_DELAY, NocConfig.NI_OVERHEAD, off == 0 ? "" : "  <-- FAIL");
        if (off > 0) {
            failures.add("zero-load latency differs from the model for " + off + " packets");
        }
        o.flush();

        // 2. illegal input
        List<String> illegal = h.illegalInput(seed);
        o.printf("  illegal     destination outside the mesh / length above %d: %s%n", cfg.maxPayloadFlits(),
                illegal.isEmpty() ? "dropped with the flag, never delivered" : illegal + "  <-- FAIL");
        failures.addAll(illegal);
        o.flush();

        // 3. every pattern with request/response and back-pressure
        double bound = NocReference.uniformThroughputBound(cfg.k(), cfg.m());
        for (TrafficPattern p : TrafficPattern.values()) {
            double load = p == TrafficPattern.ALL_TO_ONE ? 0.8 / cfg.nodes() : 0.4 * bound;
            Traffic t = Traffic.of(p, load, -1).withStall(stall).withRequestResponse(true).withCycles(200, patternCycles);
            Report r = h.run(t, seed);
            o.printf("  %-15s %s%s%n", p.cliName(), r.summary(), r.passed() ? "" : "  <-- FAIL");
            if (!r.passed()) {
                failures.add(p.cliName() + ": " + r.faults());
            }
            o.flush();
        }

        // 4. saturation
        Traffic sat = new Traffic(TrafficPattern.UNIFORM, 2 * bound, -1, stall, true, 0, cycles, 200_000, 16, 4, 2000);
        long t1 = System.nanoTime();
        Report r = h.run(sat, seed);
        o.printf("  saturation  uniform at %.2f flits/node/cycle offered (2× the bound %.2f), request/response, stall %.2f:%n",
                2 * bound, bound, stall);
        o.printf("              %s%s (%.1f s)%n", r.summary(), r.passed() ? "" : "  <-- FAIL", (System.nanoTime() - t1) / 1e9);
        if (!r.passed()) {
            failures.add("saturation: " + r.faults());
        }
        if (failures.isEmpty()) {
            o.println("PASS");
            o.flush();
            return 0;
        }
        o.println("  failures:");
        failures.forEach(f -> o.println("    " + f));
        o.printf("  reproduce   bin/chiltepin verify noc %s --seed %d --cycles %d%n", config.asArguments(), seed, cycles);
        o.println("FAIL");
        o.flush();
        return 1;
    }
}
