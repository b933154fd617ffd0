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
