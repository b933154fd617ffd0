package org.chiltepin.hw.fpga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.gemm.GemmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The board tops: every pin is in the board's constraint file and every constrained pin is a
 * port; the clock comes from the PLL or the divider, the reset from the synchronizer (registers
 * that start high when the FPGA is configured), and chiltepin_board keeps its clk/reset ports.
 */
class BoardShellTest {
    private static final Path FPGA = Path.of("..", "fpga");
    private static final GemmConfig MICRO = new GemmConfig(1, 1, 16, 16, 16, 16);
    private static final BoardConfig BOARD = BoardConfig.forClock(MICRO, 16_000_000, 115_200);

    @TempDir
    Path dir;

    /** Pin names a constraint file constrains: set_io (pcf), LOCATE COMP (lpf), IO_LOC (cst); vectors by name. */
    private static Set<String> constrained(Path file) throws Exception {
        Matcher m = Pattern.compile("(?:set_io -nowarn|LOCATE COMP|IO_LOC)\\s+\"?([A-Za-z_0-9]+)").matcher(Files.readString(file));
        Set<String> pins = new TreeSet<>();
        while (m.find()) {
            pins.add(m.group(1));
        }
        return pins;
    }

    private static Set<String> ports(Verilog.Emitted<?> e) {
        Set<String> names = new TreeSet<>();
        e.ports().forEach(p -> names.add(p.name()));
        return names;
    }

    @Test
    void icebreakerRunsTheBoardFromThePllAndMatchesItsPcf() throws Exception {
        var e = Verilog.emit(() -> new IcebreakerTop(BOARD, new IcePll(0, 84, 6, 1, 15.9375), 1), "icebreaker_top", dir);
        assertEquals(constrained(FPGA.resolve("icebreaker/icebreaker.pcf")), ports(e));
        String v = Files.readString(dir.resolve("icebreaker_top.v"));
        for (String s : List.of("SB_PLL40_PAD #(", ".DIVF          (7'h54   )", ".PACKAGEPIN   (CLK_12M         )",
                ".locked   (clk_locked      )", ".clk           (clk                )", ".reset         (reset              )",
                "assign clk = pll_PLLOUTGLOBAL;", "assign LEDG_N = (! (board_led_heartbeat ^ board_led_activity));")) {
            assertTrue(v.contains(s), s + " in\n" + v);
        }
        String sync = Files.readString(dir.resolve("ResetSynchronizer.v"));
        assertTrue(sync.contains("button_meta = 2'b11;") && sync.contains("reset_sync = 4'b1111;"),
                "the reset synchronizer starts in reset when the FPGA is configured:\n" + sync);
    }

    @Test
    void belowThePllTheClockIsDividedInTheFabricOnAGlobalBuffer() throws Exception {
        Verilog.emit(() -> new IcebreakerTop(BOARD, null, 4), "icebreaker_top", dir);
        String v = Files.readString(dir.resolve("icebreaker_top.v"));
        assertTrue(v.contains("SB_GB clock_buffer (") && !v.contains("SB_PLL40_PAD"), v);
        assertTrue(Files.readString(dir.resolve("ClockDivider.v")).contains("(clk_count == 8'h01)"),
                "12 MHz / 4: the output flips every 2 input cycles");
    }

    @Test
    void ulx3sAndTangNanoMatchTheirConstraintFiles() throws Exception {
        var u = Verilog.emit(() -> new Ulx3sTop(BOARD), "ulx3s_top", dir.resolve("u"));
        assertEquals(constrained(FPGA.resolve("ulx3s/ulx3s.lpf")), ports(u));
        var t = Verilog.emit(() -> new TangNano9kTop(BOARD), "tangnano9k_top", dir.resolve("t"));
        assertEquals(constrained(FPGA.resolve("tangnano9k/tangnano9k.cst")), ports(t));
        assertTrue(Files.readString(dir.resolve("t/tangnano9k_top.v"))
                .contains("assign led_n = {3'b111,{(! board_led_heartbeat),{(! board_led_activity),(! board_led_error)}}};"));
    }
}
