package org.chiltepin.hw.kvcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KvCacheControllerTest {
    @TempDir
    Path dir;

    @Test
    void configRejectsIllegalValuesWithOneLineMessages() {
        KvCacheConfig d = KvCacheConfig.preset("default");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new KvCacheConfig(12, 48, 8, 16, 2, 4, 2));
        assertEquals("pageTokens: must be a power of two, got 12", e.getMessage());
        e = assertThrows(ConfigException.class, () -> new KvCacheConfig(16, 1, 8, 16, 2, 4, 2));
        assertEquals("numPages", e.field());
        e = assertThrows(ConfigException.class, () -> new KvCacheConfig(16, 48, 65, 16, 2, 4, 2));
        assertEquals("maxSeqs", e.field());
        e = assertThrows(ConfigException.class, () -> new KvCacheConfig(16, 48, 8, 24, 2, 4, 2));
        assertEquals("maxPagesPerSeq", e.field());
        e = assertThrows(ConfigException.class, () -> new KvCacheConfig(16, 48, 8, 16, 64, 32, 2));
        assertEquals("headDim", e.field());
        e = assertThrows(ConfigException.class, () -> new KvCacheConfig(4, 48, 8, 16, 2, 4, 8));
        assertEquals("banks: must be in [1, 4], got 8", e.getMessage());
        e = assertThrows(ConfigException.class, () -> KvCacheConfig.preset("huge"));
        assertEquals("preset", e.field());
        assertEquals(64, d.rowBits());
        assertEquals(256, d.maxTokens());
        assertEquals(9, d.lengthBits());
    }

    @Test
    void emitsNamedPortsAndRegisters() throws IOException {
        KvCacheConfig cfg = KvCacheConfig.preset("default");
        var emitted = Verilog.emit(() -> new KvCacheController(cfg), "kv_cache", dir);
        List<String> names = emitted.ports().stream().map(Verilog.Port::name).toList();
        assertTrue(names.containsAll(List.of("s_axis_cmd_valid", "s_axis_cmd_ready", "s_axis_cmd_payload_op",
                "s_axis_cmd_payload_seq", "s_axis_cmd_payload_kv", "s_axis_cmd_payload_first",
                "s_axis_cmd_payload_count", "s_axis_cmd_payload_k_0", "s_axis_cmd_payload_v_7",
                "m_axis_rsp_valid", "m_axis_rsp_ready", "m_axis_rsp_payload_status", "m_axis_rsp_payload_seq",
                "m_axis_rsp_payload_length", "m_axis_rsp_payload_pages", "m_axis_rsp_payload_free_pages",
                "m_axis_rsp_payload_high_water", "m_axis_row_valid", "m_axis_row_ready", "m_axis_row_payload_data_0",
                "m_axis_row_payload_data_7", "m_axis_row_payload_last", "clk", "reset")), names.toString());
        String top = Files.readString(dir.resolve("kv_cache.v"));
        for (String reg : List.of("block_table", "free_stack", "ref_count", "k_mem_0", "v_mem_1", "k_rd_1", "bt_rd",
                "cur_page", "free_count", "high_water", "seq_valid_7", "row_valid")) {
            assertTrue(top.contains(reg), reg);
        }
        assertFalse(top.matches("(?s).*\\n\\s*(input|output|reg)\\b[^;\\n]*\\b_zz_.*"), "no unnamed ports or registers");
    }

    @Test
    void axiBackendHasStandardAxi4MasterPorts() {
        KvCacheConfig cfg = KvCacheConfig.preset("axi");
        var emitted = Verilog.emit(() -> new KvCacheController(cfg), "kv_cache", dir);
        var ports = emitted.ports();
        for (String[] p : new String[][] {{"m_axi_awvalid", "output", "1"}, {"m_axi_awready", "input", "1"},
                {"m_axi_awaddr", "output", "32"}, {"m_axi_awlen", "output", "8"}, {"m_axi_awsize", "output", "3"},
                {"m_axi_awburst", "output", "2"}, {"m_axi_wdata", "output", "128"}, {"m_axi_wstrb", "output", "16"},
                {"m_axi_wlast", "output", "1"}, {"m_axi_bresp", "input", "2"}, {"m_axi_bready", "output", "1"},
                {"m_axi_araddr", "output", "32"}, {"m_axi_arlen", "output", "8"}, {"m_axi_rdata", "input", "128"},
                {"m_axi_rlast", "input", "1"}, {"m_axi_rresp", "input", "2"}, {"m_axi_rready", "output", "1"},
                {"axi_error", "output", "1"}}) {
            assertTrue(ports.contains(new Verilog.Port(p[0], p[1], Integer.parseInt(p[2]))), p[0] + " in " + ports);
        }
        List<String> names = ports.stream().map(Verilog.Port::name).toList();
        assertFalse(names.stream().anyMatch(n -> n.startsWith("k_mem") || n.contains("bank")), names.toString());
        ConfigException e = assertThrows(ConfigException.class,
                () -> new KvCacheConfig(16, 48, 8, 16, 3, 4, 1, KvCacheConfig.AXI));
        assertEquals("headDim", e.field());
        e = assertThrows(ConfigException.class, () -> new KvCacheConfig(16, 48, 8, 16, 2, 4, 2, KvCacheConfig.AXI));
        assertEquals("banks: must be 1 with the axi backend, got 2", e.getMessage());
        e = assertThrows(ConfigException.class, () -> new KvCacheConfig(16, 48, 8, 16, 2, 4, 1, "ddr"));
        assertEquals("backend", e.field());
    }

    static List<String> presets() {
        return List.copyOf(KvCacheConfig.presets().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void everyPresetIsLintClean(String preset) {
        var emitted = Verilog.emit(() -> new KvCacheController(KvCacheConfig.preset(preset)), "kv_cache", dir);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "kv_cache");
        assertTrue(lint.ok(), "verilator -Wall on preset " + preset + ":\n" + lint.output());
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tiny", "tiny-axi"})
    void tinyPresetsSynthesizeWithYosys(String preset) {
        synthesizes(preset);
    }

    @Test
    void defaultPresetSynthesizesWithYosys() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("chiltepin.full"),
                "yosys on the default preset runs with -Dchiltepin.full=true");
        synthesizes("default");
    }

    private void synthesizes(String preset) {
        var emitted = Verilog.emit(() -> new KvCacheController(KvCacheConfig.preset(preset)), "kv_cache", dir);
        QualityGates.ToolRun synth = QualityGates.synthesize(emitted.files(), "kv_cache");
        assertTrue(synth.ok(), "yosys on preset " + preset + ":\n" + synth.output());
        assertTrue(synth.output().contains("=== design hierarchy ===") || synth.output().contains("=== kv_cache ==="),
                synth.output());
    }
}
