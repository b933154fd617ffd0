package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.fpga.BoardConfig;
import org.chiltepin.hw.fpga.IcePll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class FpgaBuildTest {
    @TempDir
    Path dir;

    @Test
    void dspBudgetNeverExceedsEightAndPrefersWideMultipliers() {
        List<FpgaBuildCommand.Mul> muls = List.of(new FpgaBuildCommand.Mul("pe0", 8, 8),
                new FpgaBuildCommand.Mul("pe1", 8, 8), new FpgaBuildCommand.Mul("rq0", 32, 16),
                new FpgaBuildCommand.Mul("rq1", 32, 16), new FpgaBuildCommand.Mul("d0", 16, 16),
                new FpgaBuildCommand.Mul("d1", 17, 17), new FpgaBuildCommand.Mul("tiny", 1, 8));
        var chosen = FpgaBuildCommand.budgetDsps(muls, 8);
        int used = chosen.stream().mapToInt(FpgaBuildCommand.Mul::dsps).sum();
        assertTrue(used <= 8, chosen.toString());
        assertTrue(chosen.stream().anyMatch(m -> m.name().equals("rq0")), chosen.toString());
        assertTrue(chosen.stream().anyMatch(m -> m.name().equals("d0")), chosen.toString());
        assertTrue(chosen.stream().noneMatch(m -> m.name().equals("tiny")), chosen.toString());
        assertEquals(4, new FpgaBuildCommand.Mul("x", 17, 17).dsps());
        assertEquals(0, FpgaBuildCommand.budgetDsps(muls, 0).size());
    }

    @Test
    void parsesYosysDumpAndStat() {
        String dump = """
                  cell $mul $flatten\\board.\\engine.$mul$rtl/GemmEngine.v:1008$656
                    parameter \\Y_WIDTH 48
                    parameter \\B_WIDTH 16
                    parameter \\A_WIDTH 32
                    parameter \\B_SIGNED 1
                    parameter \\A_SIGNED 1
                    connect \\A x
                  cell $mul $flatten\\board.\\engine.\\core.\\pe_0_0.$mul$rtl/ProcessingElement.v:28$1
                    parameter \\B_WIDTH 8
                    parameter \\A_WIDTH 8
                """;
        var muls = FpgaBuildCommand.parseMuls(dump);
        assertEquals(2, muls.size());
        assertEquals(32, muls.get(0).a());
        assertEquals(16, muls.get(0).b());
        assertEquals(2, muls.get(0).dsps());
        Map<String, Integer> cells = FpgaBuildCommand.parseStat("""
                   Number of cells:               7319
                     SB_CARRY                     1767
                     SB_LUT4                      3603
                     SB_MAC16                       12
                """);
        assertEquals(3603, cells.get("SB_LUT4"));
        assertEquals(12, cells.get("SB_MAC16"));
    }

    @Test
    void parsesIcepll() {
        IcePll p = IcePll.parse("""
                F_PLLOUT:   36.000 MHz (requested)
                F_PLLOUT:   36.000 MHz (achieved)
                DIVR:  0 (4'b0000)
                DIVF: 47 (7'b0101111)
                DIVQ:  4 (3'b100)
                FILTER_RANGE: 1 (3'b001)
                """);
        assertEquals(new IcePll(0, 47, 4, 1, 36.0), p);
    }

    @Test
    void boardTopsNameTheBoardPins() throws Exception {
        BoardConfig bc = BoardConfig.forClock(FpgaBuildCommand.MICRO, 24_000_000, 115_200);
        var ice = Verilog.emit(FpgaBoard.ICEBREAKER.top(bc, new IcePll(0, 63, 5, 1, 24.0), 1), "icebreaker_top", dir.resolve("i"));
        String v = Files.readString(dir.resolve("i/icebreaker_top.v"));
        assertTrue(v.contains("SB_PLL40_PAD #(") && v.contains(".DIVF          (7'h3f   )")
                && v.contains("assign LEDR_N = (! board_led_error);"), v);
        String pcf = Files.readString(FpgaBuildCommand.repoRoot().resolve("fpga/icebreaker/icebreaker.pcf"));
        for (String pin : List.of("CLK_12M 35", "BTN_N 10", "RX 6", "TX 9", "LEDR_N 11", "LEDG_N 37")) {
            assertTrue(pcf.contains("set_io -nowarn " + pin), pin);
        }
        assertEquals(6, ice.ports().size());
        for (var p : ice.ports()) {
            assertTrue(pcf.contains("set_io -nowarn " + p.name() + " "), p.name());
        }
    }

    @Test
    void unknownBoardIsAUsageError() {
        var r = ChiltepinTest.run("fpga", "build", "--board", "arty");
        assertEquals(Cli.USAGE, r.exit());
        assertTrue(r.err().contains("--board"), r.err());
    }

    @Test
    void hostGemmOnTheSimulatedBoardPasses() {
        var r = ChiltepinTest.run("host", "gemm", "--sim", "--preset", "tiny", "--m", "3", "--k", "4", "--n", "5", "--seed", "2",
                "--work", dir.resolve("sim").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("PASS"), r.out());
        assertTrue(r.out().contains("board answers: 2×2 array"), r.out());
    }

    @Test
    void icebreakerTakesTheSbMac16ProductPairsAndBudgetsTheRest() throws Exception {
        Path out = dir.resolve("ice-tiny");
        var r = ChiltepinTest.run("fpga", "build", "--board", "icebreaker", "--preset", "tiny", "--no-synth", "--out",
                out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("ProductPair 2 × one SB_MAC16"), r.out());
        List<String> sources = Files.readAllLines(out.resolve("sources.txt"));
        assertTrue(sources.contains("rtl/" + FpgaBuildCommand.ICE40_PAIR_FILE), sources.toString());
        assertFalse(sources.contains("rtl/ProductPair.v"), sources.toString());
        assertTrue(Files.readString(out.resolve("rtl/" + FpgaBuildCommand.ICE40_PAIR_FILE)).contains("SB_MAC16 #("));
        String synth = Files.readString(out.resolve("synth.ys"));
        assertTrue(synth.contains("rtl/" + FpgaBuildCommand.ICE40_PAIR_FILE), synth);
        // The pairs hold 2 of the 8 SB_MAC16s: the multipliers chosen for DSPs may take 6 at most.
        var muls = FpgaBuildCommand.parseMuls(Files.readString(out.resolve("muls.txt")));
        assertTrue(muls.stream().noneMatch(m -> m.name().contains("ProductPair")), muls.toString());
        int budgeted = muls.stream().filter(m -> synth.contains("n:" + m.name() + " %i")).mapToInt(FpgaBuildCommand.Mul::dsps).sum();
        assertTrue(budgeted > 0 && budgeted <= FpgaBuildCommand.UP5K_DSPS - 2, budgeted + "\n" + synth);
    }

    @Test
    void moreProductPairsThanUp5kDspsIsAOneLineErrorBeforeSynthesis() {
        Path out = dir.resolve("ice-default");
        var r = ChiltepinTest.run("fpga", "build", "--board", "icebreaker", "--preset", "default", "--no-synth", "--out",
                out.toString());
        assertEquals(Cli.USAGE, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("rows × cols / 2 must be <= 8, got default (8×8 array: 32 pairs)"), r.err());
        assertFalse(Files.exists(out.resolve("muls.ys")), "no synthesis step may have run");
    }

    @Test
    void otherFamiliesKeepTheBehaviouralProductPair() throws Exception {
        Path out = dir.resolve("ecp5-tiny");
        var r = ChiltepinTest.run("fpga", "build", "--board", "ulx3s", "--preset", "tiny", "--no-synth", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> sources = Files.readAllLines(out.resolve("sources.txt"));
        assertTrue(sources.contains("rtl/ProductPair.v"), sources.toString());
        assertFalse(Files.exists(out.resolve("rtl/" + FpgaBuildCommand.ICE40_PAIR_FILE)));
    }

    @Test
    void anEarlierBitstreamIsMovedAsideAndTheReportIsSavedAsAFile() throws Exception {
        Path out = Files.createDirectories(dir.resolve("ecp5-again"));
        Files.writeString(out.resolve("ulx3s.bin"), "old bitstream");
        Files.writeString(out.resolve("ulx3s.asc"), "old placement");
        var r = ChiltepinTest.run("fpga", "build", "--board", "ulx3s", "--preset", "tiny", "--no-synth", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertFalse(Files.exists(out.resolve("ulx3s.bin")), "no bitstream until a build makes one");
        assertFalse(Files.exists(out.resolve("ulx3s.asc")));
        assertEquals("old bitstream", Files.readString(out.resolve("ulx3s.bin.previous")));
        assertTrue(r.out().contains("ulx3s.bin moved to ulx3s.bin.previous"), r.out());
        assertEquals(r.out(), Files.readString(out.resolve(FpgaBuildCommand.REPORT)));
    }

    @Test
    void aPlaceAndRouteFailureIsOneLine() {
        String log = """
                Info: Device utilisation:
                Info: 	         ICESTORM_LC:  6012/ 5280   113%
                Info: 	        ICESTORM_RAM:     4/   30    13%
                Info: 	         ICESTORM_DSP:     8/    8   100%
                ERROR: Unable to place cell 'u_engine.acc_q_SB_DFF_Q', no BELs remaining to implement cell type 'ICESTORM_LC'
                0 warnings, 1 error
                """;
        assertEquals("Unable to place cell 'u_engine.acc_q_SB_DFF_Q', no BELs remaining to implement cell type "
                + "'ICESTORM_LC'; over the device: ICESTORM_LC 6012/5280", FpgaBuildCommand.pnrFailure(log));
        assertEquals("no ERROR line", FpgaBuildCommand.pnrFailure("Info: nothing\n"));
    }

    @Test
    void anOutUnderAFileIsOneLineExit2BeforeAnythingRuns() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        var r = ChiltepinTest.run("fpga", "build", "--board", "icebreaker", "--out", file.resolve("b").toString());
        assertEquals(Cli.USAGE, r.exit());
        assertEquals("chiltepin: invalid configuration: --out: must be under a folder, but " + file + " is a file, got "
                + file.resolve("b"), r.err().strip());
        assertEquals("", r.out());
    }

    /** The real bitstream build: minutes of yosys and nextpnr. {@code -Dchiltepin.fpga=true} turns it on. */
    @Test
    @EnabledIfSystemProperty(named = "chiltepin.fpga", matches = "true")
    void icebreakerBitstreamBuilds() throws Exception {
        String preset = System.getProperty("chiltepin.fpga.preset", "fpga-ice40");
        var r = ChiltepinTest.run("fpga", "build", "--board", "icebreaker", "--preset", preset, "--out",
                dir.resolve("ice").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("PASS"), r.out());
        assertTrue(Files.size(dir.resolve("ice/icebreaker.bin")) > 100_000, r.out());
    }
}
