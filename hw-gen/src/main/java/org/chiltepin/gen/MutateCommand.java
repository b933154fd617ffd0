package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.chiltepin.gen.MutationSites.Mutant;
import org.chiltepin.hw.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin mutate BLOCK}: mutation testing of the emitted Verilog, after YosysHQ's mcy.
 * Generates the block, lists the mutation sites of its Verilog ({@link MutationSites}), draws
 * {@code --budget} of them by {@code --seed}, and runs each mutant through the block's cocotb
 * regression on that RTL (the {@code regress --rtl} route: {@code verif/cocotb/run.py --rtl}),
 * after a compile check: a mutant Icarus cannot build is invalid, not killed. The unmutated design
 * runs first and must pass. Reports the score killed / (killed + survived) per block and per file,
 * each survivor with its site and a reproduce command, {@code junit.xml} and {@code mutation.md}.
 */
@Command(name = "mutate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mutation testing of the block's emitted Verilog through its cocotb regression. Single faults",
                "(operators, constants, reset values, conditions, ternary arms, dropped assignments) are injected one",
                "at a time; the report gives the score killed / (killed + survived) per block and file, the survivors",
                "with a reproduce command, OUT/junit.xml and OUT/mutation.md. Exit 0 on a completed run, 1 if",
                "--min-score is not met or the unmutated design fails, 2 for a bad option."})
final class MutateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BLOCK", description = "A block with a cocotb testbench: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Blocks.class)
    String block;

    @Option(names = "--preset", paramLabel = "P", description = "Configuration: a preset or verif/regress/BLOCK/NAME.json (default: the block's first smoke configuration).")
    String preset;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "40", description = "Mutants drawn from the sites (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the draw (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "2", description = "Regression seeds 1..N per mutant; a kill stops early (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--cases", paramLabel = "N", description = "Cases per regression run (default: the block's smoke count).")
    Integer cases;

    @Option(names = "--jobs", paramLabel = "J", defaultValue = "1", description = "Mutants run at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--shard", paramLabel = "i/n", description = "Run only mutants i, i+n, … (1-based) of the drawn ones.")
    String shard;

    @Option(names = "--only", split = ",", paramLabel = "SITE", description = "Run these sites (FILE:LINE:COL:OP, as printed) instead of a draw.")
    List<String> only;

    @Option(names = "--min-score", paramLabel = "X", description = "Exit 1 if the score (percent) is below X.")
    Double minScore;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "600", description = "Seconds one regression run may take; past it the mutant counts as killed (a hang) (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "build/mutate", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    static final class Blocks extends ArrayList<String> {
        Blocks() {
            super(cocotbPlans().stream().map(RegressCommand.BlockPlan::name).toList());
        }
    }

    static List<RegressCommand.BlockPlan> cocotbPlans() {
        return RegressCommand.PLANS.stream().filter(p -> p.suites().contains("cocotb")).toList();
    }

    /** What happened to one mutant: KILLED, SURVIVED, INVALID (does not build) or ERROR. */
    record Outcome(Mutant mutant, String status, String detail, double seconds) {
    }

    private Path root;

    @Override
    public Integer call() throws IOException, InterruptedException {
        // Loaded now: a rebuild of the CLI's jar during a long run must not break its end.
        for (Class<?> c : new Class<?>[] {MutationReport.class, MutantRunner.class, Outcome.class, ToolRunner.class,
            ToolRunner.Result.class}) {
            c.getName();
        }
        RegressCommand.BlockPlan plan = cocotbPlans().stream().filter(p -> p.name().equals(block)).findFirst()
                .orElseThrow(() -> new ConfigException("BLOCK", "must be a block with a cocotb testbench, one of "
                        + new Blocks(), block));
        String config = preset != null ? preset : plan.smokeConfigs().get(0);
        if (!RegressCommand.presetsOf(block).contains(config)) {
            throw new ConfigException("--preset", "must be one of " + RegressCommand.presetsOf(block), config);
        }
        ConfigException.requireRange("--budget", budget, 1, 100_000);
        ConfigException.requireRange("--seeds", seeds, 1, 100);
        ConfigException.requireAtLeast("--jobs", jobs, 1);
        ConfigException.requireAtLeast("--timeout", timeout, 1);
        int n = cases != null ? ConfigException.requireAtLeast("--cases", cases, 1) : plan.smokeCases();
        if (minScore != null && !(minScore >= 0 && minScore <= 100)) {
            throw new ConfigException("--min-score", "must be a percentage in [0, 100]", minScore);
        }
        int[] sh = RegressCommand.parseShard(shard);
        Outputs.checkDirectory("--out", out);
        out = out.toAbsolutePath().normalize();
        root = RegressCommand.repositoryRoot();
        List<String> cfgArgs = RegressCommand.configArgs(block, config);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Instant start = Instant.now();

        Outputs.deleteTree(out.resolve("mutants"));
        Path rtl = out.resolve("rtl");
        cli(List.of("generate", block), cfgArgs, List.of("--out", rtl.toString(), "--force"));
        List<Path> vectors = new ArrayList<>();
        for (int s = 1; s <= seeds; s++) {
            Path v = out.resolve("vectors-s" + s + ".json");
            cli(List.of("golden", block), cfgArgs, List.of("--seed", Integer.toString(s), "--cases", Integer.toString(n),
                    "--out", v.toString()));
            vectors.add(v);
        }
        List<Mutant> sites = new ArrayList<>();
        List<String> files = Files.readAllLines(rtl.resolve("files.f")).stream().map(String::strip)
                .filter(f -> f.endsWith(".v")).toList();
        for (String f : files) {
            sites.addAll(MutationSites.of(f, Files.readString(rtl.resolve(f))));
        }
        List<Mutant> drawn = only != null ? pick(sites, only) : MutationSites.sample(sites, budget, seed);
        List<Mutant> mine = new ArrayList<>();
        for (int i = sh[0] - 1; i < drawn.size(); i += sh[1]) {
            mine.add(drawn.get(i));
        }
        o.printf("chiltepin mutate %s: %s, %d sites in %d files, %d drawn (seed %d), %d in shard %d/%d, regression: cocotb "
                + "seeds 1..%d, %d cases each%n", block, String.join(" ", cfgArgs), sites.size(), files.size(), drawn.size(),
                seed, mine.size(), sh[0], sh[1], seeds, n);
        o.flush();

        MutantRunner runner = new MutantRunner(root, block, cfgArgs, n, vectors, timeout, rtl, files);
        Outcome base = runner.baseline(out.resolve("baseline"));
        if (!base.status().equals("SURVIVED")) {
            o.printf("  baseline    the unmutated design does not pass its regression: %s%nFAIL%n", base.detail());
            o.flush();
            return 1;
        }
        o.printf("  baseline    the unmutated design passes (%.1f s)%n", base.seconds());
        o.flush();

        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        List<Future<Outcome>> futures = new ArrayList<>();
        int[] done = {0};
        for (int i = 0; i < mine.size(); i++) {
            Mutant m = mine.get(i);
            Path dir = out.resolve("mutants").resolve(String.format("m%04d", drawn.indexOf(m) + 1));
            futures.add(pool.submit(() -> {
                Outcome r = runner.run(m, dir);
                synchronized (done) {
                    done[0]++;
                    if (!quiet) {
                        err.printf("[%d/%d] %-8s %s (%.1f s)%n", done[0], mine.size(), r.status(), m.describe(), r.seconds());
                        err.flush();
                    }
                }
                return r;
            }));
        }
        List<Outcome> results = new ArrayList<>();
        try {
            for (Future<Outcome> f : futures) {
                results.add(f.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("mutant run failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        results.sort(Comparator.comparing((Outcome r) -> r.mutant().file()).thenComparingInt(r -> r.mutant().line()));
        double wall = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        String command = "bin/chiltepin " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        MutationReport report = new MutationReport(block, config, command, results, wall,
                m -> reproduce(cfgArgs, m), m -> cocotbReproduce(cfgArgs, n, out.resolve("mutants")
                        .resolve(String.format("m%04d", drawn.indexOf(m) + 1)).resolve("rtl")));
        report.writeJUnit(out.resolve("junit.xml"));
        Files.writeString(out.resolve("mutation.md"), report.markdown());
        report.print(o);
        o.printf("  reports     %s, %s%n", out.resolve("junit.xml"), out.resolve("mutation.md"));
        o.printf("  wall time   %.1f s%n", wall);
        double score = report.score();
        boolean met = minScore == null || score >= minScore - 1e-9;
        if (minScore != null) {
            o.printf("%s (score %s, minimum %.1f %%)%n", met ? "PASS" : "FAIL", MutationReport.percent(score), minScore);
        }
        o.flush();
        return met ? 0 : 1;
    }

    /** The sites named by {@code --only}, in the order given. */
    private static List<Mutant> pick(List<Mutant> sites, List<String> keys) {
        List<Mutant> m = new ArrayList<>();
        for (String k : keys) {
            m.add(sites.stream().filter(s -> s.key().equals(k.strip())).findFirst()
                    .orElseThrow(() -> new ConfigException("--only", "must name a site of the emitted Verilog "
                            + "(FILE:LINE:COL:OP as printed by a run)", k)));
        }
        return m;
    }

    private String reproduce(List<String> cfgArgs, Mutant m) {
        return "bin/chiltepin mutate " + block + " " + String.join(" ", cfgArgs).replace("--config ", "--preset ")
                .replaceAll("verif/regress/[^/]+/([^ ]+)\\.json", "$1") + " --seeds " + seeds + (cases != null ? " --cases "
                + cases : "") + " --only '" + m.key() + "' --out build/mutate-one";
    }

    private String cocotbReproduce(List<String> cfgArgs, int n, Path rtl) {
        return ".venv/bin/python verif/cocotb/run.py " + block + " " + String.join(" ", cfgArgs) + " --seed 1 --cases " + n
                + " --rtl " + rtl + " --waves";
    }

    /** Runs the CLI in this process (generate, golden); a failure is a configuration or hardware error. */
    private static void cli(List<String> verb, List<String> cfgArgs, List<String> rest) {
        List<String> args = new ArrayList<>(verb);
        args.addAll(cfgArgs);
        args.addAll(rest);
        StringWriter sink = new StringWriter();
        var cl = Cli.commandLine();
        cl.setOut(new PrintWriter(sink));
        cl.setErr(new PrintWriter(sink));
        int exit = cl.execute(args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("chiltepin " + String.join(" ", args) + " exited " + exit + ": " + sink.toString().strip());
        }
    }
}
