package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * UART transmitter, 8N1, LSB first.
 *
 * <p>Ports: {@code s_axis_*} (a byte stream, 8-bit payload; ready while the line is idle);
 * {@code tx} (the serial line, registered, idle high).
 *
 * <p>Timing: a byte accepted at an edge appears on {@code tx} from the next cycle as a start bit,
 * 8 data bits and a stop bit of {@code clocksPerBit} cycles each; the next byte is accepted as
 * the stop bit ends. Throughput: one byte per 10 bit times.
 */
public final class UartTx extends Block {
    final Stream<Bits> sAxis;
    final Bool tx;

    final Bool busy;
    final UInt countdown;
    final UInt bitIndex;
    final UInt shift;
    final Bool txReg;

    public UartTx(int clocksPerBit) {
        if (clocksPerBit < 4) {
            throw new IllegalArgumentException("clocksPerBit must be >= 4, got " + clocksPerBit);
        }
        int cw = BoardConfig.bitsFor(clocksPerBit);
        sAxis = slaveStream(type(() -> bits(8)));
        tx = out(bool());

        busy = regInit(bool(), bool(false));
        countdown = regInit(uint(cw), uint(0, cw));
        bitIndex = regInit(uint(4), uint(0, 4));
        shift = regInit(uint(9), uint(0x1FF, 9));
        txReg = regInit(bool(), bool(true));

        assign(sAxis.ready(), not(busy));
        when(sAxis.fire(), () -> {
            assign(busy, bool(true));
            assign(txReg, bool(false));
            // Data bits then the stop bit, shifted out LSB first.
            assign(shift, asUInt(concat(bool(true), sAxis.payload())));
            assign(countdown, uint(clocksPerBit - 1, cw));
            assign(bitIndex, uint(0, 4));
        }).elseWhen(busy, () -> {
            when(eq(countdown, uint(0, cw)), () -> {
                assign(countdown, uint(clocksPerBit - 1, cw));
                assign(bitIndex, add(bitIndex, uint(1, 4)));
                when(eq(bitIndex, uint(9, 4)), () -> {
                    assign(busy, bool(false));
                    assign(txReg, bool(true));
                }).otherwise(() -> {
                    assign(txReg, bit(shift, 0));
                    assign(shift, asUInt(concat(bool(true), slice(shift, 8, 1))));
                });
            }).otherwise(() -> assign(countdown, sub(countdown, uint(1, cw))));
        });
        assign(tx, txReg);
    }
}
