package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.chiltepin.gen.ChiltepinTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mutate}: bad input is one line and exit 2, before anything is generated or run. */
class MutateCommandTest {
    @TempDir
    Path dir;

    @Test
    void badBlocksAndOptionsAreOneLineUsageErrors() {
        Path out = dir.resolve("never");
        String[][] bad = {{"mutate", "chip"}, {"mutate", "gemm", "--preset", "huge"}, {"mutate", "gemm", "--budget", "0"},
            {"mutate", "gemm", "--seeds", "0"}, {"mutate", "gemm", "--shard", "3/2"}, {"mutate", "gemm", "--min-score", "101"},
            {"mutate", "gemm", "--jobs", "0"}};
        for (String[] args : bad) {
            String[] withOut = java.util.Arrays.copyOf(args, args.length + 2);
            withOut[args.length] = "--out";
            withOut[args.length + 1] = out.toString();
            Result r = ChiltepinTest.run(withOut);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertFalse(Files.exists(out), "nothing written");
        assertTrue(ChiltepinTest.run("mutate", "--help").out().contains("--min-score"));
    }
}
