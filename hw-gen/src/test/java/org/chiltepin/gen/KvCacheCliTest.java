package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.gen.ChiltepinTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate / verify / bench kvcache through the CLI. */
class KvCacheCliTest {
    private static final String WORK = Path.of("target", "sim").toString();

    @TempDir
    Path dir;

    @Test
    void generateKvcacheWritesLintCleanVerilogAndAManifest() throws IOException {
        Path out = dir.resolve("kv");
        Result r = ChiltepinTest.run("generate", "kvcache", "--preset", "tiny", "--out", out.toString(), "--lint");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("verilator --lint-only -Wall: clean"), r.out());
        assertTrue(Files.exists(out.resolve("kv_cache.v")));
        JsonNode m = new ObjectMapper().readTree(out.resolve(Manifest.FILE).toFile());
        assertEquals("kvcache", m.get("block").asText());
        assertEquals(4, m.get("config").get("pageTokens").asInt(), m.toString());
    }

    @Test
    void invalidKvcacheConfigurationsExit2WithOneLine() throws IOException {
        Path cfg = dir.resolve("bad.json");
        Files.writeString(cfg, "{\"preset\": \"tiny\", \"pageTokens\": 6}");
        Result r = ChiltepinTest.run("generate", "kvcache", "--config", cfg.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.exit());
        assertEquals("chiltepin: invalid configuration: pageTokens: must be a power of two, got 6", r.err().strip());
        assertEquals(2, ChiltepinTest.run("verify", "kvcache", "--cases", "0").exit());
        assertEquals(2, ChiltepinTest.run("bench", "kvcache", "--sequences", "0").exit());
    }

    @Test
    void verifyKvcachePassesAndBenchWritesBothTables() throws IOException {
        Result r = ChiltepinTest.run("verify", "kvcache", "--preset", "tiny", "--seed", "3", "--cases", "400", "--work", WORK);
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("PASS", lines.get(lines.size() - 1), r.out());
        assertTrue(r.out().contains("compared    400 responses"), r.out());

        Path csv = dir.resolve("kv.csv");
        r = ChiltepinTest.run("bench", "kvcache", "--preset", "tiny", "--sequences", "200", "--max-len", "512",
                "--median", "64", "--csv", csv.toString(), "--work", WORK);
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> gather = Files.readAllLines(csv);
        assertTrue(gather.get(0).startsWith("seq_len,pages,gather_stream_rows_per_cycle"), gather.get(0));
        String longest = gather.get(gather.size() - 1);
        assertTrue(longest.startsWith("16,4,1.00000,"), "16 rows over 4 pages stream at 1 row/cycle: " + longest);
        List<String> waste = Files.readAllLines(dir.resolve("kv-waste.csv"));
        assertTrue(waste.stream().anyMatch(l -> l.startsWith("finished,contiguous 512,")), waste.toString());
        assertTrue(waste.stream().anyMatch(l -> l.contains("paged (RTL)")), waste.toString());
    }
}
