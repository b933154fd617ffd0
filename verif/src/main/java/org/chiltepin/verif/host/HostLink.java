package org.chiltepin.verif.host;

/** A byte pipe to the board: a serial port, or the simulated board's UART pins. */
public interface HostLink extends AutoCloseable {
    /** Sends bytes to the board. */
    void send(byte[] bytes);

    /** The next byte from the board (0..255), or -1 when none arrives within {@code timeoutMillis}. */
    int receive(long timeoutMillis);

    /** Simulated board cycles so far, or -1 for real hardware. */
    default long cycles() {
        return -1;
    }

    @Override
    default void close() {
    }
}
