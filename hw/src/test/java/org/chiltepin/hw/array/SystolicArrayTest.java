package org.chiltepin.hw.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SystolicArrayTest {
    @TempDir
    Path dir;

    @Test
    void emitsNamedPortsAndOneFilePerModule() throws IOException {
        ArrayConfig cfg = new ArrayConfig(3, 5, 8, 32);
        var emitted = Verilog.emit(() -> new SystolicArray(cfg), "systolic_array", dir);
        List<String> names = emitted.ports().stream().map(Verilog.Port::name).toList();
        assertTrue(names.containsAll(List.of("s_axis_valid", "s_axis_ready", "s_axis_payload_a_0", "s_axis_payload_a_2",
                "s_axis_payload_b_4", "s_axis_payload_last", "m_axis_valid", "m_axis_ready", "m_axis_payload_c_4",
                "m_axis_payload_last", "clk", "reset")), names.toString());
        assertEquals(3 + 5 + 1 + 2 + 5 + 1 + 2 + 2, names.size(), names.toString());
        String top = Files.readString(dir.resolve("systolic_array.v"));
        assertTrue(top.contains("ProcessingElement pe_0_0 ("), top);
        assertTrue(top.contains("ProcessingElement_e_s pe_2_4 ("), top);
        assertTrue(top.contains("skew_a_2_1"), top);
        assertTrue(top.contains("skew_b_4_3"), top);
        assertTrue(top.contains("holdoff"), top);
        for (String module : List.of("ProcessingElement", "ProcessingElement_e", "ProcessingElement_s", "ProcessingElement_e_s")) {
            assertTrue(Files.exists(dir.resolve(module + ".v")), module);
        }
        for (Path f : emitted.files()) {
            String v = Files.readString(f);
            assertFalse(v.matches("(?s).*\\n\\s*(input|output|reg)\\b[^;\\n]*\\b_zz_.*"), f + ":\n" + v);
        }
    }

    static List<String> presets() {
        return List.copyOf(ArrayConfig.presets().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void everyPresetIsLintCleanAndSynthesizes(String preset) throws IOException {
        var emitted = Verilog.emit(() -> new SystolicArray(ArrayConfig.preset(preset)), "systolic_array", dir);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "systolic_array");
        assertTrue(lint.ok(), "verilator -Wall on preset " + preset + ":\n" + lint.output());
        QualityGates.ToolRun synth = QualityGates.synthesize(emitted.files(), "systolic_array");
        assertTrue(synth.ok(), "yosys on preset " + preset + ":\n" + synth.output());
        assertTrue(synth.output().contains("=== design hierarchy ==="), synth.output());
        for (Path f : emitted.files()) {
            for (String line : Files.readAllLines(f)) {
                boolean decl = line.matches("\\s*(input|output|reg)\\b.*");
                assertFalse(decl && line.contains("_zz_"), f.getFileName() + ": " + line);
            }
        }
    }

    @Test
    void lintGateFailsOnAWarning() throws IOException {
        Path bad = dir.resolve("bad.v");
        Files.writeString(bad, "module bad(input wire a, input wire b, output wire y);\n  assign y = a;\nendmodule\n");
        QualityGates.ToolRun lint = QualityGates.lint(List.of(bad), "bad");
        assertFalse(lint.ok(), "an unused input must fail the lint gate");
        assertTrue(lint.output().contains("UNUSEDSIGNAL"), lint.output());
    }
}
