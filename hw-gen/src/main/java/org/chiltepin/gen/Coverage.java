package org.chiltepin.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Verilator coverage ({@code --coverage}: line and toggle points) of a co-simulation: finds the
 * {@code coverage.dat} a SpinalSim run wrote, merges files with {@code verilator_coverage
 * --write} and counts covered points by kind ({@code v_line}, {@code v_branch}, {@code v_toggle}).
 */
final class Coverage {
    private static final Pattern POINT = Pattern.compile("^C '(.*)' (\\d+)\\s*$");
    private static final Pattern PAGE = Pattern.compile("\u0001page\u0002v_([a-z]+)");

    private Coverage() {
    }

    /** Prints the figures of the newest {@code coverage.dat} of the run {@code runName} under {@code work}. */
    static void print(java.io.PrintWriter o, Path work, String runName) throws IOException {
        newest(work, runName).ifPresentOrElse(dat -> {
            try {
                o.printf("  coverage    %s%n  coverage    %s%n", summarize(dat), dat.toAbsolutePath());
            } catch (IOException e) {
                o.printf("  coverage    unreadable: %s%n", e.getMessage());
            }
        }, () -> o.printf("  coverage    no coverage.dat under %s%n", work.toAbsolutePath()));
    }

    /** Covered / total points of one kind. */
    record Count(long hit, long total) {
        double percent() {
            return total == 0 ? 100.0 : 100.0 * hit / total;
        }

        Count plus(Count o) {
            return new Count(hit + o.hit, total + o.total);
        }

        @Override
        public String toString() {
            return String.format("%.1f %% (%d/%d)", percent(), hit, total);
        }
    }

    /** Line (statement and branch) and toggle coverage. */
    record Summary(Count line, Count toggle) {
        static final Summary EMPTY = new Summary(new Count(0, 0), new Count(0, 0));

        @Override
        public String toString() {
            return "line " + line + ", toggle " + toggle;
        }
    }

    /** The newest {@code coverage.dat} under {@code dir} in a directory named {@code run}, if any. */
    static Optional<Path> newest(Path dir, String run) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals("coverage.dat") && p.getParent() != null
                            && p.getParent().getFileName().toString().equals(run))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
        }
    }

    /** Counts the points of a coverage.dat: {@code v_line} and {@code v_branch} as line, {@code v_toggle} as toggle. */
    static Summary summarize(Path dat) throws IOException {
        long lh = 0;
        long lt = 0;
        long th = 0;
        long tt = 0;
        for (String line : Files.readAllLines(dat, StandardCharsets.ISO_8859_1)) {
            Matcher m = POINT.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Matcher page = PAGE.matcher(m.group(1));
            if (!page.find()) {
                continue;
            }
            boolean hit = Long.parseLong(m.group(2)) > 0;
            switch (page.group(1)) {
                case "line", "branch" -> {
                    lt++;
                    lh += hit ? 1 : 0;
                }
                case "toggle" -> {
                    tt++;
                    th += hit ? 1 : 0;
                }
                default -> {
                }
            }
        }
        return new Summary(new Count(lh, lt), new Count(th, tt));
    }

    /** {@code verilator_coverage --write out in...}: the union of several runs' points. */
    static void merge(List<Path> inputs, Path out) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("verilator_coverage", "--write", out.toString()));
        inputs.forEach(p -> cmd.add(p.toString()));
        run(cmd);
    }

    /** {@code verilator_coverage --annotate dir dat}: the sources with each line's counts. */
    static void annotate(Path dat, Path dir) throws IOException, InterruptedException {
        run(List.of("verilator_coverage", "--annotate", dir.toString(), dat.toString()));
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
