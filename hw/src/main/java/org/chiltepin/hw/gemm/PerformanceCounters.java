package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hdl.Switch;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The GEMM engine's performance counters ({@link GemmCommand#CYCLES} … {@link GemmCommand#STALL_HAZARD}):
 * {@link GemmConfig#counterWidth()}-bit registers {@code count_cycles}, {@code count_busy}, {@code count_mac_active},
 * {@code count_stall_input}, {@code count_stall_output} and {@code count_stall_hazard}, reset to 0
 * (in the FPGA profile only the first three, {@link #built}).
 * Each adds one in a cycle its event is high and goes to 0 in a cycle a CLEAR_COUNTERS issues (clear
 * wins). READ_COUNTER reads {@link #select} in the cycle it issues: a reading includes the events up
 * to the cycle before.
 */
final class PerformanceCounters extends HdlArea {
    private static final String[] NAMES = {"count_cycles", "count_busy", "count_mac_active", "count_stall_input",
        "count_stall_output", "count_stall_hazard"};

    final UInt[] counters;
    /** The counter a READ_COUNTER names, by index. */
    final UInt counterValue;

    PerformanceCounters(GemmConfig config, UInt index) {
        int cw = config.counterWidth();
        counters = new UInt[built(config)];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = named(regInit(uint(cw), uint(0, cw)), NAMES[i]);
        }
        counterValue = uint(cw);
        Switch.on(resize(index, 3), c -> {
            for (int i = 0; i < counters.length - 1; i++) {
                int which = i;
                c.is(uint(i, 3), () -> assign(counterValue, counters[which]));
            }
            if (counters.length < GemmCommand.COUNTERS) { // the stall counters are not built: they read 0
                c.is(uint(counters.length - 1, 3), () -> assign(counterValue, counters[counters.length - 1]));
                c.otherwise(() -> assign(counterValue, uint(0, cw)));
            } else {
                c.otherwise(() -> assign(counterValue, counters[counters.length - 1]));
            }
        });
    }

    /**
     * Counters built: all six, or in the FPGA profile the three the host tool reads (cycles, busy,
     * MAC-active); there READ_COUNTER of a stall counter answers OK with the value 0 (96 flip-flops
     * and three 32-bit incrementers fewer).
     */
    static int built(GemmConfig config) {
        return config.fpgaProfile() ? FPGA_COUNTERS : GemmCommand.COUNTERS;
    }

    /** Counters of the FPGA profile: {@link GemmCommand#CYCLES}, {@code BUSY} and {@code MAC_ACTIVE}. */
    static final int FPGA_COUNTERS = 3;

    /**
     * Counts: {@code events[i]} adds one to counter i; {@code clear} zeroes every counter. Events of
     * counters not built are left unused.
     */
    void count(Bool clear, Bool... events) {
        int cw = widthOf(counters[0]);
        for (int i = 0; i < counters.length; i++) {
            UInt c = counters[i];
            Bool event = events[i];
            when(clear, () -> assign(c, uint(0, cw))).elseWhen(event, () -> assign(c, add(c, uint(1, cw))));
        }
    }
}
