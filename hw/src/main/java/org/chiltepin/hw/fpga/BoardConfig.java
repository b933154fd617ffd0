package org.chiltepin.hw.fpga;

import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.gemm.GemmConfig;

/**
 * Parameters of the {@link BoardTop}: the GEMM engine inside it and the host link.
 *
 * @param gemm          the engine's configuration
 * @param clocksPerBit  UART bit time in clock cycles, in [4, 65535] (clock / baud)
 * @param frameTimeout  cycles of silence inside a frame after which the frame is dropped as
 *                      truncated and answered with an error, in [64, 2^26]
 * @param engineTimeout cycles the protocol waits for the engine to accept a command or data word
 *                      before answering ENGINE_BUSY, in [16, 2^26]
 */
public record BoardConfig(GemmConfig gemm, int clocksPerBit, int frameTimeout, int engineTimeout) {
    public BoardConfig {
        if (gemm == null) {
            throw new ConfigException("gemm", "must be given", "null");
        }
        ConfigException.requireRange("clocksPerBit", clocksPerBit, 4, 65535);
        ConfigException.requireRange("frameTimeout", frameTimeout, 64, 1 << 26);
        ConfigException.requireRange("engineTimeout", engineTimeout, 16, 1 << 26);
    }

    /** A board running at {@code clockHz} with a UART at {@code baud}: 50 ms frame timeout, 20 ms engine timeout. */
    public static BoardConfig forClock(GemmConfig gemm, long clockHz, int baud) {
        return new BoardConfig(gemm, (int) Math.round((double) clockHz / baud), (int) (clockHz / 20),
                (int) (clockHz / 50));
    }

    /** For simulation: 8 cycles per bit, short timeouts (about 4 byte times). */
    public static BoardConfig simulation(GemmConfig gemm) {
        return new BoardConfig(gemm, 8, 8 * 10 * 4, 4096);
    }

    /** Bytes of one result beat in a READ_DATA reply: a flags byte (bit 0 = last) and cols int32 lanes. */
    public int beatBytes() {
        return 1 + 4 * gemm.cols();
    }

    /** Result beats that fit in one reply payload (255 bytes). */
    public int beatsPerReply() {
        return HostProtocol.MAX_PAYLOAD / beatBytes();
    }

    /** Operand beats that fit in one WRITE_DATA payload. */
    public int dataBeatsPerFrame() {
        return HostProtocol.MAX_PAYLOAD / gemm.dataBytes();
    }

    /** Bits needed to hold values 0..n. */
    public static int bitsFor(long n) {
        return Math.max(1, 64 - Long.numberOfLeadingZeros(n));
    }
}
