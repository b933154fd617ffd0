package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.chiltepin.hw.ConfigException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin regress}: the verification matrix block × config × seed × suite, where a suite
 * is the Verilator co-simulation ({@code verify BLOCK}, the JUnit harness) or the block's cocotb
 * testbench on the emitted Verilog. Entries run as separate processes, J at a time; the command
 * writes JUnit XML, summary.md and summary.html, merged coverage per block, and for each failure
 * a reproduce command and the waveform of a re-run.
 */
@Command(name = "regress", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the verification matrix (blocks × configs × seeds × suites) in parallel and write",
                "junit.xml, summary.md, summary.html and coverage into OUT. Each failure gets a one-line reproduce",
                "command and a waveform. --shard i/n runs every n-th entry from the i-th (1-based), so n machines",
                "(CI matrix jobs, a Slurm --array) share one matrix without a scheduler. Exit 0 only if all pass."})
final class RegressCommand implements Callable<Integer> {
    /** Suites: the SpinalSim/Verilator co-simulation and the cocotb testbench. */
    static final List<String> SUITES = List.of("cosim", "cocotb");

    /**
     * What the regression knows of a block: its suites, its configurations in the smoke and the
     * full matrix, and how many cases a run takes in each. A block's {@link BlockKind#regressPlan()}
     * gives it, once the block has {@code verify} and (for cocotb) {@code golden} hooks and a
     * verif/cocotb/BLOCK testbench.
     */
    record BlockPlan(String name, List<String> suites, List<String> smokeConfigs, List<String> fullConfigs,
            int smokeCases, int fullCases) {
    }

    /** The plans of every block that has one, in {@link Chiltepin#BLOCKS} order. */
    static final List<BlockPlan> PLANS = Chiltepin.BLOCKS.stream().map(BlockKind::regressPlan)
            .filter(java.util.Objects::nonNull).toList();

    /** One run of the matrix. */
    record Entry(String block, String config, int seed, String suite) {
        String id() {
            return block + "-" + config + "-s" + seed + "-" + suite;
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--blocks", split = ",", paramLabel = "BLOCK", description = "Blocks (default: all: ${COMPLETION-CANDIDATES}).",
            completionCandidates = BlockNames.class)
    List<String> blocks;

    static final class Seeds {
        @Option(names = "--seeds", paramLabel = "N", description = "Seeds 1..N (default: 2, with --full 4).")
        Integer count;

        @Option(names = "--seed-list", split = ",", paramLabel = "S", description = "These seeds, e.g. 3,17,42.")
        List<Integer> list;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Seeds seeds;

    @Option(names = "--configs", split = ",", paramLabel = "PRESET",
            description = {"Presets or verif/regress/BLOCK/NAME.json configurations; a block runs those it has",
                    "(default: smoke array tiny, gemm tiny-split; with --full array tiny,small,default,large,",
                    "gemm tiny,tiny-split,fpga-small)."})
    List<String> configs;

    @Option(names = "--suites", split = ",", paramLabel = "SUITE", description = "cosim, cocotb or both (default: each block's).")
    List<String> suites;

    @Option(names = "--cases", paramLabel = "N", description = "Cases per run (default: per block; array 100, gemm 8; --full 300, 30).")
    Integer cases;

    @Option(names = "--jobs", paramLabel = "J", description = "Entries run at once (default: number of processors).")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--shard", paramLabel = "i/n", description = "Run only entries i, i+n, i+2n, … (1-based) of the matrix.")
    String shard;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "build/regress", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--full", description = "The long matrix: more configs, seeds and cases.")
    boolean full;

    @Option(names = "--no-coverage", description = "Build the co-simulations without Verilator coverage.")
    boolean noCoverage;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "1800", description = "Seconds an entry may take (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--rtl", paramLabel = "DIR", description = {"cocotb runs use this directory of Verilog instead of",
            "generating it (e.g. a hand-edited copy); for one block and config."})
    Path rtl;

    @Option(names = "--list", description = "Print this shard's entries and exit.")
    boolean list;

    static final class BlockNames extends ArrayList<String> {
        BlockNames() {
            super(PLANS.stream().map(BlockPlan::name).toList());
        }
    }

    /** The matrix in its fixed order: block, config, seed, suite. */
    static List<Entry> matrix(List<BlockPlan> plans, List<String> configs, boolean full, List<Integer> seedList,
            List<String> suites) {
        List<Entry> m = new ArrayList<>();
        for (BlockPlan p : plans) {
            List<String> cfgs = configs != null ? configs : full ? p.fullConfigs() : p.smokeConfigs();
            for (String c : cfgs) {
                if (!presetsOf(p.name()).contains(c)) {
                    continue;
                }
                for (int s : seedList) {
                    for (String suite : p.suites()) {
                        if (suites == null || suites.contains(suite)) {
                            m.add(new Entry(p.name(), c, s, suite));
                        }
                    }
                }
            }
        }
        return m;
    }

    /** Entries i, i+n, … (1-based i) of the matrix: a deterministic partition into n shards. */
    static List<Entry> shard(List<Entry> matrix, int i, int n) {
        List<Entry> s = new ArrayList<>();
        for (int x = i - 1; x < matrix.size(); x += n) {
            s.add(matrix.get(x));
        }
        return s;
    }

    /** Where configurations beyond the presets live: verif/regress/BLOCK/NAME.json (ConfigLoader format). */
    static final String CONFIG_DIR = "verif/regress";

    /** A block's configurations: its presets, then the JSON files in {@link #CONFIG_DIR}/BLOCK. */
    static java.util.Set<String> presetsOf(String block) {
        java.util.Set<String> names = new LinkedHashSet<>();
        for (BlockKind<?> k : Chiltepin.BLOCKS) {
            if (k.name().equals(block)) {
                names.addAll(k.presets().keySet());
            }
        }
        Path dir = repositoryRoot().resolve(CONFIG_DIR).resolve(block);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
                        .forEach(n -> names.add(n.substring(0, n.length() - 5)));
            } catch (IOException e) {
                // presets only
            }
        }
        return names;
    }

    /** {@code --preset NAME}, or {@code --config verif/regress/BLOCK/NAME.json} for a configuration file. */
    static List<String> configArgs(String block, String config) {
        for (BlockKind<?> k : Chiltepin.BLOCKS) {
            if (k.name().equals(block) && k.presets().containsKey(config)) {
                return List.of("--preset", config);
            }
        }
        return List.of("--config", CONFIG_DIR + "/" + block + "/" + config + ".json");
    }

    /** The repository: the first directory up from this class's jar or classes that has verif/cocotb/run.py. */
    static Path repositoryRoot() {
        try {
            Path r = Path.of(RegressCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            while (r != null && !Files.exists(r.resolve("verif/cocotb/run.py"))) {
                r = r.getParent();
            }
            return r != null ? r : Path.of("").toAbsolutePath();
        } catch (URISyntaxException | SecurityException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /** Outcome of one entry. */
    record Result(Entry entry, String status, double seconds, String simulator, String message, String reproduce,
            Path log, Path wave) {
        boolean passed() {
            return status.equals("PASS");
        }
    }

    private Path root;
    private Path jar;
    /** The temporary copy of the CLI the entries run (null: none). */
    private volatile Path cliCopy;
    private volatile boolean cancelled;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;
    private Instant started;

    @Override
    public Integer call() throws Exception {
        List<BlockPlan> plans = selectPlans();
        List<Integer> seedList = seedList();
        if (suites != null) {
            for (String s : suites) {
                if (!SUITES.contains(s)) {
                    throw new ConfigException("--suites", "must be among " + SUITES, s);
                }
            }
        }
        if (configs != null) {
            for (String c : configs) {
                if (plans.stream().noneMatch(p -> presetsOf(p.name()).contains(c))) {
                    throw new ConfigException("--configs", "must name a preset of a selected block", c);
                }
            }
        }
        ConfigException.requireAtLeast("--jobs", jobs, 1);
        ConfigException.requireAtLeast("--timeout", timeout, 1);
        Outputs.checkDirectory("--out", out);
        if (rtl != null && !Files.isDirectory(rtl)) {
            throw new ConfigException("--rtl", "must be a directory of generated Verilog", rtl);
        }
        int[] sh = parseShard(shard);
        List<Entry> all = matrix(plans, configs, full, seedList, suites);
        if (rtl != null) {
            List<String> chosen = all.stream().map(e -> e.block() + " " + e.config()).distinct().toList();
            if (chosen.size() > 1) {
                throw new ConfigException("--rtl", "is the Verilog of one block and config; choose one with --blocks and "
                        + "--configs (the matrix has " + String.join(", ", chosen) + ")", rtl);
            }
        }
        List<Entry> mine = shard(all, sh[0], sh[1]);
        PrintWriter o = spec.commandLine().getOut();
        if (list) {
            mine.forEach(e -> o.println(e.id()));
            o.flush();
            return 0;
        }
        out = out.toAbsolutePath().normalize();
        freshOutput(out);
        locate();
        clearCoverage(out.resolve("coverage"));
        started = Instant.now();
        o.printf("chiltepin regress: %d of %d entries (shard %d/%d), %d jobs, out %s%n", mine.size(), all.size(), sh[0],
                sh[1], jobs, out);
        o.flush();

        Progress progress = new Progress(mine.size(), quiet ? null : spec.commandLine().getErr(), started);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        // The co-simulations of one configuration share a Verilator workspace: the first builds
        // the model, the others reuse the cached build. SpinalSim's workspace is not safe for
        // concurrent runs, so they run one after another; configurations and cocotb runs overlap.
        Map<String, List<Entry>> groups = new LinkedHashMap<>();
        for (Entry e : mine) {
            groups.computeIfAbsent(e.suite().equals("cosim") ? e.block() + "-" + e.config() : e.id(), k -> new ArrayList<>())
                    .add(e);
        }
        // Longest first: co-simulation chains (a model build, then their seeds) before single
        // cocotb runs, and within each, the later (larger) configurations first.
        List<List<Entry>> order = new ArrayList<>(groups.values());
        java.util.Collections.reverse(order);
        order.sort(Comparator.comparingInt(g -> g.get(0).suite().equals("cosim") ? 0 : 1));
        List<Result> results = java.util.Collections.synchronizedList(new ArrayList<>());
        // Ctrl-C: stop the entries' processes, and write the reports of what finished, the rest
        // marked as interrupted.
        Thread killer = new Thread(() -> {
            cancelled = true;
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
            try {
                List<Result> partial = new ArrayList<>(results);
                for (Entry e : mine) {
                    if (partial.stream().noneMatch(r -> r.entry().equals(e))) {
                        partial.add(new Result(e, "ERROR", 0, "", "interrupted (Ctrl-C) before it finished", reproduce(e),
                                out.resolve("logs").resolve(e.id() + ".log"), null));
                    }
                }
                writeReports(partial, mine, all.size(), sh, Map.of());
                spec.commandLine().getErr().println("chiltepin regress: interrupted; partial report in "
                        + out.resolve("summary.md"));
                spec.commandLine().getErr().flush();
            } catch (IOException | RuntimeException ex) {
                spec.commandLine().getErr().println("chiltepin regress: interrupted; no partial report: " + ex);
                spec.commandLine().getErr().flush();
            }
            Outputs.deleteQuietly(cliCopy);
        });
        Runtime.getRuntime().addShutdownHook(killer);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (List<Entry> g : order) {
            futures.add(pool.submit(() -> g.forEach(e -> results.add(progress.done(runEntry(e))))));
        }
        for (var f : futures) {
            f.get();
        }
        Runtime.getRuntime().removeShutdownHook(killer);
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        Outputs.deleteQuietly(cliCopy);
        double wall = Duration.between(started, Instant.now()).toMillis() / 1000.0;

        Map<String, Coverage.Summary> coverage = noCoverage ? Map.of() : coverage(plans);
        List<Result> sorted = writeReports(results, mine, all.size(), sh, coverage);

        long failed = sorted.stream().filter(r -> !r.passed()).count();
        coverage.forEach((k, v) -> o.printf("  coverage %-22s %s%n", k, v));
        for (Result r : sorted) {
            if (!r.passed()) {
                o.printf("  %s %s: %s%n    reproduce: %s%n    waveform:  %s%n", r.status(), r.entry().id(), r.message(),
                        r.reproduce(), r.wave() == null ? "(none)" : r.wave());
            }
        }
        o.printf("%d entries, %d passed, %d failed, wall time %s; %s, %s, %s%n", sorted.size(), sorted.size() - failed,
                failed, Progress.clock(wall), out.resolve("junit.xml"), out.resolve("summary.md"),
                out.resolve("summary.html"));
        o.println(failed == 0 ? "PASS" : "FAIL");
        o.flush();
        return failed == 0 ? 0 : 1;
    }

    /**
     * Prepares OUT for a run: empty {@code logs} and {@code waves} (a passing re-run keeps no
     * earlier failure's log or waveform) and no copy of the CLI left by an older version.
     */
    static void freshOutput(Path out) throws IOException {
        for (String d : List.of("logs", "waves", "cli")) {
            Outputs.deleteTree(out.resolve(d));
        }
        Files.createDirectories(out.resolve("logs"));
        Files.createDirectories(out.resolve("waves"));
    }

    /** junit.xml, summary.md and summary.html of {@code results}, in matrix order; returns them sorted. */
    private List<Result> writeReports(List<Result> results, List<Entry> mine, int matrixSize, int[] sh,
            Map<String, Coverage.Summary> coverage) throws IOException {
        double wall = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        List<Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt(r -> mine.indexOf(r.entry())));
        String command = "bin/chiltepin " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        RegressReport report = new RegressReport(command, sorted, matrixSize, sh[0], sh[1], jobs, wall, coverage, started);
        report.writeJUnit(out.resolve("junit.xml"));
        Files.writeString(out.resolve("summary.md"), report.markdown());
        Files.writeString(out.resolve("summary.html"), report.html());
        return sorted;
    }

    private List<BlockPlan> selectPlans() {
        if (blocks == null) {
            return PLANS;
        }
        List<BlockPlan> ps = new ArrayList<>();
        for (String b : new LinkedHashSet<>(blocks)) {
            ps.add(PLANS.stream().filter(p -> p.name().equals(b)).findFirst().orElseThrow(
                    () -> new ConfigException("--blocks", "must be among " + PLANS.stream().map(BlockPlan::name).toList(), b)));
        }
        return ps;
    }

    private List<Integer> seedList() {
        if (seeds != null && seeds.list != null) {
            return List.copyOf(new LinkedHashSet<>(seeds.list));
        }
        int n = seeds != null && seeds.count != null ? seeds.count : full ? 4 : 2;
        if (n < 1 || n > 100_000) {
            throw new ConfigException("--seeds", "must be in [1, 100000]", n);
        }
        List<Integer> s = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            s.add(i);
        }
        return s;
    }

    static int[] parseShard(String s) {
        if (s == null) {
            return new int[] {1, 1};
        }
        var m = java.util.regex.Pattern.compile("(\\d+)/(\\d+)").matcher(s.strip());
        if (!m.matches()) {
            throw new ConfigException("--shard", "must be i/n with 1 <= i <= n", s);
        }
        int i = Integer.parseInt(m.group(1));
        int n = Integer.parseInt(m.group(2));
        if (n < 1 || i < 1 || i > n) {
            throw new ConfigException("--shard", "must be i/n with 1 <= i <= n", s);
        }
        return new int[] {i, n};
    }

    /** The repository root and CLI jar (the jar this command runs from: hw-gen/target/chiltepin.jar). */
    private void locate() throws URISyntaxException {
        Path self = Path.of(RegressCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        jar = self.toString().endsWith(".jar") ? self : null;
        if (jar != null) {
            // Entries run from a copy, so a rebuild of the CLI during a long regression cannot break them.
            // The jar's manifest finds its dependencies in lib/ beside it: copy both, into a
            // temporary folder removed at the end (not into OUT: it is tens of MB).
            try {
                Path cli = Files.createTempDirectory("chiltepin-regress-cli-");
                cliCopy = cli;
                Files.createDirectories(cli.resolve("lib"));
                try (Stream<Path> libs = Files.list(jar.getParent().resolve("lib"))) {
                    for (Path l : libs.toList()) {
                        Files.copy(l, cli.resolve("lib").resolve(l.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.copy(jar, cli.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                jar = cli.resolve(jar.getFileName());
            } catch (IOException e) {
                // run from the original
            }
        }
        root = repositoryRoot();
    }

    private List<String> cliCommand() {
        if (jar != null) {
            return List.of(javaExe(), "-Xss16m", "-jar", jar.toString());
        }
        return List.of(root.resolve("bin/chiltepin").toString());
    }

    private static String javaExe() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private int casesFor(Entry e) {
        if (cases != null) {
            return cases;
        }
        BlockPlan p = PLANS.stream().filter(x -> x.name().equals(e.block())).findFirst().orElseThrow();
        return full ? p.fullCases() : p.smokeCases();
    }

    private Path cosimWork(Entry e, boolean wave) {
        return out.resolve("work").resolve(e.block() + "-" + e.config() + (wave ? "-wave" : noCoverage ? "" : "-cov"));
    }

    private List<String> command(Entry e, boolean wave) {
        List<String> c = new ArrayList<>();
        String n = Integer.toString(casesFor(e));
        if (e.suite().equals("cosim")) {
            Verifier<?, ?> v = verifierOf(e.block());
            c.addAll(cliCommand());
            c.addAll(List.of("verify", e.block()));
            c.addAll(configArgs(e.block(), e.config()));
            c.addAll(List.of("--seed", Integer.toString(e.seed()), "--work", cosimWork(e, wave).toString()));
            if (v.defaultCases() > 0) {
                c.addAll(List.of("--cases", n));
            }
            c.addAll(v.regressOptions());
            if (wave) {
                c.add("--wave");
            } else if (!noCoverage && v.coverage()) {
                c.add("--coverage");
            }
        } else {
            c.addAll(List.of(root.resolve(".venv/bin/python").toString(), root.resolve("verif/cocotb/run.py").toString(),
                    e.block()));
            c.addAll(configArgs(e.block(), e.config()));
            c.addAll(List.of("--seed", Integer.toString(e.seed()), "--cases", n, "--out",
                    out.resolve("work/cocotb").resolve(e.id() + (wave ? "-wave" : "")).toString()));
            if (rtl != null) {
                c.addAll(List.of("--rtl", rtl.toAbsolutePath().toString()));
            }
            if (wave) {
                c.add("--waves");
            }
        }
        return c;
    }

    /** The one-line command that re-runs an entry alone, with a waveform. */
    String reproduce(Entry e) {
        String n = Integer.toString(casesFor(e));
        if (e.suite().equals("cosim")) {
            Verifier<?, ?> v = verifierOf(e.block());
            return "bin/chiltepin verify " + e.block() + " " + String.join(" ", configArgs(e.block(), e.config())) + " --seed "
                    + e.seed() + (v.defaultCases() > 0 ? " --cases " + n : "") + String.join(" ", v.regressOptions().stream()
                    .map(o -> " " + o).toList()) + " --wave";
        }
        return ".venv/bin/python verif/cocotb/run.py " + e.block() + " " + String.join(" ", configArgs(e.block(), e.config()))
                + " --seed " + e.seed()
                + " --cases " + n + (rtl != null ? " --rtl " + rtl.toAbsolutePath() : "") + " --waves";
    }

    /** The block's verify hook (what options its co-simulation takes). */
    private static Verifier<?, ?> verifierOf(String block) {
        return Chiltepin.BLOCKS.stream().filter(k -> k.name().equals(block)).findFirst().orElseThrow().verifier();
    }

    private Result runEntry(Entry e) {
        long t0 = System.nanoTime();
        Path log = out.resolve("logs").resolve(e.id() + ".log");
        int exit;
        try {
            exit = exec(command(e, false), log);
        } catch (IOException | InterruptedException ex) {
            exit = -1;
            try {
                Files.writeString(log, "could not run: " + ex);
            } catch (IOException ignored) {
                // the result says ERROR anyway
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (cancelled) {
            return new Result(e, "ERROR", seconds, "", "interrupted (Ctrl-C) before it finished", reproduce(e), log, null);
        }
        List<String> lines = readLines(log);
        String simulator = lines.stream().filter(l -> l.startsWith("  simulator"))
                .map(l -> l.substring(13).replaceAll(", model built in .*$", "").strip()).findFirst().orElse("");
        if (e.suite().equals("cosim") && !noCoverage) {
            keepCoverage(e, lines);
        }
        if (exit == 0) {
            return new Result(e, "PASS", seconds, simulator, "", "", log, null);
        }
        String status = exit == 1 ? "FAIL" : "ERROR";
        String message = firstFailure(lines, exit);
        // Re-run alone with a waveform; the reproduce command does the same from a shell.
        Path wave = null;
        Path waveLog = out.resolve("logs").resolve(e.id() + "-wave.log");
        try {
            exec(command(e, true), waveLog);
            Path dir = e.suite().equals("cosim") ? cosimWork(e, true)
                    : out.resolve("work/cocotb").resolve(e.id() + "-wave");
            Optional<Path> w = newestWave(dir, e.suite().equals("cosim") ? e.block() + "_seed" + e.seed() : "");
            if (w.isPresent()) {
                String name = w.get().getFileName().toString();
                wave = out.resolve("waves").resolve(e.id() + name.substring(name.lastIndexOf('.')));
                Files.copy(w.get(), wave, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | InterruptedException ex) {
            message += " (waveform re-run failed: " + ex.getMessage() + ")";
        }
        return new Result(e, status, seconds, simulator, message, reproduce(e), log, wave);
    }

    private static Optional<Path> newestWave(Path dir, String within) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".vcd") || n.endsWith(".fst")) && p.toString().contains(within);
            }).max(Comparator.comparingLong(p -> p.toFile().lastModified()));
        }
    }

    private static List<String> readLines(Path log) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            return List.of();
        }
    }

    /** The first failure a run printed: the line after "the first:", a cocotb "failure" line, or the log's tail. */
    static String firstFailure(List<String> lines, int exit) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("  failure ")) {
                return l.substring(10).strip();
            }
            if (l.contains("; the first:") && i + 1 < lines.size()) {
                return lines.get(i + 1).strip();
            }
        }
        String tail = lines.stream().skip(Math.max(0, lines.size() - 3)).collect(Collectors.joining(" | "));
        return (exit == -2 ? "timed out; " : "exit " + exit + "; ") + tail;
    }

    private int exec(List<String> cmd, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("CHILTEPIN_CLI", String.join(" ", cliCommand()));
        Process p = pb.start();
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            return -2;
        }
        return p.exitValue();
    }

    /** Copies the coverage.dat a co-simulation printed into coverage/runs/ID.dat (SpinalSim reuses run directories). */
    private void keepCoverage(Entry e, List<String> lines) {
        for (String l : lines) {
            String t = l.strip();
            if (t.startsWith("coverage") && t.endsWith("coverage.dat")) {
                Path dat = Path.of(t.substring("coverage".length()).strip());
                try {
                    Path dir = out.resolve("coverage/runs").resolve(e.block() + "-" + e.config());
                    Files.createDirectories(dir);
                    Files.copy(dat, dir.resolve(e.id() + ".dat"), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ex) {
                    // the coverage table then misses this run; the verdict does not depend on it
                }
            }
        }
    }

    /** Deletes the previous runs' coverage files so the figures are this run's. */
    private static void clearCoverage(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".dat")).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Merges the co-simulations' coverage per block-config and per block; annotates per block. */
    private Map<String, Coverage.Summary> coverage(List<BlockPlan> plans) throws IOException, InterruptedException {
        Map<String, Coverage.Summary> m = new LinkedHashMap<>();
        Path covDir = out.resolve("coverage");
        Files.createDirectories(covDir);
        Path runs = covDir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return m;
        }
        for (BlockPlan p : plans) {
            List<Path> blockFiles = new ArrayList<>();
            List<Path> dirs;
            try (Stream<Path> s = Files.list(runs)) {
                dirs = s.filter(d -> d.getFileName().toString().startsWith(p.name() + "-")).sorted().toList();
            }
            for (Path d : dirs) {
                List<Path> files;
                try (Stream<Path> s = Files.list(d)) {
                    files = s.filter(f -> f.getFileName().toString().endsWith(".dat")).sorted().toList();
                }
                if (files.isEmpty()) {
                    continue;
                }
                String name = d.getFileName().toString();
                Path merged = covDir.resolve(name + ".dat");
                Coverage.merge(files, merged);
                m.put(name, Coverage.summarize(merged));
                blockFiles.add(merged);
            }
            if (!blockFiles.isEmpty()) {
                Path merged = covDir.resolve(p.name() + ".dat");
                Coverage.merge(blockFiles, merged);
                m.put(p.name() + " (all configs)", Coverage.summarize(merged));
                Path annotated = covDir.resolve("annotated").resolve(p.name());
                Files.createDirectories(annotated);
                try {
                    Coverage.annotate(merged, annotated);
                } catch (IOException e) {
                    spec.commandLine().getErr().println("chiltepin regress: annotation skipped: " + e.getMessage());
                }
            }
        }
        return m;
    }

    /** Cases done / total, failures so far, elapsed and estimated remaining time. */
    static final class Progress {
        private final int total;
        private final PrintWriter o;
        private final Instant start;
        private int done;
        private int failed;

        Progress(int total, PrintWriter o, Instant start) {
            this.total = total;
            this.o = o;
            this.start = start;
        }

        synchronized Result done(Result r) {
            done++;
            if (!r.passed()) {
                failed++;
            }
            if (o == null) {
                return r;
            }
            double elapsed = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            double eta = done == 0 ? 0 : elapsed / done * (total - done);
            o.printf("[%d/%d] %-5s %-34s %6.1f s | failures %d | elapsed %s, remaining ~%s%n", done, total, r.status(),
                    r.entry().id(), r.seconds(), failed, clock(elapsed), clock(eta));
            o.flush();
            return r;
        }

        static String clock(double seconds) {
            long s = Math.round(seconds);
            return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
    }
}
