package org.chiltepin.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.gen.MutateCommand.Outcome;
import org.chiltepin.gen.MutationSites.Mutant;

/**
 * One mutant's run for {@link MutateCommand}: the generated files with the mutation applied in a
 * folder of its own, an Icarus compile check (a mutant that does not build is INVALID), then the
 * block's cocotb testbench on that RTL ({@code verif/cocotb/run.py --rtl --vectors}) for each
 * seed until one fails (KILLED) or all pass (SURVIVED). A run past the time limit is a hang the
 * regression would notice: KILLED. A killed mutant's folder is deleted; a survivor's is kept for
 * its reproduce command.
 */
final class MutantRunner {
    private final Path root;
    private final String block;
    private final List<String> cfgArgs;
    private final int cases;
    private final List<Path> vectors;
    private final int timeout;
    private final Path rtl;
    private final List<String> files;

    MutantRunner(Path root, String block, List<String> cfgArgs, int cases, List<Path> vectors, int timeout, Path rtl,
            List<String> files) {
        this.root = root;
        this.block = block;
        this.cfgArgs = cfgArgs;
        this.cases = cases;
        this.vectors = vectors;
        this.timeout = timeout;
        this.rtl = rtl;
        this.files = files;
    }

    /** The unmutated design through the same regression: SURVIVED is what it must do. */
    Outcome baseline(Path dir) throws IOException {
        Files.createDirectories(dir);
        return regress(null, rtl, dir, System.nanoTime());
    }

    /** The mutant through the compile check and the regression. */
    Outcome run(Mutant m, Path dir) throws IOException {
        long t0 = System.nanoTime();
        Path mrtl = dir.resolve("rtl");
        Files.createDirectories(mrtl);
        for (String f : files) {
            Files.copy(rtl.resolve(f), mrtl.resolve(f));
        }
        Files.copy(rtl.resolve("files.f"), mrtl.resolve("files.f"));
        Path target = mrtl.resolve(m.file());
        Files.writeString(target, MutationSites.apply(Files.readString(target), m));
        List<String> build = new ArrayList<>(List.of("iverilog", "-g2012", "-o", dir.resolve("check.vvp").toString()));
        files.forEach(f -> build.add(mrtl.resolve(f).toString()));
        ToolRunner.Result b = ToolRunner.run(build, dir, dir.resolve("check.log"), 120);
        if (b.exitCode() != 0) {
            String cause = b.output().lines().filter(l -> l.contains("error") || l.contains("rror:")).findFirst()
                    .orElse("exit " + b.exitCode());
            return new Outcome(m, "INVALID", "does not build: " + cause.strip(), seconds(t0));
        }
        Outcome r = regress(m, mrtl, dir, t0);
        if (r.status().equals("KILLED") || r.status().equals("INVALID")) {
            Outputs.deleteQuietly(dir);
        }
        return r;
    }

    private Outcome regress(Mutant m, Path design, Path dir, long t0) {
        for (int s = 1; s <= vectors.size(); s++) {
            List<String> cmd = new ArrayList<>(List.of(root.resolve(".venv/bin/python").toString(),
                    root.resolve("verif/cocotb/run.py").toString(), block));
            cmd.addAll(cfgArgs);
            cmd.addAll(List.of("--seed", Integer.toString(s), "--cases", Integer.toString(cases), "--rtl", design.toString(),
                    "--vectors", vectors.get(s - 1).toString(), "--out", dir.resolve("run-s" + s).toString()));
            ToolRunner.Result r = ToolRunner.run(cmd, root, dir.resolve("run-s" + s + ".log"), timeout);
            switch (r.exitCode()) {
                case 0 -> {
                    // passed this seed: try the next
                }
                case 1 -> {
                    return new Outcome(m, "KILLED", "seed " + s + ": " + failure(r.output()), seconds(t0));
                }
                case 124 -> {
                    return new Outcome(m, "KILLED", "seed " + s + ": timed out after " + timeout + " s (a hang)", seconds(t0));
                }
                case 3 -> {
                    return new Outcome(m, "INVALID", "the simulator could not build it: " + lastLine(r.output()), seconds(t0));
                }
                default -> {
                    return new Outcome(m, "ERROR", "seed " + s + ": run.py exited " + r.exitCode() + ": " + lastLine(r.output()),
                            seconds(t0));
                }
            }
        }
        return new Outcome(m, "SURVIVED", "passed seeds 1.." + vectors.size(), seconds(t0));
    }

    private static String failure(String output) {
        return output.lines().filter(l -> l.startsWith("  failure ")).map(l -> l.substring(10).strip()).findFirst()
                .orElse(lastLine(output));
    }

    private static String lastLine(String output) {
        List<String> ls = output.lines().filter(l -> !l.isBlank()).toList();
        return ls.isEmpty() ? "(no output)" : ls.get(ls.size() - 1).strip();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
