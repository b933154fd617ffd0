package org.chiltepin.gen;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.verif.kvcache.KvCacheHarness;
import org.chiltepin.verif.kvcache.KvCacheStimulus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chiltepin verify kvcache}: Verilator co-simulation against the golden KV-cache model. */
@Command(name = "kvcache", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate the KV-cache controller, build it with Verilator and run random operations over many",
                "sequences (alloc, append bursts across pages, gathers, truncate, free, fork with copy-on-write, query,",
                "stats, and illegal ones: bad ids, use after free, gathers past the end, full pool and table) under",
                "random valid/ready stalls; every response and every gathered row is compared with the golden model.",
                "Exit 0 only on PASS."})
final class VerifyKvCacheCommand implements Callable<Integer> {
    private static final String[] OPS = {"alloc", "append", "gather", "truncate", "free", "fork", "query", "stats"};
    private static final String[] STATUSES = {"ok", "no_pages", "bad_seq", "range", "table_full", "seq_full"};

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of commands, data and stalls (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--cases", paramLabel = "N", defaultValue = "2000", description = "Commands to run (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--stall", paramLabel = "P", defaultValue = "0.3",
            description = "Probability of an idle command cycle and of a refused response / row (default: ${DEFAULT-VALUE}).")
    double stall;

    @Mixin
    WorkDirOption work = new WorkDirOption();

    @Option(names = "--wave", description = "Write a VCD waveform of the run into the workspace.")
    boolean wave;

    @Override
    public Integer call() {
        KvCacheConfig cfg = config.resolve(KvCacheKind.INSTANCE);
        ConfigException.requireAtLeast("--cases", cases, 1);
        ConfigException.requireProbability("--stall", stall);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("chiltepin verify kvcache: %s, %s%n", config.asArguments(), KvCacheKind.INSTANCE.describe(cfg));
        o.flush();
        long t0 = System.nanoTime();
        KvCacheHarness harness = KvCacheHarness.compile(cfg, work.dir, new Simulation.Options(wave, false));
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        KvCacheHarness.Report r = harness.run(KvCacheStimulus.random(seed, cases, 1 << cfg.seqBits()), seed,
                new KvCacheHarness.Stalls(stall, stall, stall), false);
        double runSeconds = (System.nanoTime() - t1) / 1e9;

        o.printf("  simulator   %s via SpinalSim, model built in %.1f s%n", Cli.verilatorVersion(), buildSeconds);
        o.printf("  stimulus    seed %d, %d random commands, stall probability %.2f (commands, responses, rows)%n",
                seed, cases, stall);
        if (cfg.axi()) {
            o.printf("  memory      AXI4 slave model: AR/AW/W refused with probability %.2f, burst data and write "
                    + "responses after 1..8 cycles%n", stall);
        }
        StringBuilder ops = new StringBuilder();
        for (int i = 0; i < OPS.length; i++) {
            ops.append(i == 0 ? "" : ", ").append(OPS[i]).append(' ').append(r.opCounts()[i]);
        }
        StringBuilder st = new StringBuilder();
        for (int i = 0; i < STATUSES.length; i++) {
            st.append(i == 0 ? "" : ", ").append(STATUSES[i]).append(' ').append(r.statusCounts()[i]);
        }
        o.printf("  operations  %s%n", ops);
        o.printf("  statuses    %s%n", st);
        o.printf("  coverage    %d copy-on-write appends%n", r.copiesOnWrite());
        o.printf("  compared    %d responses (every field), %d gathered rows (%d int8 values)%n", r.responses(),
                r.rowsCompared(), r.rowsCompared() * cfg.lanes());
        o.printf("  simulated   %d cycles in %.1f s%n", r.cycles(), runSeconds);
        if (wave) {
            o.printf("  waveform    under %s%n", work.dir.toAbsolutePath());
        }
        return Cli.verdict(o, r.passed() && r.responses() == cases, r.failures(), r.mismatches(),
                String.format("bin/chiltepin verify kvcache %s --seed %d --cases %d --stall %s --wave",
                        config.asArguments(), seed, cases, stall));
    }
}
