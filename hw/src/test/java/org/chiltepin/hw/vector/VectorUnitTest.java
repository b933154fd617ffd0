package org.chiltepin.hw.vector;

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
import org.junit.jupiter.params.provider.ValueSource;

/** The vector unit's configuration, names and quality gates (behaviour: VectorUnitCosimTest in verif). */
class VectorUnitTest {
    @TempDir
    Path dir;

    @Test
    void configRejectsIllegalValuesWithOneLineMessages() {
        ConfigException e = assertThrows(ConfigException.class, () -> new VectorConfig(6, 256));
        assertEquals("lanes: must be a power of two, got 6", e.getMessage());
        e = assertThrows(ConfigException.class, () -> new VectorConfig(1, 256));
        assertEquals("lanes", e.field());
        e = assertThrows(ConfigException.class, () -> new VectorConfig(8, 4));
        assertEquals("words", e.field());
        e = assertThrows(ConfigException.class, () -> new VectorConfig(8, 1000));
        assertEquals("words: must be a power of two, got 1000", e.getMessage());
        e = assertThrows(ConfigException.class, () -> VectorConfig.preset("huge"));
        assertEquals("preset", e.field());
        assertEquals(4, VectorConfig.preset("tiny").lanes());
        assertEquals(8, VectorConfig.preset("default").lanes());
        assertEquals(16, VectorConfig.preset("large").lanes());
        assertEquals(128, VectorConfig.preset("default").rows());
    }

    @Test
    void tablesHoldEachEntryBesideTheNext() {
        long[] exp = VectorTables.expRom();
        assertEquals(32768, exp[0] & 0x1FFFF);
        assertEquals(65536, exp[255] >> 17);
        long[] sig = VectorTables.sigmoidRom();
        assertEquals(32768, sig[0] & 0x1FFFF);
        assertEquals(Math.round(65536 / (1 + Math.exp(-16))), sig[511] >> 17);
    }

    @Test
    void quantMantissaByMultiplyIsTheCeilingOfEveryQuotient() {
        for (long m1 = 0; m1 <= VectorScalars.M1_MAX; m1++) {
            long viaMultiply = (m1 + 126) * VectorScalars.MAGIC_127 >> 24;
            assertEquals((m1 + 126) / 127, viaMultiply, "m1 = " + m1);
        }
        long[] recip = VectorTables.quantRecipRom();
        assertEquals(0, recip[0]);
        assertEquals(1L << 22, recip[1]);
        assertEquals(16448, recip[255]); // ⌊(2^22 + 127)/255⌋
        assertTrue(recip[1] < 1L << (VectorTables.QUANT_RECIP_BITS + 1), "fits the ROM word");
    }

    @Test
    void emitsNamedPortsAndRegisters() throws IOException {
        var emitted = Verilog.emit(() -> new VectorUnit(VectorConfig.preset("tiny")), "vector_unit", dir);
        List<String> names = emitted.ports().stream().map(Verilog.Port::name).toList();
        assertTrue(names.containsAll(List.of("s_axis_cmd_valid", "s_axis_cmd_ready", "s_axis_cmd_payload",
                "s_axis_data_payload_d_0", "s_axis_data_payload_d_3", "m_axis_data_payload_last",
                "m_axis_rsp_payload_status", "m_axis_rsp_payload_value", "m_axis_rsp_payload_index", "clk", "reset")),
                names.toString());
        String top = Files.readString(dir.resolve("vector_unit.v"));
        for (String reg : List.of("bank_0", "read_a_3", "stage_valid_7", "issued", "retired", "rsp_status",
                "quant_pass2", "exponent", "radicand", "scale_word")) {
            assertTrue(top.contains(reg), reg);
        }
        for (Path f : emitted.files()) {
            String v = Files.readString(f);
            assertFalse(v.matches("(?s).*\\n\\s*(input|output|reg)\\b[^;\\n]*\\b_zz_.*"), "no unnamed ports or registers in " + f);
            assertFalse(v.matches("(?s).*when_\\w+_l\\d+.*"), "decisions are named, not Java lines, in " + f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "default", "large"})
    void everyPresetIsLintClean(String preset) {
        var emitted = Verilog.emit(() -> new VectorUnit(VectorConfig.preset(preset)), "vector_unit", dir);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "vector_unit");
        assertTrue(lint.ok(), "verilator -Wall on preset " + preset + ":\n" + lint.output());
    }

    @Test
    void tinyPresetSynthesizesWithYosys() {
        synthesizes("tiny");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default", "large"})
    void largerPresetsSynthesizeWithYosys(String preset) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("chiltepin.full"),
                "yosys on the default and large presets runs with -Dchiltepin.full=true");
        synthesizes(preset);
    }

    private void synthesizes(String preset) {
        var emitted = Verilog.emit(() -> new VectorUnit(VectorConfig.preset(preset)), "vector_unit", dir);
        QualityGates.ToolRun synth = QualityGates.synthesize(emitted.files(), "vector_unit");
        assertTrue(synth.ok(), "yosys on preset " + preset + ":\n" + synth.output());
        assertTrue(synth.output().contains("=== vector_unit ===") || synth.output().contains("=== design hierarchy ==="),
                synth.output());
    }
}
