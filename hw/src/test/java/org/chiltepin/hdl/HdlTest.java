package org.chiltepin.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;
import spinal.core.Component;

class HdlTest {

    @TempDir
    Path dir;

    @Test
    void portsAndRegistersAreNamedAfterJavaFieldsInSnakeCase() throws IOException {
        var emitted = Verilog.emit(Toys.Accumulator::new, "Accumulator", dir);
        String v = Files.readString(dir.resolve("Accumulator.v"));
        assertTrue(v.contains("input  wire [7:0]    in_value"), v);
        assertTrue(v.contains("input  wire          in_valid"), v);
        assertTrue(v.contains("output wire [15:0]   sum"), v);
        assertTrue(v.contains("reg        [15:0]   total;"), v);
        assertFalse(v.matches("(?s).*\\b(input|output|reg)\\b[^;]*_zz_.*"), v);
        List<String> ports = emitted.ports().stream().map(p -> p.direction() + " " + p.name() + " " + p.width())
                .collect(Collectors.toList());
        assertEquals(List.of("input clk 1", "input in_valid 1", "input in_value 8", "input reset 1", "output sum 16"),
                ports.stream().sorted().toList());
    }

    @Test
    void subBlocksFormTheHierarchyAndLoopRegistersKeepExplicitNames() throws IOException {
        var emitted = Verilog.emit(Toys.Pair::new, "Pair", dir);
        Pair top = new Pair(emitted.top());
        List<Component> children = CollectionConverters.asJava(top.block().children());
        assertEquals(2, children.size());
        assertSame(top.block(), children.get(0).parent());
        assertEquals(List.of("left", "right"), children.stream().map(Component::getName).toList());
        String v = Files.readString(dir.resolve("Pair.v"));
        assertTrue(v.contains("Accumulator left ("), v);
        assertTrue(v.contains("Accumulator right ("), v);
        for (int i = 0; i < 3; i++) {
            assertTrue(v.contains("reg        [3:0]    delay_" + i + ";"), v);
        }
        // identical sub-blocks share one module, written to its own file
        assertTrue(Files.exists(dir.resolve("Accumulator.v")));
        assertEquals(2, emitted.files().size());
    }

    private record Pair(Toys.Pair block) {
    }

    @Test
    void aPrefixGoesInFrontOfEveryModuleNameTheTopsIncluded() throws IOException {
        var emitted = Verilog.emit(Toys.Pair::new, "Pair", dir, "cfg1_");
        assertEquals("cfg1_Pair", emitted.topName());
        assertEquals(List.of("cfg1_Accumulator.v", "cfg1_Pair.v"),
                emitted.files().stream().map(f -> f.getFileName().toString()).sorted().toList());
        String v = Files.readString(dir.resolve("cfg1_Pair.v"));
        assertTrue(v.contains("module cfg1_Pair ("), v);
        assertTrue(v.contains("cfg1_Accumulator left ("), v);
        assertTrue(Files.readString(dir.resolve("cfg1_Accumulator.v")).contains("module cfg1_Accumulator ("));
        // No prefix: the names as before.
        assertEquals("Pair", Verilog.emit(Toys.Pair::new, "Pair", dir.resolve("plain")).topName());
    }

    @Test
    void topNameIsChosenByTheCaller() {
        var emitted = Verilog.emit(Toys.Accumulator::new, "my_top", dir);
        assertEquals("my_top", emitted.topName());
        assertTrue(Files.exists(dir.resolve("my_top.v")));
    }

    @Test
    void widthMismatchNamesTheJavaFileAndLine() throws IOException {
        HdlException e = assertThrows(HdlException.class, () -> Verilog.emit(Toys.WidthMismatch::new, "w", dir));
        assertTrue(e.getMessage().contains("WIDTH MISMATCH"), e.getMessage());
        assertTrue(e.getMessage().contains("Toys.java:" + lineOf("MARK:width-mismatch")), e.getMessage());
        assertFalse(e.getMessage().contains("org.chiltepin.hdl.Hdl."), "facade frames are removed: " + e.getMessage());
        assertFalse(Files.exists(dir.resolve("w.v")), "nothing is written on error");
    }

    @Test
    void latchNamesTheJavaFileAndLine() throws IOException {
        HdlException e = assertThrows(HdlException.class, () -> Verilog.emit(Toys.Latch::new, "l", dir));
        assertTrue(e.getMessage().contains("LATCH DETECTED"), e.getMessage());
        assertTrue(e.getMessage().contains("Toys.java:"), e.getMessage());
    }

    @Test
    void registerWithoutNameIsRejectedWithItsLine() {
        HdlException e = assertThrows(HdlException.class, () -> Verilog.elaborate(Toys.UnnamedRegister::new));
        assertTrue(e.getMessage().contains("has no name"), e.getMessage());
        assertTrue(e.getMessage().contains("Toys.java:"), e.getMessage());
    }

    @Test
    void snakeCaseConversion() {
        assertEquals("s_axis", Naming.snake("sAxis"));
        assertEquals("acc_width", Naming.snake("accWidth"));
        assertEquals("pe", Naming.snake("pe"));
        assertEquals("out_a", Naming.snake("out_a"));
        assertEquals("m_axis_payload", Naming.snake("mAxisPayload"));
        assertEquals("pe_axi_len", Naming.snake("peAXILen"));
    }

    @Test
    void simulationRunsTheVerilatedModelCycleByCycle() {
        Simulation<Toys.Accumulator> sim = Simulation.compile(Toys.Accumulator::new, dir.resolve("sim"),
                Simulation.Options.DEFAULT);
        sim.run("accumulate", 1, c -> {
            var dut = c.dut();
            assertEquals(0, c.get(dut.sum));
            c.set(dut.inValid, true);
            c.set(dut.inValue, -128);
            c.tick();
            assertEquals(0, c.get(dut.sum), "reads after tick() show what that edge sampled");
            c.set(dut.inValue, 127);
            c.tick();
            assertEquals(-128, c.get(dut.sum), "the previous edge's update");
            c.set(dut.inValid, false);
            c.tick();
            assertEquals(-1, c.get(dut.sum));
            c.tick(3);
            assertEquals(-1, c.get(dut.sum));
            assertEquals(6, c.count());
        });
    }

    @Test
    void memoryIsNamedLintCleanAndReadsOneCycleLater() throws IOException {
        var emitted = Verilog.emit(Toys.Ram::new, "Ram", dir);
        String v = Files.readString(dir.resolve("Ram.v"));
        assertTrue(v.contains("store [0:15]"), v);
        assertTrue(v.contains("reg        [7:0]    store_spinal_port1;"), v);
        assertTrue(v.contains("assign read_word = store_spinal_port1;"), v);
        var lint = org.chiltepin.hw.QualityGates.lint(emitted.files(), "Ram");
        assertTrue(lint.ok(), lint.output());
        Simulation<Toys.Ram> sim = Simulation.compile(Toys.Ram::new, dir.resolve("ramsim"), Simulation.Options.DEFAULT);
        sim.run("ram", 1, c -> {
            var d = c.dut();
            for (int i = 0; i < 16; i++) {
                c.set(d.writeAddress, i);
                c.set(d.writeData, 100 - 13 * i);
                c.set(d.writeEnable, true);
                c.tick();
            }
            c.set(d.writeEnable, false);
            c.set(d.readEnable, true);
            c.set(d.readAddress, 5);
            c.tick();
            c.set(d.readEnable, false);
            c.tick();
            assertTrue(c.get(d.readValid));
            assertEquals(100 - 13 * 5, c.get(d.readData), "word 5 one cycle after the read");
            c.set(d.readAddress, 9);
            c.tick(2);
            assertEquals(100 - 13 * 5, c.get(d.readData), "holds while not enabled");
        });
    }

    static int lineOf(String marker) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/org/chiltepin/hdl/Toys.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                return i + 1;
            }
        }
        throw new IllegalStateException("marker not found: " + marker);
    }
}
