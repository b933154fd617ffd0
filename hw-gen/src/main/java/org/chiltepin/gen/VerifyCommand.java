package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.chiltepin.gen.SimOptions.CoverageFlag;
import org.chiltepin.gen.SimOptions.Wave;
import org.chiltepin.gen.SimOptions.Work;
import org.chiltepin.gen.StimulusOptions.Cases;
import org.chiltepin.gen.StimulusOptions.Stall;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code chiltepin verify BLOCK}, for every block with a {@link Verifier}: co-simulation against
 * the golden model. Prints the header, the simulator line, the block's lines, the simulated cycles
 * and the verdict; exit 0 on PASS, 1 on FAIL, 2 for a bad option or configuration.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class VerifyCommand<C extends Record, H> extends BlockCommand<C> {
    private final Verifier<C, H> verifier;
    private final Cases cases;
    private final Stall stall = new Stall();
    private final Work work = new Work();
    private final Wave wave = new Wave();
    private final SimOptions.Quiet quiet = new SimOptions.Quiet();
    private final CoverageFlag coverage;

    private VerifyCommand(BlockKind<C> kind, Verifier<C, H> verifier) {
        super(kind, true);
        this.verifier = verifier;
        this.cases = verifier.defaultCases() > 0 ? new Cases(verifier.defaultCases()) : null;
        this.coverage = verifier.coverage() ? new CoverageFlag() : null;
    }

    /** {@code verify BLOCK} for a kind that has a verifier. */
    static <C extends Record> CommandLine of(BlockKind<C> kind) {
        return of(kind, kind.verifier());
    }

    private static <C extends Record, H> CommandLine of(BlockKind<C> kind, Verifier<C, H> verifier) {
        VerifyCommand<C, H> c = new VerifyCommand<>(kind, verifier);
        return c.assemble(c.config, c.seed, c.cases, c.stall, verifier, c.work, c.wave, c.coverage, c.quiet);
    }

    @Override
    public Integer call() throws IOException {
        C cfg = resolveConfig();
        BlockRun<C> run = new BlockRun<>(cfg, configArgs(), seed.get(), cases == null ? 0 : cases.get(), stall.get(),
                work.dir, SimOptions.of(wave, coverage), out());
        verifier.check(cfg);
        PrintWriter o = out();
        header("verify", cfg);
        var err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        long t1;
        Verifier.Outcome r;
        // The workspace is this run's from the build to the end of the simulation.
        try (var lock = WorkspaceLock.acquire(work.dir, "verify " + kind.name(), quiet.on ? null : err)) {
            H harness;
            try (var step = Heartbeat.start(err, quiet.on, "building the Verilator model of " + kind.name() + " in "
                    + work.dir)) {
                harness = verifier.compile(run);
            }
            o.printf("  simulator   %s via SpinalSim, model built in %.1f s%n", Cli.verilatorVersion(), secondsSince(t0));
            o.flush();
            t1 = System.nanoTime();
            try (var step = Heartbeat.start(err, quiet.on, "simulating " + kind.name())) {
                r = runChecked(verifier, harness, run);
            }
        }
        if (r.cycles() >= 0) {
            o.printf("  simulated   %d cycles in %.1f s%n", r.cycles(), secondsSince(t1));
        }
        if (wave.on) {
            o.printf("  waveform    under %s%n", work.dir.toAbsolutePath());
        }
        if (coverage != null && coverage.on && r.coverageRun() != null) {
            Coverage.print(o, work.dir, r.coverageRun());
        }
        String reproduce = String.format("bin/chiltepin verify %s %s --seed %d%s --stall %s%s --wave", kind.name(),
                run.configArgs(), run.seed(), cases == null ? "" : " --cases " + run.cases(), run.stall(),
                verifier.reproduceOptions());
        return Cli.verdict(o, r.passed(), r.failures(), r.first(), reproduce);
    }

    /**
     * Runs the verifier; a check that throws (an {@link AssertionError} from a harness's directed
     * run) is a failed outcome with its message as the first mismatch, so every block fails with
     * the FAIL line and the reproduce command, never a stack trace.
     */
    static <C extends Record, H> Verifier.Outcome runChecked(Verifier<C, H> verifier, H harness, BlockRun<C> run) {
        try {
            return verifier.run(harness, run);
        } catch (RuntimeException | AssertionError e) {
            AssertionError check = failedCheck(e);
            if (check == null) {
                throw e;
            }
            run.out().println("  check       " + check.getMessage() + "  <-- FAIL");
            run.out().flush();
            return new Verifier.Outcome(false, 1, List.of(String.valueOf(check.getMessage())), -1, null);
        }
    }

    /** The AssertionError in {@code e}'s cause chain (a simulator may wrap what the test body threw), or null. */
    private static AssertionError failedCheck(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AssertionError a) {
                return a;
            }
        }
        return null;
    }
}
