package org.chiltepin.hw.fpga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.QualityGates;
import org.chiltepin.hw.array.ProductPair;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SB_MAC16 mapping of ProductPair against the behavioural ProductPair.v the Java emits,
 * in Icarus Verilog with yosys' SB_MAC16 simulation model (which yosys checks against Lattice's
 * own model): every (a_0, b_0) with (a_1, b_1) varied alongside, then every (a_1, b_1).
 * The same bench run on deliberately broken mappings must report mismatches.
 */
class Ice40ProductPairTest {
    private static final Path CELLS_SIM = Path.of("/usr/share/yosys/ice40/cells_sim.v");
    /** Vectors per run: two sweeps of all 65536 (a_0, b_0) and one of all 65536 (a_1, b_1). */
    private static final int VECTORS = 3 * 65536;

    @TempDir
    Path dir;

    record Run(int exit, String output, int checked, int mismatches) {
    }

    @Test
    void sbMac16PairMatchesTheBehaviouralProductsExhaustively() throws IOException {
        Run r = simulate(8, Ice40ProductPair.parameters(), "int8");
        assertEquals(0, r.exit(), r.output());
        assertEquals(VECTORS, r.checked(), r.output());
        assertEquals(0, r.mismatches(), r.output());
        // The corners the bench names explicitly were among the vectors, and right.
        for (String corner : List.of("-128*-128=16384", "-128*127=-16256", "127*127=16129", "127*-128=-16256")) {
            assertTrue(r.output().contains("corner " + corner + " ok"), corner + ":\n" + r.output());
        }
    }

    @Test
    void narrowOperandsAreSignExtendedIntoTheBytes() throws IOException {
        Run r = simulate(5, Ice40ProductPair.parameters(), "int5");
        assertEquals(0, r.exit(), r.output());
        assertEquals(3 * 1024, r.checked(), r.output());
        assertEquals(0, r.mismatches(), r.output());
    }

    /** The bench must catch a wrong mapping: unsigned A, or the top output taken from the 16×16 path. */
    @Test
    void brokenMappingsFailTheBench() throws IOException {
        for (var broken : List.of(Map.entry("A_SIGNED", "1'b0"), Map.entry("B_SIGNED", "1'b0"),
                Map.entry("MODE_8x8", "1'b0"), Map.entry("TOPOUTPUT_SELECT", "2'b11"),
                Map.entry("BOTOUTPUT_SELECT", "2'b00"), Map.entry("BOT_8x8_MULT_REG", "1'b1"))) {
            var params = Ice40ProductPair.parameters();
            params.put(broken.getKey(), broken.getValue());
            Run r = simulate(8, params, broken.getKey());
            assertEquals(0, r.exit(), r.output());
            assertEquals(VECTORS, r.checked(), r.output());
            assertTrue(r.mismatches() > 0, broken + " went unnoticed:\n" + r.output());
        }
    }

    /** The mapping's Verilog, emitted from the Java HDL like every other block. */
    private static String mapping(Path into, int w, Map<String, String> parameters) throws IOException {
        var e = Verilog.emit(() -> new Ice40ProductPair("ProductPair", w, parameters), "ProductPair", into);
        return Files.readString(e.files().get(0));
    }

    @Test
    void mappingHasTheEmittedModulesPortsAndNoRegisters() throws IOException {
        var emitted = Verilog.emit(() -> new ProductPair(8), "ProductPair", dir.resolve("rtl"));
        String v = mapping(dir.resolve("ice"), 8, Ice40ProductPair.parameters());
        for (Verilog.Port p : emitted.ports()) {
            String decl = p.direction() + "\\s+wire\\s+\\[" + (p.width() - 1) + ":0\\]\\s+" + p.name() + "\\b";
            assertTrue(Pattern.compile(decl).matcher(v).find(), decl + " in\n" + v);
        }
        assertTrue(v.contains("module ProductPair ("), v);
        assertEquals(1, v.split("SB_MAC16 #\\(", -1).length - 1, v);
        Matcher regs = Pattern.compile("\\.(\\w+_REG\\w*)\\s*\\((\\S+?)\\s*\\)").matcher(v);
        int n = 0;
        while (regs.find()) {
            assertEquals("1'b0", regs.group(2), regs.group(1));
            n++;
        }
        assertEquals(8, n, "C/A/B/D_REG, TOP/BOT_8x8_MULT_REG, PIPELINE_16x16_MULT_REG1/2 all written as 0:\n" + v);
    }

    /**
     * Compiles the bench with the behavioural module renamed {@code ProductPair_ref} and the
     * mapping under test as {@code ProductPair}, runs it, and reads its summary line.
     */
    private Run simulate(int w, Map<String, String> parameters, String tag) throws IOException {
        Assumptions.assumeTrue(onPath("iverilog") && onPath("vvp"),
                "iverilog/vvp not on PATH: the SB_MAC16 equivalence check needs Icarus Verilog (apt-get install iverilog)");
        Assumptions.assumeTrue(Files.exists(CELLS_SIM), "yosys' iCE40 simulation models not found at " + CELLS_SIM);
        Path d = dir.resolve(tag);
        var emitted = Verilog.emit(() -> new ProductPair(w), "ProductPair", d.resolve("rtl"));
        Path ref = d.resolve("ProductPair_ref.v");
        Files.writeString(ref, Files.readString(emitted.files().get(0)).replace("module ProductPair (", "module ProductPair_ref ("));
        assertTrue(Files.readString(ref).contains("module ProductPair_ref ("), "renaming the behavioural module failed");
        Path ice = d.resolve("ProductPair_ice40.v");
        Files.writeString(ice, mapping(d.resolve("ice"), w, parameters));
        Path tb = d.resolve("tb.v");
        Files.writeString(tb, bench(w));
        Path vvp = d.resolve("tb.vvp").toAbsolutePath();
        List<String> compile = new ArrayList<>(List.of("iverilog", "-g2012", "-o", vvp.toString(), "-s", "tb",
                // The models give unconnected SB_* inputs default values with port initializers,
                // which Icarus 11 rejects; the mapping ties every input anyway.
                "-DNO_ICE40_DEFAULT_ASSIGNMENTS", CELLS_SIM.toString(), ref.toString(), ice.toString(), tb.toString()));
        QualityGates.ToolRun c = QualityGates.run(compile, 300);
        assertEquals(0, c.exitCode(), "iverilog:\n" + c.output());
        QualityGates.ToolRun r = QualityGates.run(List.of("vvp", "-n", vvp.toString()), 600);
        Matcher m = Pattern.compile("SUMMARY checked (\\d+) mismatches (\\d+)").matcher(r.output());
        assertTrue(m.find(), "no summary from the bench:\n" + r.output());
        return new Run(r.exitCode(), r.output(), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * Sweep 1: every (a_0, b_0), with a_1 = ~a_0 + k and b_1 = b_0 ^ 8'h5A (k counts vectors).
     * Sweep 2: every (a_0, b_0) again, with a_1 = b_0 and b_1 = a_0 ^ 8'hA5 (each lane sees the
     * other's extremes). Sweep 3: every (a_1, b_1), with a_0 = a_1 + 3 and b_0 = ~b_1. Each vector
     * is compared with the behavioural module and with Verilog's own signed product, by {@code !==}
     * so X or Z fails too.
     */
    private static String bench(int w) {
        int pw = 2 * w;
        int n = 1 << w;
        return """
                `timescale 1ns/1ps
                module tb;
                  reg  signed [W-1:0] a0, b0, a1, b1;
                  wire signed [PW-1:0] p0, p1, r0, r1;
                  integer x, y, k, checked, mismatches;
                  ProductPair     dut (.a_0(a0), .b_0(b0), .a_1(a1), .b_1(b1), .p_0(p0), .p_1(p1));
                  ProductPair_ref behav (.a_0(a0), .b_0(b0), .a_1(a1), .b_1(b1), .p_0(r0), .p_1(r1));

                  task check;
                    reg signed [PW-1:0] e0, e1;
                    begin
                      #1;
                      e0 = a0 * b0;
                      e1 = a1 * b1;
                      checked = checked + 1;
                      if (p0 !== r0 || p1 !== r1 || p0 !== e0 || p1 !== e1) begin
                        mismatches = mismatches + 1;
                        if (mismatches <= 10)
                          $display("MISMATCH a_0=%0d b_0=%0d a_1=%0d b_1=%0d: sb_mac16 p_0=%0d p_1=%0d, behavioural %0d %0d, expected %0d %0d",
                                   a0, b0, a1, b1, p0, p1, r0, r1, e0, e1);
                      end
                    end
                  endtask

                  task corner(input signed [W-1:0] a, input signed [W-1:0] b);
                    begin
                      a0 = a; b0 = b; a1 = b; b1 = a;
                      check;
                      if (p0 === a * b && p1 === a * b && r0 === p0)
                        $display("corner %0d*%0d=%0d ok", a, b, p0);
                      else
                        $display("corner %0d*%0d: sb_mac16 %0d, behavioural %0d", a, b, p0, r0);
                    end
                  endtask

                  initial begin
                    checked = 0;
                    mismatches = 0;
                    k = 0;
                    for (x = 0; x < N; x = x + 1)
                      for (y = 0; y < N; y = y + 1) begin
                        a0 = x; b0 = y; a1 = ~a0 + k; b1 = b0 ^ 8'h5A; k = k + 1;
                        check;
                      end
                    for (x = 0; x < N; x = x + 1)
                      for (y = 0; y < N; y = y + 1) begin
                        a0 = x; b0 = y; a1 = b0; b1 = a0 ^ 8'hA5;
                        check;
                      end
                    for (x = 0; x < N; x = x + 1)
                      for (y = 0; y < N; y = y + 1) begin
                        a1 = x; b1 = y; a0 = a1 + 3; b0 = ~b1;
                        check;
                      end
                    $display("SUMMARY checked %0d mismatches %0d", checked, mismatches);
                    // The corners are re-checked (not counted) so their lines name the values.
                    corner(MIN, MIN);
                    corner(MIN, MAX);
                    corner(MAX, MAX);
                    corner(MAX, MIN);
                    $finish;
                  end
                endmodule
                """.replace("PW-1", String.valueOf(pw - 1)).replace("W-1", String.valueOf(w - 1))
                .replace("< N;", "< " + n + ";")
                .replace("(MIN", "(-" + (n / 2)).replace("MIN)", "-" + (n / 2) + ")")
                .replace("MAX", String.valueOf(n / 2 - 1));
    }

    private static boolean onPath(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, tool))) {
                return true;
            }
        }
        return false;
    }
}
