package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code verify BLOCK} turns a check that throws into the same verdict as any other failure: the
 * FAIL line, the first mismatch and the reproduce command, exit 1, no stack trace. The block here
 * is a stand-in whose directed check fails on purpose (as the NoC's zero-load check did).
 */
class VerifyCommandTest {
    @TempDir
    Path dir;

    record Probe(int n) {
    }

    /** A kind whose verifier's check fails with an AssertionError, thrown directly or wrapped by a simulator. */
    static final class FailingKind extends BlockKind.Base<Probe> {
        FailingKind(boolean wrapped) {
            super("probe", Probe.class, Map.of("tiny", new Probe(1)), "probe", c -> null);
            verifyWith(() -> new Verifier<Probe, String>() {
                @Override
                public String compile(BlockRun<Probe> run) {
                    return "model";
                }

                @Override
                public Outcome run(String harness, BlockRun<Probe> run) {
                    AssertionError check = new AssertionError("isolated packets: [packet 3 -> 5 not delivered]");
                    if (wrapped) {
                        throw new IllegalStateException("simulation ended", check);
                    }
                    throw check;
                }
            });
        }

        @Override
        public String describe(Probe c) {
            return "probe " + c.n();
        }

        @Override
        public ObjectNode timing(Probe c, ObjectNode t) {
            return t;
        }
    }

    private String[] verify() {
        return new String[] {"--preset", "tiny", "--seed", "4", "--work", dir.toString(), "-q"};
    }

    @Test
    void aThrownCheckIsAFailLineWithTheMismatchAndAReproduceCommand() {
        for (boolean wrapped : new boolean[] {false, true}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = VerifyCommand.of(new FailingKind(wrapped));
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int exit = cl.execute(verify());
            String o = out.toString();
            assertEquals(1, exit, o + err);
            assertTrue(o.strip().endsWith("FAIL"), o);
            assertTrue(o.contains("    isolated packets: [packet 3 -> 5 not delivered]"), o);
            assertTrue(o.contains("  reproduce   bin/chiltepin verify probe --preset tiny --seed 4"), o);
            assertFalse((o + err).contains("at org.chiltepin"), "no stack trace: " + o + err);
        }
    }
}
