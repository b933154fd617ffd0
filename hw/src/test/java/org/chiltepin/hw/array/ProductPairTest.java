package org.chiltepin.hw.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProductPairTest {
    @TempDir
    Path dir;

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void productPairIsTwoBehaviouralMultipliersAndLintClean() throws IOException {
        var emitted = Verilog.emit(() -> new ProductPair(8), "ProductPair", dir);
        assertEquals(List.of(new Verilog.Port("a_0", "input", 8), new Verilog.Port("b_0", "input", 8),
                new Verilog.Port("a_1", "input", 8), new Verilog.Port("b_1", "input", 8),
                new Verilog.Port("p_0", "output", 16), new Verilog.Port("p_1", "output", 16)), emitted.ports());
        String v = Files.readString(dir.resolve("ProductPair.v"));
        assertTrue(v.contains("$signed(a_0) * $signed(b_0)"), v);
        assertTrue(v.contains("$signed(a_1) * $signed(b_1)"), v);
        assertFalse(v.contains("always"), "purely combinational:\n" + v);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "ProductPair");
        assertTrue(lint.ok(), lint.output());
        RuntimeException tooWide = assertThrows(RuntimeException.class, () -> Verilog.elaborate(() -> new ProductPair(9)));
        assertTrue(tooWide.getMessage().contains("at most 8 bits"), tooWide.getMessage());
    }

    @Test
    void anEightByEightInt8ArrayPairsEveryRow() throws IOException {
        ArrayConfig cfg = ArrayConfig.preset("default");
        assertTrue(cfg.pairedProducts());
        assertEquals(32, cfg.productPairs());
        var emitted = Verilog.emit(() -> new SystolicArray(cfg), "systolic_array", dir);
        String top = Files.readString(dir.resolve("systolic_array.v"));
        assertEquals(32, count(top, "\\bProductPair pair_\\d+_\\d+ \\("), top);
        assertTrue(top.contains("ProductPair pair_7_3 ("), top);
        assertEquals(64, count(top, "\\bProcessingElement(_e)?(_s)? pe_\\d+_\\d+ \\("), top);
        // The pair's operands are the ones the two PEs see: PE(i, 2j+1)'s A comes from PE(i, 2j).
        String pair21 = top.substring(top.indexOf("ProductPair pair_2_1 ("), top.indexOf("ProductPair pair_2_2 ("));
        for (String wire : List.of("a_0 (pe_2_1_out_a[7:0]", "b_0 (pe_1_2_out_b[7:0]", "a_1 (pe_2_2_out_a[7:0]",
                "b_1 (pe_1_3_out_b[7:0]")) {
            assertTrue(pair21.contains(wire), wire + " in\n" + pair21);
        }
        assertTrue(top.matches("(?s).*pe_2_3 \\([^;]*\\.in_product \\(pair_2_1_p_1\\[15:0\\].*"), "pe_2_3 takes p_1 of pair_2_1");

        SystolicArray array = emitted.top();
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                ProcessingElement p = array.pe[i][j];
                assertNotNull(p.inProduct, "pe " + i + "," + j);
                assertEquals(j < 7, p.inA != null, "in_a only where forwarded, pe " + i + "," + j);
                assertEquals(i < 7, p.inB != null, "in_b only where forwarded, pe " + i + "," + j);
            }
        }
        for (String module : List.of("ProcessingElement", "ProcessingElement_e", "ProcessingElement_s", "ProcessingElement_e_s")) {
            String pe = Files.readString(dir.resolve(module + ".v"));
            assertTrue(pe.matches("(?s).*input\\s+wire\\s+\\[15:0\\]\\s+in_product\\b.*"), module + ":\n" + pe);
            assertFalse(pe.contains("*"), "no multiplier left in " + module + ":\n" + pe);
        }
        assertTrue(Files.readString(dir.resolve("ProcessingElement_e_s.v")).matches("(?s)(?!.*\\bin_a\\b)(?!.*\\bin_b\\b).*"),
                "the corner PE neither forwards nor multiplies: no in_a, no in_b");
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "systolic_array");
        assertTrue(lint.ok(), "verilator -Wall:\n" + lint.output());
    }

    @Test
    void oneColumnOddColumnsAndWideInputsKeepTheMultiplierInThePe() throws IOException {
        for (ArrayConfig cfg : List.of(new ArrayConfig(1, 1, 8, 32), new ArrayConfig(4, 1, 8, 32),
                new ArrayConfig(2, 3, 8, 32), new ArrayConfig(2, 2, 12, 32))) {
            assertFalse(cfg.pairedProducts(), cfg.toString());
            assertEquals(0, cfg.productPairs(), cfg.toString());
            Path d = dir.resolve(cfg.rows() + "x" + cfg.cols() + "w" + cfg.inputWidth());
            var emitted = Verilog.emit(() -> new SystolicArray(cfg), "systolic_array", d);
            assertFalse(Files.exists(d.resolve("ProductPair.v")), cfg.toString());
            assertFalse(Files.readString(d.resolve("systolic_array.v")).contains("ProductPair"), cfg.toString());
            assertNull(emitted.top().pair, cfg.toString());
            String pe = Files.readString(d.resolve(cfg.rows() == 1 && cfg.cols() == 1 ? "ProcessingElement_e_s.v" : "ProcessingElement_e.v"));
            assertTrue(pe.contains("$signed(in_a) * $signed(in_b)"), pe);
            assertFalse(pe.contains("in_product"), pe);
        }
    }
}
