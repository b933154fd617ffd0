package org.chiltepin.hw.noc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The emitted mesh: names, edge-router variants, and the verilator -Wall / yosys gates. */
class MeshTest {
    @TempDir
    Path dir;

    @Test
    void emitsNamedPortsAndEdgeRouterVariants() throws IOException {
        NocConfig cfg = new NocConfig(3, 2, 24, 4, 3, "xy");
        var emitted = Verilog.emit(() -> new Mesh(cfg), "noc_mesh", dir);
        List<String> names = emitted.ports().stream().map(Verilog.Port::name).toList();
        assertTrue(names.containsAll(List.of("s_axis_req_0_valid", "s_axis_req_0_ready", "s_axis_req_0_payload_dest_x",
                "s_axis_req_5_payload_data_2", "s_axis_req_5_payload_tag", "m_axis_resp_5_payload_src_y",
                "m_axis_resp_5_payload_length", "dropped_req_3", "dropped_resp_5", "clk", "reset")), names.toString());
        assertFalse(names.contains("s_axis_req_0_payload_src_x"), "the source is stamped by the interface");
        // 3×2: the two rows are the north and south edges; corners, edge middles, no interior router.
        for (String module : List.of("Router_es", "Router_esw", "Router_sw", "Router_ne", "Router_new", "Router_nw",
                "NetworkInterface")) {
            assertTrue(Files.exists(dir.resolve(module + ".v")), module + " in " + emitted.files());
        }
        assertFalse(Files.exists(dir.resolve("Router_nesw.v")));
        String corner = Files.readString(dir.resolve("Router_es.v"));
        assertTrue(corner.contains("in_e_valid") && corner.contains("out_s_credit") && corner.contains("fifo_l"), corner);
        assertFalse(corner.contains("in_w_valid") || corner.contains("in_n_valid"), corner);
        String top = Files.readString(dir.resolve("noc_mesh.v"));
        assertTrue(top.contains("req_router_4") && top.contains("resp_ni_5"), "instances named after fields");
        for (Path f : emitted.files()) {
            for (String line : Files.readAllLines(f)) {
                boolean decl = line.matches("\\s*(input|output|reg)\\b.*");
                assertFalse(decl && line.contains("_zz_"), f.getFileName() + ": " + line);
            }
        }
    }

    static Stream<Arguments> gated() {
        return Stream.of(
                Arguments.of("tiny", NocConfig.preset("tiny")),
                Arguments.of("default", NocConfig.preset("default")),
                Arguments.of("1x1", new NocConfig(1, 1, 16, 2, 2, "xy")),
                Arguments.of("1x5", new NocConfig(1, 5, 16, 2, 1, "xy")),
                Arguments.of("3x2 yx", new NocConfig(3, 2, 24, 8, 3, "yx")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gated")
    void lintCleanAndSynthesizes(String name, NocConfig cfg) throws IOException {
        var emitted = Verilog.emit(() -> new Mesh(cfg), "noc_mesh", dir);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "noc_mesh");
        assertTrue(lint.ok(), "verilator -Wall on " + name + ":\n" + lint.output());
        if (cfg.nodes() <= 4) {
            QualityGates.ToolRun synth = QualityGates.synthesize(emitted.files(), "noc_mesh");
            assertTrue(synth.ok(), "yosys on " + name + ":\n" + synth.output());
            assertTrue(synth.output().contains("=== design hierarchy ==="), synth.output());
        }
    }

    @Test
    void largePresetLintsClean() throws IOException {
        var emitted = Verilog.emit(() -> new Mesh(NocConfig.preset("large")), "noc_mesh", dir);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "noc_mesh");
        assertTrue(lint.ok(), lint.output());
        // 9 router variants (4 corners, 4 edges, interior) and one interface module, shared by both networks.
        assertEquals(9 + 1 + 1, emitted.files().size(), emitted.files().toString());
    }
}
