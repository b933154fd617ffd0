package org.chiltepin.verif.host;

import java.util.ArrayDeque;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.fpga.BoardTop;

/**
 * The simulated board's serial pins as a {@link HostLink}: bytes are sent bit by bit on
 * {@code uart_rx} (8N1, {@code clocksPerBit} cycles per bit) and {@code uart_tx} is decoded every
 * cycle, so the board top runs exactly as it would behind an FTDI cable. Timeouts are counted in
 * simulated cycles ({@link #CYCLES_PER_MILLI} per millisecond).
 */
public final class SimLink implements HostLink {
    /** Simulated cycles per millisecond of timeout. */
    public static final long CYCLES_PER_MILLI = 1000;

    private final Simulation.Cycle<BoardTop> c;
    private final int clocksPerBit;
    private final ArrayDeque<Integer> fromBoard = new ArrayDeque<>();
    private boolean rxLevel = true;
    // Decoder of uart_tx: -1 idle, 0..7 data bit being waited for, 8 stop bit.
    private int decBit = -1;
    private int decWait;
    private int decValue;
    private long framingErrors;

    public SimLink(Simulation.Cycle<BoardTop> c, int clocksPerBit) {
        this.c = c;
        this.clocksPerBit = clocksPerBit;
        c.set(c.dut().uartRx, true);
    }

    public long framingErrors() {
        return framingErrors;
    }

    @Override
    public long cycles() {
        return c.count();
    }

    /** Advances one cycle with the RX line at its current level and decodes TX. */
    public void tick() {
        c.set(c.dut().uartRx, rxLevel);
        c.tick();
        boolean tx = c.get(c.dut().uartTx);
        if (decBit < 0) {
            if (!tx) {
                decBit = 0;
                decValue = 0;
                decWait = clocksPerBit + clocksPerBit / 2 - 1;  // to the middle of data bit 0
            }
            return;
        }
        if (decWait-- > 0) {
            return;
        }
        if (decBit < 8) {
            decValue |= (tx ? 1 : 0) << decBit;
            decBit++;
            decWait = clocksPerBit - 1;
        } else {
            if (tx) {
                fromBoard.add(decValue);
            } else {
                framingErrors++;
            }
            decBit = -1;
        }
    }

    public void idle(int cycles) {
        for (int i = 0; i < cycles; i++) {
            tick();
        }
    }

    @Override
    public void send(byte[] bytes) {
        for (byte b : bytes) {
            sendBit(false);
            for (int i = 0; i < 8; i++) {
                sendBit(((b >> i) & 1) != 0);
            }
            sendBit(true);
        }
    }

    private void sendBit(boolean level) {
        rxLevel = level;
        for (int i = 0; i < clocksPerBit; i++) {
            tick();
        }
    }

    @Override
    public int receive(long timeoutMillis) {
        long limit = timeoutMillis * CYCLES_PER_MILLI;
        for (long i = 0; fromBoard.isEmpty() && i < limit; i++) {
            tick();
        }
        return fromBoard.isEmpty() ? -1 : fromBoard.poll();
    }
}
