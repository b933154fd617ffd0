package org.chiltepin.verif.golden;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transaction-level model of the chip (docs/chip.md): a host program in, every response and the
 * final external memory out. Commands execute one after another in program order; each GEMM tile
 * is a {@link GemmReference}, fed from and stored to a word array standing for external memory
 * or, for a load whose address has bit 31 set, from the rows the KV tile gathers; the KV tile is a
 * {@link KvCacheReference}, the vector tile a {@link VectorMachine} whose LOAD and STORE move whole
 * rows from and to external memory. Written from docs/chip.md, independent of the hardware.
 */
public final class ChipReference {
    /** Chip statuses beyond the engine's (0..3). */
    public static final int BAD_TILE = 4;
    public static final int BAD_MEM = 5;
    public static final int BAD_KV = 6;
    /** A KV controller status s ≠ 0 is answered as KV_STATUS + s. */
    public static final int KV_STATUS = 8;
    /** KV tile opcodes are the controller's (0..7); 8..15 are illegal. */
    public static final int KV_OPCODES = 8;
    /** Words of a GEMM tile's result buffer (docs/chip.md §1). */
    public static final int TILE_BUFFER_WORDS = 256;

    /**
     * The chip: {@code nodes} mesh nodes, the GEMM tiles among them, their engine, and the
     * external memory size in 8-byte words.
     */
    public record Params(int nodes, Set<Integer> gemmNodes, GemmReference.Params gemm, int memWords, int kvNode,
            KvParams kv, int vectorNode, VectorParams vector) {
        /** A chip without a KV or vector tile. */
        public Params(int nodes, Set<Integer> gemmNodes, GemmReference.Params gemm, int memWords) {
            this(nodes, gemmNodes, gemm, memWords, -1, null);
        }

        /** A chip without a vector tile. */
        public Params(int nodes, Set<Integer> gemmNodes, GemmReference.Params gemm, int memWords, int kvNode, KvParams kv) {
            this(nodes, gemmNodes, gemm, memWords, kvNode, kv, -1, null);
        }
    }

    /** The vector unit of the vector tile: int32 lanes per row and scratchpad words. */
    public record VectorParams(int lanes, int words) {
        /** Memory words a LOAD or STORE of {@code len} elements moves: whole rows, two elements a word. */
        public long moveWords(int len) {
            return moveWords(len, VectorMachine.PACK_INT32);
        }

        /**
         * Memory words a STORE of {@code len} elements in layout {@code pack} moves (whole rows):
         * two elements a word ({@link VectorMachine#PACK_INT32}, also LOAD and an illegal pack 3),
         * one a word ({@link VectorMachine#PACK_A}), eight a word, at least one word a row
         * ({@link VectorMachine#PACK_BYTES}).
         */
        public long moveWords(int len, int pack) {
            long rows = (len + lanes - 1) / lanes;
            return switch (pack) {
                case VectorMachine.PACK_A -> rows * lanes;
                case VectorMachine.PACK_BYTES -> rows * Math.max(1, lanes / 8);
                default -> rows * lanes / 2;
            };
        }
    }

    /** The KV cache's geometry, and the widths of its sequence id and token fields. */
    public record KvParams(int pageTokens, int numPages, int maxSeqs, int maxPagesPerSeq, int lanes, int seqBits,
            int lengthBits) {
        public int maxTokens() {
            return pageTokens * maxPagesPerSeq;
        }
    }

    /**
     * A KV tile command (docs/chip.md §3): opcode [3:0], tag [11:4], seq [21:16], kv [24], first
     * [47:32], count [63:48]; {@code reserved} is OR-ed into the word (a command with any bit set
     * outside those fields is illegal).
     */
    public record KvCommand(int opcode, int tag, int seq, boolean v, int first, int count, BigInteger reserved) {
        public static KvCommand of(int opcode, int tag, int seq, boolean v, int first, int count) {
            return new KvCommand(opcode, tag, seq, v, first, count, BigInteger.ZERO);
        }

        public BigInteger word() {
            long low = (opcode & 0xFL) | (tag & 0xFFL) << 4 | (seq & 0x3FL) << 16 | (v ? 1L : 0) << 24
                    | (first & 0xFFFFL) << 32 | (count & 0xFFFFL) << 48;
            return new BigInteger(Long.toUnsignedString(low)).or(reserved);
        }
    }

    /**
     * A host command: destination node, external-memory word of its DMA move, a GEMM, a KV tile or
     * a vector tile command (exactly one of the three).
     */
    public record HostCommand(int node, long memAddr, GemmReference.Command cmd, KvCommand kv, VectorMachine.Command vec) {
        public HostCommand(int node, long memAddr, GemmReference.Command cmd) {
            this(node, memAddr, cmd, null, null);
        }

        public HostCommand(int node, long memAddr, KvCommand kv) {
            this(node, memAddr, null, kv, null);
        }

        public HostCommand(int node, long memAddr, VectorMachine.Command vec) {
            this(node, memAddr, null, null, vec);
        }

        /** The 128-bit command word (a vector command word is passed unchanged, docs/chip.md §3b). */
        public BigInteger word() {
            if (vec != null) {
                long[] w = vec.encode();
                return new BigInteger(Long.toUnsignedString(w[1])).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(w[0])));
            }
            return cmd != null ? cmd.word() : kv.word();
        }

        public int tag() {
            return vec != null ? vec.tag() & 0xFF : cmd != null ? cmd.tag() & 0xFF : kv.tag() & 0xFF;
        }

        public int opcode() {
            return vec != null ? vec.op() & 0xF : cmd != null ? cmd.opcode() & 0xF : kv.opcode() & 0xF;
        }
    }

    /** The KV-sourced load address: bit 31, K (false) or V, sequence, first token. */
    public static long kvAddress(boolean v, int seq, int first) {
        return 1L << 31 | (v ? 1L : 0) << 30 | (long) (seq & 0x3F) << 24 | (first & 0xFFFFFF);
    }

    /** A tile-buffer address: bit 30, the GEMM tile's node (29..24), the first buffer word (23..0). */
    public static long tileAddress(int node, int word) {
        return 1L << 30 | (long) (node & 0x3F) << 24 | (word & 0xFFFFFF);
    }

    /** One response on the control tile's {@code m_axis_resp}. */
    public record Response(int node, int tag, int opcode, int status, long value) {
    }

    private final Params p;
    private final long[] memory;
    /** Memory words the commands wrote since the last {@link #takeWritten()}. */
    private final java.util.BitSet written = new java.util.BitSet();
    private final Map<Integer, GemmReference> tiles = new HashMap<>();
    private final Map<Integer, List<byte[]>> data = new HashMap<>();
    private final Map<Integer, long[]> buffers = new HashMap<>();
    private final List<Response> responses = new ArrayList<>();
    private final KvCacheReference kv;
    private final VectorMachine vector;

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
            buffers.put(n, new long[TILE_BUFFER_WORDS]);
        }
        kv = p.kv() == null ? null : new KvCacheReference(p.kv().pageTokens(), p.kv().numPages(), p.kv().maxSeqs(),
                p.kv().maxPagesPerSeq(), p.kv().lanes());
        vector = p.vector() == null ? null : new VectorMachine(p.vector().lanes(), p.vector().words());
    }

    /** The vector tile's unit (null without one). */
    public VectorMachine vector() {
        return vector;
    }

    /** The KV tile's cache (null without one). */
    public KvCacheReference kv() {
        return kv;
    }

    public List<Response> responses() {
        return responses;
    }

    public long[] memory() {
        return memory;
    }

    /** The memory words the commands wrote since the last call (a running chip's host compares those). */
    public java.util.BitSet takeWritten() {
        java.util.BitSet w = (java.util.BitSet) written.clone();
        written.clear();
        return w;
    }

    public void run(List<HostCommand> program) {
        for (HostCommand c : program) {
            execute(c);
        }
    }

    /**
     * Words a command moves between the tile and memory (0 for commands without DMA): a word per
     * LOAD beat, a word per STORE beat, ⌈cols / 2⌉ words per READ_ACC beat (two int32 lanes a word).
     */
    public long dmaWords(GemmReference.Command c) {
        long beats = (long) c.count() * ((c.n() + p.gemm().cols() - 1) / p.gemm().cols());
        return switch (c.opcode()) {
            case GemmReference.LOAD_A, GemmReference.LOAD_B, GemmReference.LOAD_SCALE -> c.count();
            case GemmReference.STORE -> beats;
            case GemmReference.READ_ACC -> beats * accWordsPerBeat();
            default -> 0;
        };
    }

    /** Memory words of one READ_ACC beat: two int32 lanes a word. */
    private int accWordsPerBeat() {
        return (p.gemm().cols() + 1) / 2;
    }

    public void execute(HostCommand hc) {
        if (kv != null && hc.node() == p.kvNode()) {
            executeKv(hc);
            return;
        }
        if (vector != null && hc.node() == p.vectorNode()) {
            executeVector(hc);
            return;
        }
        GemmReference.Command c = hc.cmd();
        GemmReference engine = tiles.get(hc.node());
        if (engine == null) {
            respond(hc, BAD_TILE, 0);
            return;
        }
        int op = c.opcode();
        long words = dmaWords(c);
        boolean load = op == GemmReference.LOAD_A || op == GemmReference.LOAD_B || op == GemmReference.LOAD_SCALE;
        boolean fromKv = kv != null && load && words > 0 && (hc.memAddr() >>> 31 & 1) == 1;
        boolean store = op == GemmReference.STORE;
        long a = hc.memAddr();
        boolean fromTile = !fromKv && (load || store) && words > 0 && (a >>> 31 & 1) == 0 && (a >>> 30 & 1) == 1;
        int bufNode = (int) (a >>> 24 & 0x3F);
        int bufWord = (int) (a & 0xFFFFFF);
        if (fromTile && (store ? bufNode != hc.node() : bufNode == hc.node() || !tiles.containsKey(bufNode))) {
            respond(hc, BAD_TILE, 0); // a STORE fills its own buffer, a load reads another GEMM tile's
            return;
        }
        if (fromTile ? bufWord + words > TILE_BUFFER_WORDS : !fromKv && words > 0 && a + words > p.memWords()) {
            respond(hc, BAD_MEM, 0);
            return;
        }
        // The transposing LOAD_B's bit passes to an engine that has it; other reserved bits answer here.
        boolean transpose = p.gemm().transposeLoad() && op == GemmReference.LOAD_B && c.reserved() == GemmReference.TRANSPOSE;
        if (c.reserved() != 0 && !transpose) {
            respond(hc, GemmReference.BAD_OPCODE, 0);
            return;
        }
        List<byte[]> stream = data.get(hc.node());
        if (fromKv) {
            int seq = (int) (hc.memAddr() >>> 24 & 0x3F);
            int first = (int) (hc.memAddr() & 0xFFFFFF);
            if (!kv.live(seq) || first + words > kv.length(seq)) {
                respond(hc, BAD_KV, 0);
                return;
            }
            boolean v = (hc.memAddr() >>> 30 & 1) == 1;
            for (byte[] row : kv.apply(KvCacheReference.Command.gather(seq, v, first, (int) words)).rows()) {
                stream.add(java.util.Arrays.copyOf(row, p.gemm().dataBytes()));
            }
        } else if (load && fromTile) {
            for (long i = 0; i < words; i++) {
                stream.add(bytes(buffers.get(bufNode)[(int) (bufWord + i)], p.gemm().dataBytes()));
            }
        } else if (load) {
            for (long i = 0; i < words; i++) {
                stream.add(bytes(memory[(int) (hc.memAddr() + i)], p.gemm().dataBytes()));
            }
        }
        List<GemmReference.Response> before = List.copyOf(engine.responses());
        int beatsBefore = engine.beats().size();
        engine.execute(c, stream);
        GemmReference.Response r = engine.responses().get(before.size());
        List<GemmReference.Beat> beats = engine.beats();
        long[] target = fromTile ? buffers.get(hc.node()) : memory;
        long at = fromTile ? bufWord : a;
        for (int i = beatsBefore; i < beats.size(); i++) {
            long[] lanes = beats.get(i).lanes();
            if (op == GemmReference.READ_ACC) {
                for (int j = 0; j < accWordsPerBeat(); j++) {
                    long high = 2 * j + 1 < lanes.length ? lanes[2 * j + 1] : 0;
                    written.set((int) at);
                    memory[(int) at++] = (lanes[2 * j] & 0xFFFFFFFFL) | high << 32;
                }
            } else {
                if (target == memory) {
                    written.set((int) at);
                }
                target[(int) at++] = pack(lanes);
            }
        }
        responses.add(new Response(hc.node(), r.tag(), r.opcode(), r.status(), r.value()));
    }

    private void respond(HostCommand hc, int status, long value) {
        responses.add(new Response(hc.node(), hc.tag(), hc.opcode(), status, value));
    }

    /** A KV tile command: field checks, the DMA range, then the controller (docs/chip.md §3). */
    private void executeKv(HostCommand hc) {
        KvCommand c = hc.kv();
        KvParams g = p.kv();
        boolean wide = c.seq() >>> g.seqBits() != 0 || c.first() >>> g.lengthBits() != 0 || c.count() >>> g.lengthBits() != 0;
        if (c.opcode() >= KV_OPCODES || c.reserved().signum() != 0 || wide) {
            respond(hc, GemmReference.BAD_OPCODE, 0);
            return;
        }
        long a = hc.memAddr();
        boolean append = c.opcode() == KvCacheReference.OP_APPEND;
        boolean gather = c.opcode() == KvCacheReference.OP_GATHER;
        if (append && (a % 2 != 0 || a + 2 > p.memWords()) || gather && c.count() > 0 && a + c.count() > p.memWords()) {
            respond(hc, BAD_MEM, 0);
            return;
        }
        byte[] k = append ? bytes(memory[(int) a], g.lanes()) : null;
        byte[] v = append ? bytes(memory[(int) a + 1], g.lanes()) : null;
        KvCacheReference.Result r = kv.apply(new KvCacheReference.Command(c.opcode(), c.seq(), c.v(), c.first(), c.count(), k, v));
        KvCacheReference.Response q = r.response();
        int status = q.status() == KvCacheReference.OK ? 0 : KV_STATUS + q.status();
        for (int i = 0; i < r.rows().size(); i++) {
            written.set((int) a + i);
            memory[(int) a + i] = word(r.rows().get(i));
        }
        long pages = c.opcode() == KvCacheReference.OP_STATS ? q.highWater() : q.pages();
        long value = (q.seq() & 0xFFL) | (q.length() & 0xFFFFL) << 8 | (pages & 0xFFFL) << 24 | (q.freePages() & 0xFFFL) << 36;
        respond(hc, status, value);
    }

    /**
     * A vector tile command (docs/chip.md §3.3): a LOAD or STORE whose whole rows end past memory
     * is BAD_MEM; otherwise the unit runs it, LOAD reading element i from bits 32·(i mod 2) of
     * word memAddr + i/2, STORE writing its rows (zero past len) there in its pack layout: int32
     * pairs, or int8 saturated (one a word in byte 0, or eight a word). A STORE with pack 1 or 2
     * reaches the unit with the field cleared; any other non-zero pack reaches it as is
     * (BAD_OPCODE). DONE's value is {index, value}.
     */
    private void executeVector(HostCommand hc) {
        VectorMachine.Command c = hc.vec();
        VectorParams g = p.vector();
        boolean move = c.op() == VectorMachine.LOAD || c.op() == VectorMachine.STORE;
        int pack = c.op() == VectorMachine.STORE && (c.pack() == VectorMachine.PACK_A || c.pack() == VectorMachine.PACK_BYTES)
                ? c.pack() : VectorMachine.PACK_INT32;
        long words = g.moveWords(c.len() & 0xFFFF, pack);
        long a = hc.memAddr();
        if (move && a + words > p.memWords()) {
            respond(hc, BAD_MEM, 0);
            return;
        }
        long rows = (long) ((c.len() & 0xFFFF) + g.lanes() - 1) / g.lanes();
        long[] in = new long[(int) (rows * g.lanes())];
        if (c.op() == VectorMachine.LOAD) {
            for (int i = 0; i < in.length; i++) {
                in[i] = (int) (memory[(int) (a + i / 2)] >>> (32 * (i % 2)));
            }
        }
        long[] out = new long[Math.max(in.length, c.len() & 0xFFFF)];
        VectorMachine.Response r = vector.execute(pack != VectorMachine.PACK_INT32 ? c.unpacked() : c, in, out);
        if (c.op() == VectorMachine.STORE && r.status() == VectorMachine.OK) {
            for (int w = 0; w < words; w++) {
                written.set((int) (a + w));
                memory[(int) (a + w)] = storeWord(out, w, pack, g.lanes());
            }
        }
        respond(hc, r.status(), (r.value() & 0xFFFFFFFFL) | (r.index() & 0xFFFFL) << 32);
    }

    /** Memory word {@code w} of a STORE of {@code out} (whole rows, zero past len) in layout {@code pack}. */
    static long storeWord(long[] out, int w, int pack, int lanes) {
        return switch (pack) {
            case VectorMachine.PACK_A -> sat8(out[w]) & 0xFFL;
            case VectorMachine.PACK_BYTES -> {
                int per = Math.min(8, lanes); // elements a word: eight, or a whole row of fewer lanes
                long word = 0;
                for (int j = 0; j < per; j++) {
                    word |= (sat8(out[w * per + j]) & 0xFFL) << (8 * j);
                }
                yield word;
            }
            default -> (out[2 * w] & 0xFFFFFFFFL) | out[2 * w + 1] << 32;
        };
    }

    /** An int32 element saturated to int8 (a packing STORE's byte). */
    public static long sat8(long v) {
        return Math.max(-128, Math.min(127, v));
    }

    /** A K or V row as a memory word: lane i in byte i, zero above the row. */
    public static long word(byte[] row) {
        long w = 0;
        for (int i = 0; i < row.length && i < 8; i++) {
            w |= (row[i] & 0xFFL) << (8 * i);
        }
        return w;
    }

    /** The low {@code n} bytes of a memory word, little-endian. */
    public static byte[] bytes(long word, int n) {
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
