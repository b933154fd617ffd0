package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C: the CLI runs in a process group of its own ({@code setsid}) and gets SIGINT as a
 * terminal would send it to the whole group. Exit 130, nothing half-written, no misleading error.
 */
class CliInterruptTest {
    @TempDir
    Path dir;

    record Interrupted(int exit, String err) {
    }

    /** Starts the CLI with {@code args}, waits until {@code ready}, sends SIGINT to its group; null if it ended first. */
    private Interrupted interrupt(BooleanSupplier ready, String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "needs setsid");
        // env --default-signal: a run started in the background (nohup, `&`) inherits SIGINT ignored,
        // and the JVM then never sees the interrupt
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setsid", "/usr/bin/env", "--default-signal=INT"));
        cmd.addAll(List.of(CocotbRunTest.javaCommand().split(" ")));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        while (!ready.getAsBoolean() && p.isAlive()) {
            Thread.sleep(20);
        }
        if (!p.isAlive()) {
            return null;
        }
        new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).start().waitFor();
        int exit = p.waitFor();
        return new Interrupted(exit, Files.readString(err));
    }

    private static List<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> !n.equals("err.txt")).sorted().toList();
        }
    }

    @Test
    void anInterruptedGenerateLeavesNothing() throws Exception {
        Interrupted r = interrupt(() -> {
            try {
                return list(dir).stream().anyMatch(n -> n.startsWith(".out.staging-"));
            } catch (IOException e) {
                return false;
            }
        }, "generate", "gemm", "--preset", "large", "--out", dir.resolve("out").toString());
        assumeTrue(r != null, "the generation ended before the interrupt");
        assertEquals(Cli.INTERRUPTED, r.exit(), r.err());
        assertEquals(List.of(), list(dir), "no output folder, no staging folder");
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void anInterruptedVerifyIsNotCalledAHardwareDescriptionError() throws Exception {
        Path work = dir.resolve("work");
        Interrupted r = interrupt(() -> ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
                .map(c -> c.contains(work.toString()) && (c.contains("verilator") || c.contains("make"))).orElse(false)),
                "verify", "array", "--preset", "small", "--cases", "5", "--work", work.toString());
        assumeTrue(r != null, "the run ended before the interrupt");
        assertEquals(Cli.INTERRUPTED, r.exit(), r.err());
        assertFalse(r.err().contains("hardware description error"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
