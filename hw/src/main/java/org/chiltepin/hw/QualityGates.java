package org.chiltepin.hw;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The external checks every emitted design must pass: {@code verilator --lint-only -Wall} with
 * no warning, and a generic {@code yosys} synthesis of the top module.
 */
public final class QualityGates {
    private QualityGates() {
    }

    /** A finished tool run: exit code and combined output. */
    public record ToolRun(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** {@code verilator --lint-only -Wall}: passes only with exit 0 and no %Warning line. */
    public static ToolRun lint(List<Path> files, String top) {
        List<String> cmd = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "--top-module", top));
        files.forEach(f -> cmd.add(f.toString()));
        ToolRun r = run(cmd, 300);
        boolean warned = r.output().lines().anyMatch(l -> l.startsWith("%Warning") || l.startsWith("%Error"));
        return warned && r.exitCode() == 0 ? new ToolRun(cmd, 1, r.output()) : r;
    }

    /** {@code yosys}: reads every file and runs {@code synth -top top}; {@code stat} ends the log. */
    public static ToolRun synthesize(List<Path> files, String top) {
        StringBuilder script = new StringBuilder("read_verilog");
        files.forEach(f -> script.append(' ').append(f));
        script.append("; synth -top ").append(top).append("; stat");
        return run(List.of("yosys", "-p", script.toString()), 1200);
    }

    /** The yosys script of {@link #resources}, after {@code read_verilog FILES;}. */
    public static String resourceScript(String top) {
        return "synth -top " + top + " -flatten -run begin:fine; opt -fast -full; techmap; opt -fast; abc -lut 4; opt_clean; stat";
    }

    /**
     * A resource count from a generic yosys synthesis: 4-input LUTs, flip-flops, and memories
     * (inferred {@code $mem_v2} blocks, kept as SRAMs, not mapped to flip-flops) of the flattened top.
     */
    public record Resources(ToolRun run, long luts, long ffs, long memories, long cells, double seconds) {
        public boolean ok() {
            return run.ok() && cells > 0;
        }
    }

    /**
     * {@code yosys}: {@link #resourceScript}, the coarse synthesis with memories kept, then gates
     * mapped to 4-input LUTs; counts from the final {@code stat}.
     */
    public static Resources resources(List<Path> files, String top, int timeoutSeconds) {
        StringBuilder script = new StringBuilder("read_verilog");
        files.forEach(f -> script.append(' ').append(f));
        script.append("; ").append(resourceScript(top));
        long t0 = System.nanoTime();
        ToolRun r = run(List.of("yosys", "-q", "-p", script.toString().replace("; stat", "; tee -o /dev/stdout stat")),
                timeoutSeconds);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long luts = 0;
        long ffs = 0;
        long mems = 0;
        long cells = 0;
        boolean inTop = false;
        for (String line : r.output().lines().map(String::trim).toList()) {
            if (line.startsWith("===")) {
                inTop = line.equals("=== " + top + " ===");
                continue;
            }
            String[] f = line.split("\\s+");
            if (!inTop) {
                continue;
            } else if (f.length == 2 && f[1].matches("\\d+")) {
                long n = Long.parseLong(f[1]);
                luts += f[0].equals("$lut") ? n : 0;
                ffs += f[0].contains("DFF") ? n : 0;
                mems += f[0].startsWith("$mem") ? n : 0;
            } else if (line.startsWith("Number of cells:")) {
                cells = Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return new Resources(r, luts, ffs, mems, cells, seconds);
    }

    /** Runs a tool, output captured, with a time limit; exit 127 when it is not installed. */
    public static ToolRun run(List<String> cmd, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new ToolRun(cmd, -1, "timed out after " + timeoutSeconds + " s");
            }
            return new ToolRun(cmd, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("error=2")) {
                return new ToolRun(cmd, 127, cmd.get(0) + " not found: run scripts/setup.sh");
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ToolRun(cmd, -1, "interrupted");
        }
    }
}
