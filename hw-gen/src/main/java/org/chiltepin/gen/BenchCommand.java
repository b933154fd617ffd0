package org.chiltepin.gen;

import java.nio.file.Path;
import org.chiltepin.gen.SimOptions.Work;
import org.chiltepin.hdl.Simulation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chiltepin bench BLOCK}, for every block with a {@link Benchmark}: the block's figure of
 * merit on its Verilated RTL, printed as a table and written as CSV.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class BenchCommand<C extends Record> extends BlockCommand<C> {
    private final Benchmark<C> bench;
    private final Csv csv = new Csv();
    private final Work work = new Work();
    private final SimOptions.Quiet quiet = new SimOptions.Quiet();

    /** {@code --csv FILE}. */
    static final class Csv {
        @Option(names = "--csv", paramLabel = "FILE", description = "Write the table as CSV.")
        Path file;
    }

    private BenchCommand(BlockKind<C> kind, Benchmark<C> bench) {
        super(kind, bench.takesConfig());
        this.bench = bench;
    }

    /** {@code bench BLOCK} for a kind that has a benchmark. */
    static <C extends Record> CommandLine of(BlockKind<C> kind) {
        Benchmark<C> bench = kind.benchmark();
        BenchCommand<C> c = new BenchCommand<>(kind, bench);
        return c.assemble(c.config, bench, c.csv, c.seed, c.work, c.quiet);
    }

    @Override
    public Integer call() throws Exception {
        C cfg = resolveConfig();
        BlockRun<C> run = new BlockRun<>(cfg, configArgs(), seed.get(), 0, 0, work.dir, Simulation.Options.DEFAULT, out());
        bench.check(cfg);
        if (csv.file != null) {
            // Checked now, not after a long run.
            Outputs.checkFile("--csv", csv.file);
        }
        if (cfg != null) {
            header("bench", cfg);
        }
        var err = spec.commandLine().getErr();
        try (var lock = WorkspaceLock.acquire(work.dir, "bench " + kind.name(), quiet.on ? null : err);
                var step = Heartbeat.start(err, quiet.on, "benchmarking " + kind.name()
                        + " (a Verilator build, then the simulations)")) {
            return bench.run(run, csv.file);
        }
    }
}
