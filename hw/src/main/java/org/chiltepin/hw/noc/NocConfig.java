package org.chiltepin.hw.noc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hw.ConfigException;

/**
 * Parameters of the 2D-mesh network on chip ({@link Mesh}): {@code k} columns by {@code m} rows of
 * routers, each with a network interface, on two identical physical networks (requests and
 * responses).
 *
 * <p>Flit format ({@code flitWidth} data bits plus a {@code last} bit on every link): the head
 * flit carries, from bit 0 up, destination x ({@link #xBits()}), destination y ({@link #yBits()}),
 * source x, source y, payload length ({@link #lenBits()}) and a tag filling the remaining
 * {@link #tagWidth()} bits; each of the {@code length} body flits carries one payload word of
 * {@code flitWidth} bits. {@code last} marks a packet's final flit (the head itself when the length
 * is 0).
 *
 * <p>Construction checks the routing's channel-dependency graph on the actual k × m topology and
 * rejects any configuration whose graph has a cycle (see {@link ChannelDependencyGraph}).
 *
 * @param k               columns, the x dimension (1..8)
 * @param m               rows, the y dimension (1..8); y grows southwards
 * @param flitWidth       data bits per flit (header bits + 1 .. 64)
 * @param bufferDepth     flits per router input buffer and per ejection buffer: 2, 4, 8 or 16
 * @param maxPayloadFlits most payload words in one message (1..16)
 * @param routing         {@code xy} (dimension order, X first), {@code yx} (Y first), or
 *                        {@code adaptive} (minimal fully adaptive: deadlock-prone, rejected by the
 *                        channel-dependency check on any mesh with two rows and two columns; on a
 *                        1-wide mesh it has a single path and is built as {@code xy})
 */
public record NocConfig(int k, int m, int flitWidth, int bufferDepth, int maxPayloadFlits, String routing) {
    public static final int MAX_DIM = 8;
    public static final int MAX_FLIT_WIDTH = 64;
    public static final int MAX_PAYLOAD_FLITS = 16;
    public static final List<String> ROUTINGS = List.of("xy", "yx", "adaptive");

    /** Router pipeline delay at zero load, cycles per router traversed (buffer write to next buffer write). */
    public static final int ROUTER_DELAY = 1;
    /** Cycles a message spends in the two network interfaces beyond serialization (see {@link Mesh}). */
    public static final int NI_OVERHEAD = 2;

    public NocConfig {
        ConfigException.requireRange("k", k, 1, MAX_DIM);
        ConfigException.requireRange("m", m, 1, MAX_DIM);
        ConfigException.requireRange("maxPayloadFlits", maxPayloadFlits, 1, MAX_PAYLOAD_FLITS);
        int header = 2 * (bitsFor(k - 1) + bitsFor(m - 1)) + bitsFor(maxPayloadFlits);
        if (flitWidth < header + 1 || flitWidth > MAX_FLIT_WIDTH) {
            throw new ConfigException("flitWidth", "must be in [" + (header + 1) + ", " + MAX_FLIT_WIDTH
                    + "] (the head flit holds destination, source and length, " + header + " bits, and a tag of at least 1 bit)",
                    flitWidth);
        }
        if (bufferDepth < 2 || bufferDepth > 16 || Integer.bitCount(bufferDepth) != 1) {
            throw new ConfigException("bufferDepth", "must be 2, 4, 8 or 16", bufferDepth);
        }
        if (routing == null || !ROUTINGS.contains(routing)) {
            throw new ConfigException("routing", "must be one of " + ROUTINGS, routing);
        }
        ChannelDependencyGraph.of(k, m, routing).requireAcyclic();
    }

    /** Named presets: {@code default} 4×4, {@code tiny} 2×2, {@code large} 8×8; 32-bit flits, 4-flit buffers. */
    public static Map<String, NocConfig> presets() {
        Map<String, NocConfig> p = new LinkedHashMap<>();
        p.put("default", new NocConfig(4, 4, 32, 4, 4, "xy"));
        p.put("tiny", new NocConfig(2, 2, 32, 4, 4, "xy"));
        p.put("large", new NocConfig(8, 8, 32, 4, 4, "xy"));
        return p;
    }

    /** The preset called {@code name}; a {@link ConfigException} names the known ones otherwise. */
    public static NocConfig preset(String name) {
        NocConfig c = presets().get(name);
        if (c == null) {
            throw new ConfigException("preset", "must be one of " + presets().keySet(), name);
        }
        return c;
    }

    public int nodes() {
        return k * m;
    }

    public int xBits() {
        return bitsFor(k - 1);
    }

    public int yBits() {
        return bitsFor(m - 1);
    }

    public int lenBits() {
        return bitsFor(maxPayloadFlits);
    }

    /** Bits of the head flit used by destination, source and length. */
    public int headerBits() {
        return 2 * (xBits() + yBits()) + lenBits();
    }

    /** Bits of the head flit left for the message's tag. */
    public int tagWidth() {
        return flitWidth - headerBits();
    }

    /** The routing the hardware implements: {@code adaptive} is accepted only where it equals {@code xy}. */
    public boolean yFirst() {
        return routing.equals("yx");
    }

    /** Hops from (sx, sy) to (dx, dy): the Manhattan distance under dimension-order routing. */
    public static int hops(int sx, int sy, int dx, int dy) {
        return Math.abs(sx - dx) + Math.abs(sy - dy);
    }

    /**
     * Zero-load latency, in cycles from the source's {@code s_axis} handshake to the destination's
     * {@code m_axis} handshake with an always-ready sink: (hops + 1) routers × {@link #ROUTER_DELAY}
     * + (1 + length) flits of serialization + {@link #NI_OVERHEAD}.
     */
    public static int zeroLoadLatency(int hops, int length) {
        return (hops + 1) * ROUTER_DELAY + (1 + length) + NI_OVERHEAD;
    }

    /** Bits needed to hold values 0..max (at least 1). */
    public static int bitsFor(int max) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
    }
}
