package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every output path is checked before the run: one line, exit 2, nothing run or written. */
class OutputsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"bench gemm --preset tiny --csv", "bench gemm --preset tiny --plot", "bench noc --k 2 --plot",
        "bench kvcache --preset tiny --csv", "golden array --preset tiny --out", "golden gemm --preset tiny --out",
        "bench llama --csv"})
    void anOutputUnderAFileIsOneLineExit2BeforeTheRun(String command) throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        String option = command.substring(command.lastIndexOf(' ') + 1);
        String[] args = (command + " " + file.resolve("result.out")).split(" ");
        var r = ChiltepinTest.run(args);
        assertEquals(Cli.USAGE, r.exit(), r.out() + r.err());
        assertEquals("chiltepin: invalid configuration: " + option + ": must be under a folder, but " + file
                + " is a file, got " + file.resolve("result.out"), r.err().strip());
        assertEquals("", r.out(), "nothing ran");
        assertEquals("x", Files.readString(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bench gemm --preset tiny --csv", "golden array --preset tiny --out"})
    void anUnwritableFolderIsOneLineExit2(String command) {
        String[] args = (command + " /proc/1/result.out").split(" ");
        var r = ChiltepinTest.run(args);
        assertEquals(Cli.USAGE, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("", r.out());
    }
}
