package org.chiltepin.hw.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hdl.VerilogNames;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GemmEngineTest {
    /** Distinct anonymous names allowed in gemm_engine.v (the flat engine had 419 in default; the units 68, large 100). */
    private static final int MAX_ANONYMOUS = 110;

    @TempDir
    Path dir;

    static List<String> presets() {
        return List.copyOf(GemmConfig.presets().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void everyPresetIsLintCleanSynthesizesAndHasNoAnonymousRegisters(String preset) throws IOException {
        var emitted = Verilog.emit(() -> new GemmEngine(GemmConfig.preset(preset)), "gemm_engine", dir);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "gemm_engine");
        assertTrue(lint.ok(), "verilator -Wall on preset " + preset + ":\n" + lint.output());
        // Generic synthesis of the larger engines (16 to 256 multipliers, a 32 × 16 one per
        // requantization lane) takes yosys minutes; the 2×2 presets of each dataflow prove that the
        // same generator's text synthesizes.
        if (GemmConfig.preset(preset).macsPerCycle() <= 4) {
            QualityGates.ToolRun synth = QualityGates.synthesize(emitted.files(), "gemm_engine");
            assertTrue(synth.ok(), "yosys on preset " + preset + ":\n" + synth.output());
        }
        String engine = Files.readString(dir.resolve("gemm_engine.v"));
        var anonymous = VerilogNames.distinct(engine, VerilogNames.ANONYMOUS);
        assertTrue(anonymous.size() <= MAX_ANONYMOUS, preset + ": " + anonymous.size() + " anonymous names");
        assertTrue(VerilogNames.distinct(engine, VerilogNames.LINE_NUMBER).isEmpty(), preset + ": a name from a Java line");
        for (Path f : emitted.files()) {
            for (String line : Files.readAllLines(f)) {
                boolean decl = line.matches("\\s*(input|output|reg)\\b.*");
                assertFalse(decl && line.contains("_zz_"), f.getFileName() + ": " + line);
            }
        }
    }

    @Test
    void portsFollowTheStreamNamingConvention() throws IOException {
        GemmConfig cfg = GemmConfig.preset("tiny");
        var emitted = Verilog.emit(() -> new GemmEngine(cfg), "gemm_engine", dir);
        List<String> names = emitted.ports().stream().map(Verilog.Port::name).toList();
        assertTrue(names.containsAll(List.of("s_axis_cmd_valid", "s_axis_cmd_ready", "s_axis_cmd_payload",
                "s_axis_data_valid", "s_axis_data_payload", "m_axis_data_valid", "m_axis_data_payload_c_0",
                "m_axis_data_payload_c_1", "m_axis_data_payload_last", "m_axis_resp_payload_tag",
                "m_axis_resp_payload_status", "m_axis_resp_payload_value")), names.toString());
        var cmd = emitted.ports().stream().filter(p -> p.name().equals("s_axis_cmd_payload")).findFirst().orElseThrow();
        assertEquals(128, cmd.width());
        var data = emitted.ports().stream().filter(p -> p.name().equals("s_axis_data_payload")).findFirst().orElseThrow();
        assertEquals(8 * cfg.dataBytes(), data.width());
        String v = Files.readString(dir.resolve("gemm_engine.v"));
        assertTrue(v.contains("count_mac_active"), "counters keep their names");
        assertTrue(v.contains("SystolicArray core ("), "the array core is instantiated as 'core'");
    }
}
