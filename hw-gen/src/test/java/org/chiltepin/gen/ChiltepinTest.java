package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChiltepinTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Cli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void generateWritesVerilogAndAManifestWithPortsAndHashes() throws IOException {
        Path out = dir.resolve("a");
        Result r = run("generate", "array", "--preset", "tiny", "--out", out.toString(), "--lint");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("verilator --lint-only -Wall: clean"), r.out());
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("array", m.get("block").asText());
        assertEquals("systolic_array", m.get("top").asText());
        assertEquals(2, m.get("config").get("rows").asInt());
        assertEquals("0.1.0", m.get("generator").get("version").asText());
        assertEquals(2, m.get("timing").get("firstRowLatencyCycles").asInt());
        boolean sawLast = false;
        for (JsonNode p : m.get("ports")) {
            if (p.get("name").asText().equals("m_axis_payload_c_1")) {
                assertEquals("output", p.get("direction").asText());
                assertEquals(32, p.get("width").asInt());
            }
            sawLast |= p.get("name").asText().equals("s_axis_payload_last");
        }
        assertTrue(sawLast);
        // Four PE variants (edges), the array, and the ProductPair two PEs of a row share.
        assertEquals(6, m.get("files").size());
        assertTrue(m.get("files").toString().contains("ProductPair.v"), m.get("files").toString());
        for (JsonNode f : m.get("files")) {
            byte[] bytes = Files.readAllBytes(out.resolve(f.get("path").asText()));
            assertEquals(Manifest.sha256(bytes), f.get("sha256").asText());
        }
    }

    @Test
    void generateIsReproducible() throws IOException {
        run("generate", "array", "--preset", "tiny", "--out", dir.resolve("x").toString());
        run("generate", "array", "--preset", "tiny", "--out", dir.resolve("y").toString());
        assertEquals(Files.readString(dir.resolve("x/manifest.json")), Files.readString(dir.resolve("y/manifest.json")));
    }

    @Test
    void jsonConfigStartsFromAPresetAndOverridesKeys() throws IOException {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"preset\": \"small\", \"cols\": 3, \"accWidth\": 24}");
        Path out = dir.resolve("o");
        Result r = run("generate", "array", "--config", cfg.toString(), "--out", out.toString(), "--top", "gemm_core");
        assertEquals(0, r.exit(), r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("{\"rows\":4,\"cols\":3,\"inputWidth\":8,\"accWidth\":24}", m.get("config").toString());
        assertTrue(Files.exists(out.resolve("gemm_core.v")));
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("{\"rows\": 0}", "rows: must be in [1, 32], got 0"),
                Arguments.of("{\"rows\": 4, \"colz\": 3}", "colz: is not a configuration key (known: preset, rows, cols, inputWidth, accWidth), got 3"),
                Arguments.of("{\"inputWidth\": 20}", "inputWidth: must be in [2, 16], got 20"),
                Arguments.of("{\"inputWidth\": 16, \"accWidth\": 24}", "accWidth: must be in [32, 64], got 24"),
                Arguments.of("{\"rows\": \"8\"}", "rows: must be an integer, got \"8\""),
                Arguments.of("{\"rows\": 2.5}", "rows: must be an integer, got 2.5"),
                Arguments.of("{\"preset\": \"huge\"}", "preset: must be one of [default, tiny, small, large], got huge"),
                Arguments.of("[1, 2]", "--config: must hold a JSON object"),
                Arguments.of("{\"rows\": ", "--config: must be valid JSON"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void invalidConfigurationIsOneLineExit2AndWritesNothing(String json, String message) throws IOException {
        Path cfg = dir.resolve("bad.json");
        Files.writeString(cfg, json);
        Path out = dir.resolve("out");
        Result r = run("generate", "array", "--config", cfg.toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("chiltepin: invalid configuration: " + message), r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void badCommandLineValuesAreOneLineExit2() {
        Result r = run("verify", "array", "--cases", "0");
        assertEquals(2, r.exit());
        assertEquals("chiltepin: invalid configuration: --cases: must be >= 1, got 0", r.err().strip());
        r = run("verify", "array", "--seed", "x");
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--seed"), r.err());
        r = run("generate", "array", "--preset", "nope", "--out", dir.resolve("n").toString());
        assertEquals(2, r.exit());
        assertFalse(Files.exists(dir.resolve("n")));
        r = run("generate", "array", "--out", dir.resolve("t").toString(), "--top", "3bad");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--top: must be a Verilog identifier"), r.err());
    }

    @Test
    void gemmGenerateAndVerify() throws IOException {
        Path out = dir.resolve("g");
        Result r = run("generate", "gemm", "--preset", "tiny", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("gemm", m.get("block").asText());
        assertEquals(2, m.get("config").get("requantLanes").asInt());
        assertEquals(128, m.get("timing").get("commandBits").asInt());
        r = run("verify", "gemm", "--preset", "tiny", "--seed", "2", "--cases", "8", "--work", Path.of("target", "sim").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().strip().endsWith("PASS"), r.out());
        assertTrue(r.out().contains("with illegal commands"), r.out());
    }

    @Test
    void gemmConfigErrorsAndBadShapes() throws IOException {
        Path cfg = dir.resolve("g.json");
        Files.writeString(cfg, "{\"preset\": \"tiny\", \"requantLanes\": 3}");
        Result r = run("generate", "gemm", "--config", cfg.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.exit());
        assertEquals("chiltepin: invalid configuration: requantLanes: must be a power of two in [1, 2], got 3", r.err().strip());
        r = run("bench", "gemm", "--shapes", "8x8", "--csv", dir.resolve("b.csv").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--shapes: must be a comma-separated list of MxKxN"), r.err());
    }

    @Test
    void benchGemmWritesTheTableAndCsv() throws IOException {
        Path csv = dir.resolve("bench.csv");
        Result r = run("bench", "gemm", "--preset", "tiny", "--shapes", "4x6x4,1x8x6", "--csv", csv.toString(),
                "--work", Path.of("target", "sim").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("shape,macs,cycles,ideal_cycles,mac_utilization"), lines.get(0));
        String[] row = lines.get(1).split(",");
        assertEquals("4x6x4", row[0]);
        assertEquals("96", row[1]);
        double util = Double.parseDouble(row[4]);
        assertTrue(util > 0 && util <= 1, "utilization is a fraction: " + util);
        assertTrue(lines.get(1).endsWith("PASS"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "generate", "verify", "bench", "generate array", "verify array", "generate gemm",
        "verify gemm", "bench gemm", "presets"})
    void everyCommandHasHelp(String command) {
        String[] args = Stream.concat(command.isEmpty() ? Stream.empty() : Stream.of(command.split(" ")),
                Stream.of("--help")).toArray(String[]::new);
        Result r = run(args);
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: chiltepin"), r.out());
    }

    @Test
    void verifyPrintsAPassVerdictWithCounts() {
        Result r = run("verify", "array", "--preset", "tiny", "--seed", "3", "--cases", "25",
                "--work", Path.of("target", "sim").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("compared    25 tiles, 50 result rows, 100 values"), r.out());
        assertTrue(r.out().strip().endsWith("PASS"), r.out());
        assertTrue(r.out().contains("Verilator"), r.out());
        // Progress on stderr: what is being built, and where; -q silences it (stdout unchanged).
        assertTrue(r.err().startsWith("chiltepin: building the Verilator model of array in "), r.err());
        assertTrue(r.err().contains("chiltepin: simulating array"), r.err());
        Result quiet = run("verify", "array", "--preset", "tiny", "--seed", "3", "--cases", "25", "-q",
                "--work", Path.of("target", "sim").toString());
        assertEquals(0, quiet.exit(), quiet.out() + quiet.err());
        assertEquals("", quiet.err());
        assertTrue(quiet.out().contains("compared    25 tiles, 50 result rows, 100 values"), quiet.out());
    }

    @Test
    void presetsListsEveryBlock() {
        Result r = run("presets");
        assertEquals(0, r.exit());
        List<String> lines = r.out().lines().toList();
        assertEquals(Chiltepin.BLOCKS.stream().mapToInt(k -> k.presets().size()).sum(), lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("array    default"), r.out());
    }
}
