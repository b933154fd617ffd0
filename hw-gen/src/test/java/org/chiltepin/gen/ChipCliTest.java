package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chiltepin.gen.ChiltepinTest.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate chip} and the chip's configuration errors. */
class ChipCliTest {
    @TempDir
    Path dir;

    @Test
    void generateChipWritesTilePlacementAndAddressMap() throws IOException {
        Path out = dir.resolve("chip");
        Result r = ChiltepinTest.run("generate", "chip", "--preset", "minimal", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("chip", m.get("top").asText());
        JsonNode tiles = m.get("timing").get("tiles");
        assertEquals(4, tiles.size());
        assertEquals("memory", tiles.get(1).get("kind").asText());
        assertEquals(4096, m.get("timing").get("addressMap").get("memWords").asInt());
        assertTrue(Files.exists(out.resolve("chip.v")));
        assertTrue(m.get("timing").get("addressMap").get("kvLoad") == null, "no KV tile on minimal");
    }

    @Test
    void generateChipWithKvTilePlacesItAndMapsKvLoads() throws IOException {
        Path out = dir.resolve("chip-kv");
        Result r = ChiltepinTest.run("generate", "chip", "--preset", "minimal-kv", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode t = new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).get("timing");
        assertEquals("kv", t.get("tiles").get(3).get("kind").asText());
        assertTrue(t.get("addressMap").get("kvLoad").asText().contains("bit 31"));
        assertTrue(Files.exists(out.resolve("KvTile.v")));
    }

    @Test
    void aBadTileListIsAOneLineErrorAndWritesNothing() throws IOException {
        Path cfg = dir.resolve("vector.json");
        Files.writeString(cfg, "{\"preset\": \"minimal\", \"tiles\": [\"control\", \"memory\", \"vector\", \"vector\"]}");
        Path out = dir.resolve("never");
        Result r = ChiltepinTest.run("generate", "chip", "--config", cfg.toString(), "--out", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("tiles: must hold 1..4 gemm tile(s), got 0"), r.err());
        assertFalse(Files.exists(out));
        Files.writeString(cfg, "{\"preset\": \"minimal\", \"gemm\": \"large\"}");
        Result big = ChiltepinTest.run("generate", "chip", "--config", cfg.toString(), "--out", out.toString());
        assertEquals(2, big.exit(), big.out() + big.err());
        assertTrue(big.err().contains("gemm: must be output-stationary with rows, cols <= 8"), big.err());
    }
}
