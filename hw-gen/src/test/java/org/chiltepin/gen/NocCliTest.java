package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** {@code generate noc}, {@code verify noc}, {@code bench noc}. */
class NocCliTest {
    @TempDir
    Path dir;

    private static Result run(String... args) {
        return ChiltepinTest.run(args);
    }

    @Test
    void generateNocWritesLintCleanVerilogAndAManifest() throws IOException {
        Path out = dir.resolve("noc");
        Result r = run("generate", "noc", "--preset", "tiny", "--out", out.toString(), "--lint");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("verilator --lint-only -Wall: clean"), r.out());
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("noc", m.get("block").asText());
        assertEquals("noc_mesh", m.get("top").asText());
        assertEquals("xy", m.get("config").get("routing").asText());
        assertEquals(1, m.get("timing").get("routerDelayCycles").asInt());
        assertTrue(Files.exists(out.resolve("Router_es.v")));
    }

    @Test
    void anUnsafeRoutingIsAOneLineConfigurationErrorAndWritesNothing() throws IOException {
        Path cfg = dir.resolve("adaptive.json");
        Files.writeString(cfg, "{\"preset\": \"default\", \"routing\": \"adaptive\"}");
        Path out = dir.resolve("never");
        Result r = run("generate", "noc", "--config", cfg.toString(), "--out", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("routing: channel-dependency graph on the 4×4 mesh has a cycle"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void badOptionsExit2() {
        assertEquals(2, run("verify", "noc", "--cycles", "5").exit());
        assertEquals(2, run("verify", "noc", "--stall", "1").exit());
        Result r = run("bench", "noc", "--k", "4", "--traffic", "tornado", "--csv", dir.resolve("x.csv").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--traffic"), r.err());
        assertEquals(2, run("bench", "noc", "--k", "9", "--csv", dir.resolve("x.csv").toString()).exit());
        for (String c : List.of("verify noc", "bench noc", "generate noc")) {
            Result h = run((c + " --help").split(" "));
            assertEquals(0, h.exit());
            assertTrue(h.out().startsWith("Usage: chiltepin"), h.out());
        }
    }

    @Test
    void verifyAndBenchOnATinyMesh() throws IOException {
        String work = Path.of("target", "sim").toString();
        Result v = run("verify", "noc", "--preset", "tiny", "--seed", "2", "--cycles", "5000", "--pattern-cycles", "1000",
                "--work", work);
        assertEquals(0, v.exit(), v.out() + v.err());
        assertTrue(v.out().contains("0 differ from"), v.out());
        assertTrue(v.out().contains("saturation"), v.out());
        assertTrue(v.out().strip().endsWith("PASS"), v.out());

        Path csv = dir.resolve("b.csv");
        Path png = dir.resolve("b.png");
        Result b = run("bench", "noc", "--k", "2", "--traffic", "uniform", "--csv", csv.toString(), "--plot", png.toString(),
                "--loads", "0.05,0.5,1.5", "--warmup", "200", "--cycles", "1000", "--work", work);
        assertEquals(0, b.exit(), b.out() + b.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("offered_fraction,offered,accepted"), lines.get(0));
        assertTrue(Files.size(png) > 1000);
        assertTrue(b.out().contains("saturation"), b.out());
        assertTrue(b.out().contains("per hop 1.000 cycles"), b.out());
    }
}
