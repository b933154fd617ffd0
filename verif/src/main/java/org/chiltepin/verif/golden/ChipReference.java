package org.chiltepin.verif.golden;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transaction-level model of the chip (docs/chip.md): a host program in, every response and the
 * final external memory out. Commands execute one after another in program order; each GEMM tile
 * is a {@link GemmReference}, fed from and stored to a word array standing for external memory.
 * Written from docs/chip.md, independent of the hardware.
 */
public final class ChipReference {
    /** Chip statuses beyond the engine's (0..3). */
    public static final int BAD_TILE = 4;
    public static final int BAD_MEM = 5;

    /**
     * The chip: {@code nodes} mesh nodes, the GEMM tiles among them, their engine, and the
     * external memory size in 8-byte words.
     */
    public record Params(int nodes, Set<Integer> gemmNodes, GemmReference.Params gemm, int memWords) {
    }

    /** A host command: destination node, external-memory word of its DMA move, the tile command. */
    public record HostCommand(int node, long memAddr, GemmReference.Command cmd) {
    }

    /** One response on the control tile's {@code m_axis_resp}. */
    public record Response(int node, int tag, int opcode, int status, long value) {
    }

    private final Params p;
    private final long[] memory;
    private final Map<Integer, GemmReference> tiles = new HashMap<>();
    private final Map<Integer, List<byte[]>> data = new HashMap<>();
    private final List<Response> responses = new ArrayList<>();

    /** A chip whose external memory starts as {@code memory} (copied; length memWords). */
    public ChipReference(Params p, long[] memory) {
        if (memory.length != p.memWords()) {
            throw new IllegalArgumentException("memory: must hold memWords = " + p.memWords() + " words, got " + memory.length);
        }
        this.p = p;
        this.memory = memory.clone();
        for (int n : p.gemmNodes()) {
            tiles.put(n, new GemmReference(p.gemm()));
            data.put(n, new ArrayList<>());
        }
    }

    public List<Response> responses() {
        return responses;
    }

    public long[] memory() {
        return memory;
    }

    public void run(List<HostCommand> program) {
        for (HostCommand c : program) {
            execute(c);
        }
    }

    /** Words a command moves between the tile and memory (0 for commands without DMA). */
    public long dmaWords(GemmReference.Command c) {
        return switch (c.opcode()) {
            case GemmReference.LOAD_A, GemmReference.LOAD_B, GemmReference.LOAD_SCALE -> c.count();
            case GemmReference.STORE -> (long) c.count() * ((c.n() + p.gemm().cols() - 1) / p.gemm().cols());
            default -> 0;
        };
    }

    public void execute(HostCommand hc) {
        GemmReference.Command c = hc.cmd();
        GemmReference engine = tiles.get(hc.node());
        if (engine == null) {
            respond(hc, BAD_TILE, 0);
            return;
        }
        long words = dmaWords(c);
        if (words > 0 && hc.memAddr() + words > p.memWords()) {
            respond(hc, BAD_MEM, 0);
            return;
        }
        int op = c.opcode();
        if (op == GemmReference.READ_ACC || c.reserved() != 0) {
            respond(hc, GemmReference.BAD_OPCODE, 0);
            return;
        }
        List<byte[]> stream = data.get(hc.node());
        boolean load = op == GemmReference.LOAD_A || op == GemmReference.LOAD_B || op == GemmReference.LOAD_SCALE;
        if (load) {
            for (long i = 0; i < words; i++) {
                stream.add(bytes(memory[(int) (hc.memAddr() + i)], p.gemm().dataBytes()));
            }
        }
        List<GemmReference.Response> before = List.copyOf(engine.responses());
        int beatsBefore = engine.beats().size();
        engine.execute(c, stream);
        GemmReference.Response r = engine.responses().get(before.size());
        List<GemmReference.Beat> beats = engine.beats();
        for (int i = beatsBefore; i < beats.size(); i++) {
            memory[(int) (hc.memAddr() + i - beatsBefore)] = pack(beats.get(i).lanes());
        }
        responses.add(new Response(hc.node(), r.tag(), r.opcode(), r.status(), r.value()));
    }

    private void respond(HostCommand hc, int status, long value) {
        responses.add(new Response(hc.node(), hc.cmd().tag() & 0xFF, hc.cmd().opcode() & 0xF, status, value));
    }

    /** The low {@code n} bytes of a memory word, little-endian. */
    static byte[] bytes(long word, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (word >>> (8 * i));
        }
        return b;
    }

    /** A STORE beat as a memory word: byte j = lane j's low 8 bits. */
    static long pack(long[] lanes) {
        long w = 0;
        for (int j = 0; j < lanes.length && j < 8; j++) {
            w |= (lanes[j] & 0xFFL) << (8 * j);
        }
        return w;
    }
}
