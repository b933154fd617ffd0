package org.chiltepin.hw.array;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hdl.Verilog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
