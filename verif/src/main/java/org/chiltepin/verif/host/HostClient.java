package org.chiltepin.verif.host;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hw.fpga.HostProtocol;
import org.chiltepin.verif.golden.GemmReference;

/**
 * The host side of the UART protocol (docs/fpga.md): builds frames, checks replies, and gives
 * each board command a method. Every method sends one frame and waits for its reply.
 */
public final class HostClient {
    /** A reply frame: type and payload. */
    public record Reply(int type, byte[] payload) {
    }

    private final HostLink link;
    private final int cols;
    private final int dataBytes;
    private final long timeoutMillis;
    private long frames;
    private long bytesOut;
    private long bytesIn;

    public HostClient(HostLink link, int cols, int dataBytes, long timeoutMillis) {
        this.link = link;
        this.cols = cols;
        this.dataBytes = dataBytes;
        this.timeoutMillis = timeoutMillis;
    }

    public long frames() {
        return frames;
    }

    /** Bytes sent to the board. */
    public long bytesOut() {
        return bytesOut;
    }

    /** Bytes received from the board. */
    public long bytesIn() {
        return bytesIn;
    }

    /** The bytes of a host frame. */
    public static byte[] frame(int cmd, byte[] payload) {
        if (payload.length > HostProtocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes, at most 255");
        }
        byte[] f = new byte[payload.length + 5];
        f[0] = (byte) HostProtocol.SYNC_HOST;
        f[1] = (byte) cmd;
        f[2] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 3, payload.length);
        int crc = Crc16.of(f, 1, payload.length + 2);
        f[f.length - 2] = (byte) (crc >> 8);
        f[f.length - 1] = (byte) crc;
        return f;
    }

    /** Sends raw bytes (for tests of malformed frames) and reads one reply. */
    public Reply exchangeRaw(byte[] bytes) {
        link.send(bytes);
        frames++;
        bytesOut += bytes.length;
        return receiveReply();
    }

    /** Sends a frame; returns the reply, or throws {@link HostException} for an error frame. */
    public Reply exchange(int cmd, byte[] payload) {
        Reply r = exchangeRaw(frame(cmd, payload));
        if (r.type() == HostProtocol.TYPE_ERROR) {
            byte[] p = r.payload();
            int code = p.length > 0 ? p[0] & 0xFF : 0;
            int detail = p.length > 2 ? p[2] & 0xFF : 0;
            throw new HostException("board error " + errorName(code) + " for command 0x" + Integer.toHexString(cmd)
                    + " (detail " + detail + ")", code, detail);
        }
        if (r.type() != (0x80 | cmd)) {
            throw new HostException("reply type 0x" + Integer.toHexString(r.type()) + " to command 0x"
                    + Integer.toHexString(cmd), 0, 0);
        }
        return r;
    }

    public static String errorName(int code) {
        return switch (code) {
            case HostProtocol.ERR_BAD_CRC -> "BAD_CRC";
            case HostProtocol.ERR_TIMEOUT -> "TIMEOUT";
            case HostProtocol.ERR_UNKNOWN_CMD -> "UNKNOWN_CMD";
            case HostProtocol.ERR_BAD_LENGTH -> "BAD_LENGTH";
            case HostProtocol.ERR_ENGINE_BUSY -> "ENGINE_BUSY";
            default -> "code " + code;
        };
    }

    /** Reads one reply frame: skips bytes up to the sync byte, checks the CRC. */
    public Reply receiveReply() {
        int b;
        do {
            b = next();
        } while (b != HostProtocol.SYNC_BOARD);
        int type = next();
        int len = next();
        byte[] body = new byte[len + 4];
        body[0] = (byte) type;
        body[1] = (byte) len;
        for (int i = 0; i < len + 2; i++) {
            body[2 + i] = (byte) next();
        }
        if (Crc16.of(body) != 0) {
            throw new HostException("reply with a bad CRC", 0, 0);
        }
        byte[] payload = new byte[len];
        System.arraycopy(body, 2, payload, 0, len);
        return new Reply(type, payload);
    }

    private int next() {
        int b = link.receive(timeoutMillis);
        if (b < 0) {
            throw new HostException("no answer from the board within " + timeoutMillis + " ms", 0, 0);
        }
        bytesIn++;
        return b;
    }

    /** WRITE_CMD: one 128-bit engine command, little-endian. */
    public void writeCommand(BigInteger word) {
        byte[] p = new byte[16];
        for (int i = 0; i < 16; i++) {
            p[i] = word.shiftRight(8 * i).byteValue();
        }
        exchange(HostProtocol.WRITE_CMD, p);
    }

    /** WRITE_DATA: whole operand beats of {@code dataBytes} bytes each (at most 255 bytes in all). */
    public void writeData(List<byte[]> beats) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (byte[] beat : beats) {
            if (beat.length != dataBytes) {
                throw new IllegalArgumentException("beat of " + beat.length + " bytes, expected " + dataBytes);
            }
            p.writeBytes(beat);
        }
        exchange(HostProtocol.WRITE_DATA, p.toByteArray());
    }

    /** READ_RESP: pops one engine response, or returns null when none is waiting. */
    public GemmReference.Response readResponse() {
        byte[] p = exchange(HostProtocol.READ_RESP, new byte[0]).payload();
        if (p.length != HostProtocol.RESP_BYTES) {
            throw new HostException("READ_RESP reply of " + p.length + " bytes", 0, 0);
        }
        if (p[0] == 0) {
            return null;
        }
        long value = 0;
        for (int i = 0; i < 6; i++) {
            value |= (long) (p[4 + i] & 0xFF) << (8 * i);
        }
        return new GemmReference.Response(p[1] & 0xFF, p[2] & 0xFF, p[3] & 0xFF, value);
    }

    /** READ_DATA: pops up to {@code max} result beats (fewer when the engine has no more ready). */
    public List<GemmReference.Beat> readData(int max) {
        byte[] p = exchange(HostProtocol.READ_DATA, new byte[] {(byte) max}).payload();
        int beatBytes = 1 + 4 * cols;
        if (p.length % beatBytes != 0) {
            throw new HostException("READ_DATA reply of " + p.length + " bytes", 0, 0);
        }
        List<GemmReference.Beat> beats = new ArrayList<>();
        for (int at = 0; at < p.length; at += beatBytes) {
            long[] lanes = new long[cols];
            for (int j = 0; j < cols; j++) {
                int o = at + 1 + 4 * j;
                lanes[j] = (p[o] & 0xFF) | (p[o + 1] & 0xFF) << 8 | (p[o + 2] & 0xFF) << 16 | (p[o + 3]) << 24;
            }
            beats.add(new GemmReference.Beat(lanes, (p[at] & 1) != 0));
        }
        return beats;
    }

    /** STATUS: engine stream flags, error count and the array shape. */
    public record Status(int flags, int errors, int rows, int cols) {
    }

    public Status status() {
        byte[] p = exchange(HostProtocol.STATUS, new byte[0]).payload();
        return new Status(p[0] & 0xFF, p[1] & 0xFF, p[2] & 0xFF, p[3] & 0xFF);
    }
}
