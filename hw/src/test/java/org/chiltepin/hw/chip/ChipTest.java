package org.chiltepin.hw.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.QualityGates;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChipTest {
    static Stream<String> presets() {
        return ChipConfig.presets().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void everyPresetIsLintCleanAndYosysReadsIt(String preset) throws Exception {
        Path dir = Files.createTempDirectory("chip-" + preset);
        var emitted = Verilog.emit(() -> new Chip(ChipConfig.preset(preset)), "chip", dir);
        assertTrue(emitted.files().size() > 3);
        assertTrue(emitted.ports().stream().anyMatch(p -> p.name().equals("m_axi_arvalid")));
        var lint = QualityGates.lint(emitted.files(), "chip");
        assertTrue(lint.ok(), preset + ": " + lint.output());
        StringBuilder script = new StringBuilder("read_verilog");
        emitted.files().forEach(f -> script.append(' ').append(f));
        script.append("; hierarchy -check -top chip");
        var read = QualityGates.run(List.of("yosys", "-q", "-p", script.toString()), 300);
        assertEquals(0, read.exitCode(), preset + ": " + read.output());
    }

    /**
     * Behind {@code -Dchiltepin.synth=true} (minutes per preset): a generic yosys synthesis of every
     * preset ({@link QualityGates#resourceScript}) with its LUT, flip-flop and memory counts.
     */
    @ParameterizedTest
    @MethodSource("presets")
    @EnabledIfSystemProperty(named = "chiltepin.synth", matches = "true")
    void everyPresetSynthesizes(String preset) throws Exception {
        Path dir = Files.createTempDirectory("chip-synth-" + preset);
        var emitted = Verilog.emit(() -> new Chip(ChipConfig.preset(preset)), "chip", dir);
        var r = QualityGates.resources(emitted.files(), "chip", 7200);
        assertTrue(r.ok(), preset + ": " + r.run().output());
        System.out.printf("chip %s: %d LUT4, %d FF, %d memories, %d cells; yosys %.0f s%n", preset, r.luts(), r.ffs(),
                r.memories(), r.cells(), r.seconds());
        assertTrue(r.luts() > 0 && r.ffs() > 0 && r.memories() > 0, preset + ": " + r);
    }

    @Test
    void configRejectsBadTilesInOneLine() {
        List<ChipConfig.TileKind> noMemory = new ArrayList<>(ChipConfig.layout(4, 2));
        noMemory.set(1, ChipConfig.TileKind.GEMM);
        var e = assertThrows(ConfigException.class,
                () -> new ChipConfig(2, 2, noMemory, 4, GemmConfig.preset("tiny"), 4096, 4));
        assertEquals("tiles: must hold exactly 1 memory tile(s), got 0", e.getMessage());
        var big = assertThrows(ConfigException.class,
                () -> new ChipConfig(2, 2, ChipConfig.layout(4, 2), 4, GemmConfig.preset("large"), 4096, 4));
        assertEquals("gemm", big.field());
        var mem = assertThrows(ConfigException.class,
                () -> new ChipConfig(2, 2, ChipConfig.layout(4, 2), 4, GemmConfig.preset("tiny"), 1000, 4));
        assertEquals("memWords: must be a power of two in [16, 2^29], got 1000", mem.getMessage());
        assertEquals(4, ChipConfig.preset("default").gemmNodes().size());
        assertEquals(8, ChipConfig.preset("large").gemmNodes().size());
        var noKv = assertThrows(ConfigException.class, () -> new ChipConfig(2, 2, ChipConfig.withKv(ChipConfig.layout(4, 1)), 4,
                GemmConfig.preset("tiny"), null, 4096, 4));
        assertEquals("kv: must be a KV cache configuration when a kv tile is placed, got null", noKv.getMessage());
        var wideRows = assertThrows(ConfigException.class, () -> new ChipConfig(2, 2, ChipConfig.withKv(ChipConfig.layout(4, 1)),
                4, GemmConfig.preset("tiny"), KvCacheConfig.preset("large"), 4096, 4));
        assertEquals("kv", wideRows.field());
        var twoVectors = assertThrows(ConfigException.class, () -> new ChipConfig(5, 1, List.of(ChipConfig.TileKind.CONTROL,
                ChipConfig.TileKind.MEMORY, ChipConfig.TileKind.GEMM, ChipConfig.TileKind.VECTOR, ChipConfig.TileKind.VECTOR), 4,
                GemmConfig.preset("tiny"), 4096, 4));
        assertEquals("tiles: must hold 0..1 vector tile(s), got 2", twoVectors.getMessage());
        var noVector = assertThrows(ConfigException.class, () -> new ChipConfig(2, 2, ChipConfig.withVector(ChipConfig.layout(4, 1)),
                4, GemmConfig.preset("tiny"), null, null, 4096, 4));
        assertEquals("vector: must be a vector unit configuration when a vector tile is placed, got null", noVector.getMessage());
        assertEquals(3, ChipConfig.preset("minimal-vec").node(ChipConfig.TileKind.VECTOR));
        assertEquals(7, ChipConfig.preset("default").node(ChipConfig.TileKind.VECTOR));
        assertTrue(ChipConfig.preset("default").commandNodes().contains(7));
    }
}
