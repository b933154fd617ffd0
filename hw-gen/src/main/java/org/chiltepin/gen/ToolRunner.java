package org.chiltepin.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external EDA tool, output to a log file (or captured), with a time limit. */
final class ToolRunner {
    private ToolRunner() {
    }

    record Result(List<String> command, int exitCode, String output, double seconds) {
    }

    /** Runs {@code command} in {@code dir} (null: the current directory), output to {@code log} (null: captured only). */
    static Result run(List<String> command, Path dir, Path log, long timeoutSeconds) {
        long t0 = System.nanoTime();
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Path out = log != null ? log : Files.createTempFile("chiltepin-tool", ".log");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(command, 124, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command),
                        (System.nanoTime() - t0) / 1e9);
            }
            String text = Files.readString(out);
            if (log == null) {
                Files.deleteIfExists(out);
            }
            return new Result(command, p.exitValue(), text, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            return new Result(command, 127, command.get(0) + ": " + e.getMessage(), (System.nanoTime() - t0) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(command, 130, "interrupted", (System.nanoTime() - t0) / 1e9);
        }
    }
}
