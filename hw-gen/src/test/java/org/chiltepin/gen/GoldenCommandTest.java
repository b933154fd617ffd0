package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vectors the cocotb testbenches read. */
class GoldenCommandTest {
    @TempDir
    Path dir;

    @Test
    void arrayVectorsHoldTheTilesOfVerifyAndTheirProducts() throws IOException {
        Path f = dir.resolve("v.json");
        var r = ChiltepinTest.run("golden", "array", "--preset", "tiny", "--seed", "5", "--cases", "12", "--out", f.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode v = new ObjectMapper().readTree(f.toFile());
        assertEquals(5, v.get("seed").asInt());
        assertEquals(2, v.get("config").get("rows").asInt());
        assertEquals(12, v.get("cases").size());
        assertEquals("all -128, K=1", v.get("cases").get(0).get("name").asText());
        for (JsonNode c : v.get("cases")) {
            int k = c.get("b").size();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    long sum = 0;
                    for (int x = 0; x < k; x++) {
                        sum += (long) c.get("a").get(i).get(x).asInt() * c.get("b").get(x).get(j).asInt();
                    }
                    assertEquals((int) sum, c.get("c").get(i).get(j).asLong(), "C[" + i + "][" + j + "] of " + c.get("name"));
                }
            }
        }
        var again = dir.resolve("w.json");
        ChiltepinTest.run("golden", "array", "--preset", "tiny", "--seed", "5", "--cases", "12", "--out", again.toString());
        assertEquals(Files.readString(f), Files.readString(again), "same seed, same vectors");
    }

    @Test
    void gemmVectorsHoldCommandsDataAndExpectedOutputs() throws IOException {
        Path f = dir.resolve("g.json");
        var r = ChiltepinTest.run("golden", "gemm", "--preset", "tiny", "--seed", "2", "--cases", "3", "--out", f.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode v = new ObjectMapper().readTree(f.toFile());
        assertTrue(v.get("commands").size() > 3 && v.get("data").size() > 0 && v.get("beats").size() > 0, v.toString());
        assertEquals(v.get("commands").size(), v.get("responses").size(), "one response per command");
        assertEquals(2, v.get("beats").get(0).get("lanes").size());
        assertEquals(2, ChiltepinTest.run("golden", "gemm", "--cases", "0", "--out", f.toString()).exit());
    }
}
