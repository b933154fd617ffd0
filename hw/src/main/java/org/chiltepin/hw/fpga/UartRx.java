package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * UART receiver, 8N1, LSB first.
 *
 * <p>Ports: {@code rx} (the serial line, idle high; synchronized here by two flip-flops);
 * {@code valid} (high for one cycle when a byte with a good stop bit has arrived) and
 * {@code data} (the byte, held until the next one). A start bit shorter than half a bit is
 * ignored; a byte whose stop bit is low (framing error) is dropped.
 *
 * <p>Timing: {@code clocksPerBit} clock cycles per bit (≥ 4); the line is sampled in the middle of
 * each bit. {@code valid} rises about 9.5 bit times after the falling edge of the start bit.
 */
public final class UartRx extends Block {
    final Bool rx;
    final Bool valid;
    final UInt data;

    final Bool rxMeta;
    final Bool rxSync;
    final Bool busy;
    final UInt countdown;
    final UInt bitIndex;
    final UInt shift;
    final Bool validReg;

    public UartRx(int clocksPerBit) {
        if (clocksPerBit < 4) {
            throw new IllegalArgumentException("clocksPerBit must be >= 4, got " + clocksPerBit);
        }
        int cw = BoardConfig.bitsFor(clocksPerBit);
        rx = in(bool());
        valid = out(bool());
        data = out(uint(8));

        rxMeta = regInit(bool(), bool(true));
        rxSync = regInit(bool(), bool(true));
        busy = regInit(bool(), bool(false));
        countdown = regInit(uint(cw), uint(0, cw));
        bitIndex = regInit(uint(4), uint(0, 4));
        shift = regInit(uint(8), uint(0, 8));
        validReg = regInit(bool(), bool(false));

        assign(rxMeta, rx);
        assign(rxSync, rxMeta);
        assign(validReg, bool(false));

        when(not(busy), () -> {
            when(not(rxSync), () -> {
                assign(busy, bool(true));
                assign(countdown, uint(clocksPerBit / 2 - 1, cw));
                assign(bitIndex, uint(0, 4));
            });
        }).otherwise(() -> {
            when(eq(countdown, uint(0, cw)), () -> {
                assign(countdown, uint(clocksPerBit - 1, cw));
                assign(bitIndex, add(bitIndex, uint(1, 4)));
                when(eq(bitIndex, uint(0, 4)), () -> {
                    // Middle of the start bit: a high line means a glitch.
                    when(rxSync, () -> assign(busy, bool(false)));
                }).elseWhen(eq(bitIndex, uint(9, 4)), () -> {
                    assign(busy, bool(false));
                    assign(validReg, rxSync);
                }).otherwise(() -> assign(shift, asUInt(concat(rxSync, slice(shift, 7, 1)))));
            }).otherwise(() -> assign(countdown, sub(countdown, uint(1, cw))));
        });

        assign(valid, validReg);
        assign(data, shift);
    }
}
