package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chiltepin.gen.ChiltepinTest.Result;
import org.chiltepin.hw.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The extension points: a block that is nothing but a {@link BlockKind} with hooks gets verify,
 * golden and bench commands with the common options, their rules, the header, the verdict and
 * the reproduce line. The hooks here are fakes that record what they were handed.
 */
class BlockCommandTest {
    @TempDir
    Path dir;

    record ToyConfig(int width) {
        ToyConfig {
            ConfigException.requireRange("width", width, 1, 8);
        }
    }

    /** Everything a hook saw. */
    static final List<BlockRun<ToyConfig>> SEEN = new ArrayList<>();

    @Command(description = "Toy verification.")
    static final class ToyVerifier implements Verifier<ToyConfig, String> {
        @Option(names = "--fail", description = "Report this many failures.")
        int fail;

        @Override
        public int defaultCases() {
            return 42;
        }

        @Override
        public void check(ToyConfig config) {
            ConfigException.requireRange("--fail", fail, 0, 5);
        }

        @Override
        public String compile(BlockRun<ToyConfig> run) {
            SEEN.add(run);
            return "harness";
        }

        @Override
        public Outcome run(String harness, BlockRun<ToyConfig> run) {
            run.out().println("  toy         ran on " + harness);
            List<String> first = new ArrayList<>();
            for (int i = 0; i < fail; i++) {
                first.add("mismatch " + i);
            }
            return new Outcome(fail == 0, fail, first, 99, null);
        }

        @Override
        public String reproduceOptions() {
            return " --fail " + fail;
        }
    }

    static final class ToyKind extends BlockKind.Base<ToyConfig> {
        ToyKind() {
            super("toy", ToyConfig.class, Map.of("default", new ToyConfig(4), "wide", new ToyConfig(8)), "toy_top",
                    c -> null);
            verifyWith(ToyVerifier::new);
            goldenWith(() -> (root, run) -> {
                root.put("width", run.config().width());
                return run.cases() + " toys";
            });
            benchWith(() -> (run, csv) -> {
                SEEN.add(run);
                run.out().println("  bench       csv " + csv);
                return 0;
            });
        }

        @Override
        public String describe(ToyConfig c) {
            return c.width() + "-bit toy";
        }

        @Override
        public ObjectNode timing(ToyConfig c, ObjectNode t) {
            return t;
        }
    }

    private static Result run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli.handlers(cl);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Result(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void aKindWithAVerifierGetsVerifyWithTheCommonOptionsAndVerdict() {
        SEEN.clear();
        Path work = dir.resolve("w");
        Result r = run(VerifyCommand.of(new ToyKind()), "--preset", "wide", "--seed", "7", "--stall", "0.25", "--work",
                work.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("chiltepin verify toy: --preset wide, 8-bit toy", lines.get(0));
        assertTrue(lines.get(1).startsWith("  simulator   "), r.out());
        assertEquals("  toy         ran on harness", lines.get(2));
        assertTrue(run(VerifyCommand.of(new ToyKind()), "--help").out().contains("Toy verification."),
                "the hook's @Command description is the command's");
        assertTrue(lines.get(3).startsWith("  simulated   99 cycles in "), r.out());
        assertEquals("PASS", lines.get(4));
        BlockRun<ToyConfig> seen = SEEN.get(0);
        assertEquals(new ToyConfig(8), seen.config());
        assertEquals(7, seen.seed());
        assertEquals(42, seen.cases(), "the block's default --cases");
        assertEquals(0.25, seen.stall());
        assertEquals(work, seen.work());
        assertFalse(seen.simulation().wave());
    }

    @Test
    void aFailingVerifierEndsWithTheFirstFailuresAndAReproduceCommand() {
        Result r = run(VerifyCommand.of(new ToyKind()), "--seed", "3", "--cases", "5", "--fail", "2", "--wave", "--work",
                dir.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("  failures    2; the first:\n    mismatch 0\n    mismatch 1\n"), r.out());
        assertTrue(r.out().contains("  waveform    under "), r.out());
        assertTrue(r.out().contains(
                "  reproduce   bin/chiltepin verify toy --preset default --seed 3 --cases 5 --stall 0.3 --fail 2 --wave"), r.out());
        assertTrue(r.out().strip().endsWith("FAIL"), r.out());
    }

    @Test
    void theBlocksOwnOptionsAndTheCommonOnesAreCheckedBeforeAnythingRuns() {
        SEEN.clear();
        for (String[] args : List.of(new String[] {"--fail", "9"}, new String[] {"--cases", "0"}, new String[] {"--stall", "1"},
                new String[] {"--preset", "huge"})) {
            Result r = run(VerifyCommand.of(new ToyKind()), args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(args[0]), r.err());
            assertEquals("", r.out(), "nothing printed, nothing run");
        }
        assertTrue(SEEN.isEmpty());
    }

    @Test
    void aKindWithGoldenVectorsGetsGoldenWritingTheCommonHead() throws Exception {
        Path f = dir.resolve("sub/v.json");
        Result r = run(GoldenCommand.of(new ToyKind()), "--seed", "5", "--cases", "3", "--out", f.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("golden toy --preset default: seed 5, 3 toys -> " + f, r.out().strip());
        JsonNode v = new ObjectMapper().readTree(f.toFile());
        assertEquals("toy", v.get("block").asText());
        assertEquals("{\"width\":4}", v.get("config").toString());
        assertEquals(5, v.get("seed").asInt());
        assertEquals(0.3, v.get("stall").asDouble());
        assertEquals("toy_top", v.get("top").asText());
        assertEquals(4, v.get("width").asInt());
        assertEquals(2, run(GoldenCommand.of(new ToyKind()), "--out", f.toString(), "--stall", "2").exit());
    }

    @Test
    void aKindWithABenchmarkGetsBenchWithAnOptionalCsv() {
        SEEN.clear();
        Result r = run(BenchCommand.of(new ToyKind()), "--seed", "11");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(List.of("chiltepin bench toy: --preset default, 4-bit toy", "  bench       csv null"), r.out().lines().toList());
        assertEquals(11, SEEN.get(0).seed());
        r = run(BenchCommand.of(new ToyKind()), "--csv", dir.resolve("t.csv").toString());
        assertTrue(r.out().contains("csv " + dir.resolve("t.csv")), r.out());
        assertFalse(Files.exists(dir.resolve("t.csv")), "the hook writes the CSV, not the command");
    }
}
