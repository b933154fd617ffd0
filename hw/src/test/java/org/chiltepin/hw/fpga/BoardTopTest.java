package org.chiltepin.hw.fpga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.QualityGates;
import org.chiltepin.hw.gemm.GemmConfig;
import org.junit.jupiter.api.Test;

class BoardTopTest {
    /** Kept after the run for inspection. */
    private final Path dir = Path.of("target", "fpga-board-top");

    @Test
    void emitsReadableLintCleanVerilog() throws Exception {
        BoardConfig cfg = BoardConfig.forClock(GemmConfig.preset("tiny"), 36_000_000, 115_200);
        var emitted = Verilog.emit(() -> new BoardTop(cfg), "chiltepin_board", dir);
        List<String> names = emitted.ports().stream().map(Verilog.Port::name).toList();
        assertEquals(List.of("uart_rx", "uart_tx", "led_error", "led_activity", "led_heartbeat", "clk", "reset"), names);
        String proto = Files.readString(dir.resolve("HostProtocol.v"));
        for (String reg : List.of("crc", "rd_ptr", "rx_word", "reply", "engine_wait", "reply_type", "m_axis_cmd_payload")) {
            assertTrue(proto.contains(reg), reg);
        }
        var lint = QualityGates.lint(emitted.files(), "chiltepin_board");
        assertEquals(0, lint.exitCode(), lint.output());
    }

    @Test
    void configDerivesUartTimingFromClock() {
        BoardConfig cfg = BoardConfig.forClock(GemmConfig.preset("tiny"), 36_000_000, 115_200);
        assertEquals(313, cfg.clocksPerBit());
        assertEquals(9, cfg.beatBytes());
        assertEquals(28, cfg.beatsPerReply());
        assertEquals(85, cfg.dataBeatsPerFrame());
    }
}
