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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChipTest {
    @Test
    void minimalPresetEmitsLintCleanVerilogThatYosysReads() throws Exception {
        Path dir = Files.createTempDirectory("chip");
        var emitted = Verilog.emit(() -> new Chip(ChipConfig.preset("minimal")), "chip", dir);
        assertTrue(emitted.files().size() > 3);
        assertTrue(emitted.ports().stream().anyMatch(p -> p.name().equals("m_axi_arvalid")));
        var lint = QualityGates.lint(emitted.files(), "chip");
        assertTrue(lint.ok(), lint.output());
        StringBuilder script = new StringBuilder("read_verilog");
        emitted.files().forEach(f -> script.append(' ').append(f));
        script.append("; hierarchy -check -top chip");
        var read = QualityGates.run(List.of("yosys", "-q", "-p", script.toString()), 300);
        assertEquals(0, read.exitCode(), read.output());
    }

    /** Every preset but minimal (its own test lints it). */
    static Stream<String> otherPresets() {
        return ChipConfig.presets().keySet().stream().filter(p -> !p.equals("minimal"));
    }

    @ParameterizedTest
    @MethodSource("otherPresets")
    void everyPresetIsLintClean(String preset) throws Exception {
        Path dir = Files.createTempDirectory("chip-" + preset);
        var emitted = Verilog.emit(() -> new Chip(ChipConfig.preset(preset)), "chip", dir);
        var lint = QualityGates.lint(emitted.files(), "chip");
        assertTrue(lint.ok(), preset + ": " + lint.output());
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
    }
}
