package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verif/cocotb/run.py: a bad option is the CLI's one line and exit 2, a build failure its cause line and log, exit 3. */
class CocotbRunTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run run(String... args) throws IOException, InterruptedException {
        Path root = RegressCommand.repositoryRoot();
        Path python = root.resolve(".venv/bin/python");
        assumeTrue(Files.isExecutable(python), "no .venv with cocotb");
        List<String> cmd = new ArrayList<>(List.of(python.toString(), root.resolve("verif/cocotb/run.py").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        // The CLI from this build's classes, as the regression passes it.
        pb.environment().put("CHILTEPIN_CLI", javaCommand());
        int exit = pb.start().waitFor();
        return new Run(exit, Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java") + " -Xss16m -cp "
                + System.getProperty("java.class.path") + " " + Chiltepin.class.getName();
    }

    @Test
    void aBadPresetOrStallIsOneLineExit2() throws Exception {
        Path out = dir.resolve("cb");
        Run r = run("array", "--preset", "nope", "--out", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals("run.py: chiltepin: invalid configuration: --preset: must be one of [default, tiny, small, large], got nope",
                r.err().strip());
        assertFalse(r.err().contains("Traceback"));
        r = run("array", "--preset", "tiny", "--stall", "2", "--out", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--stall"), r.err());
    }

    @Test
    void aBuildFailureShowsItsCauseAndTheLog() throws Exception {
        Path rtl = Files.createDirectories(dir.resolve("rtl"));
        Files.writeString(rtl.resolve("other.v"), "module other(input clk); endmodule\n");
        Path out = dir.resolve("cb");
        Run r = run("array", "--preset", "tiny", "--cases", "2", "--rtl", rtl.toString(), "--out", out.toString(), "--sim", "icarus");
        assertEquals(3, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("Unable to find the root module \"systolic_array\""), r.err());
        assertTrue(r.err().contains("(log: " + out.resolve("sim.log") + ")"), r.err());
        assertFalse(r.err().contains("Traceback"));
    }
}
