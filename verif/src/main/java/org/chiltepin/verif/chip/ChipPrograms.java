package org.chiltepin.verif.chip;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Command;

/**
 * Random chip programs: phases of commands spread over the GEMM tiles — whole GEMMs through
 * memory (loads, compute, STORE or READ_ACC), single loads, computes, stores and accumulator reads
 * with random shapes, fences — with illegal commands mixed in (wrong tile, DMA past the end of
 * memory, unknown opcodes, reserved bits, zero sizes, scratchpad ranges out of bounds). Within a phase the tiles
 * store only into their own window of one memory half and load only from the other half; the
 * halves swap every phase, so later phases load what earlier ones stored (DMA chains) and no
 * phase races with itself. With a KV tile a third of the commands are {@link KvMix}'s: KV tile
 * commands and GEMM loads from the KV tile. With two or more GEMM tiles an eighth of the commands
 * move data tile → tile: STOREs into the tile's own result buffer (one half of it, swapping every
 * phase like memory) and loads from another tile's buffer (the other half), and illegal ones
 * (a load from the tile's own or a non-GEMM node's buffer, a STORE into another tile's buffer,
 * a range past the buffer).
 */
public final class ChipPrograms {
    /** A program and the external memory it starts from. */
    public record Program(List<List<HostCommand>> phases, long[] memory) {
        public int commands() {
            return phases.stream().mapToInt(List::size).sum();
        }
    }

    private final ChipReference.Params p;
    private final RandomGenerator rng;
    private final boolean illegal;
    private final List<Integer> tiles;
    private final KvMix kv;
    private final VectorMix vector;
    private int phase;
    private List<HostCommand> out;

    private ChipPrograms(ChipReference.Params p, long seed, boolean illegal) {
        this.p = p;
        this.rng = new MersenneTwister(seed);
        this.illegal = illegal;
        this.tiles = p.gemmNodes().stream().sorted().toList();
        this.kv = p.kv() == null ? null : new KvMix(p, rng, tiles);
        this.vector = p.vector() == null ? null : new VectorMix(p, rng);
    }

    /** Where {@link KvMix} puts its commands: this phase, this generator's address rules. */
    private final KvMix.Out kvOut = new KvMix.Out() {
        @Override
        public void gemm(int node, long memAddr, int opcode, int a0, int count) {
            add(node, memAddr, opcode, false, a0, 0, 0, count, 0, 0, 0);
        }

        @Override
        public void kv(long memAddr, ChipReference.KvCommand c) {
            out.add(new HostCommand(p.kvNode(), memAddr, c));
        }

        @Override
        public long readAddr(int words) {
            return ChipPrograms.this.readAddr(words);
        }

        @Override
        public long writeAddr(int words) {
            return ChipPrograms.this.writeAddr(p.kvNode(), words);
        }

        @Override
        public int tag() {
            return out.size();
        }
    };

    /**
     * An initialisation phase, then {@code phases} phases of {@code perPhase} commands (at most 256:
     * tags are unique per phase).
     */
    public static Program random(ChipReference.Params p, long seed, int phases, int perPhase, boolean illegal) {
        if (perPhase < 1 || perPhase > 256) {
            throw new IllegalArgumentException("perPhase: must be in [1, 256], got " + perPhase);
        }
        ChipPrograms g = new ChipPrograms(p, seed, illegal);
        long[] memory = new long[p.memWords()];
        for (int i = 0; i < memory.length; i++) {
            memory[i] = g.rng.nextLong();
        }
        List<List<HostCommand>> out = new ArrayList<>();
        out.add(g.initPhase());
        for (int ph = 0; ph < phases; ph++) {
            g.phase = ph;
            g.out = new ArrayList<>();
            if (g.kv != null) {
                g.kv.beginPhase();
            }
            while (g.out.size() < perPhase) {
                g.next(perPhase - g.out.size());
            }
            out.add(g.out);
        }
        return new Program(out, memory);
    }

    /**
     * Phase 0: every tile's A, B and scale memories loaded and every accumulator written, so that
     * no later command reads a word the hardware never wrote (SRAM starts undefined).
     */
    private List<HostCommand> initPhase() {
        out = new ArrayList<>();
        GemmReference.Params g = p.gemm();
        for (int node : tiles) {
            fill(node, GemmReference.LOAD_A, g.aDepth());
            fill(node, GemmReference.LOAD_B, g.bDepth());
            fill(node, GemmReference.LOAD_SCALE, g.scaleDepth());
            add(node, 0, GemmReference.COMPUTE, false, 0, 0, 0, g.accDepth(), g.cols(), 1, 0);
            // the result buffer too (tile → tile loads read it)
            for (int at = 0; at < BUF; at += g.accDepth()) {
                int rows = Math.min(g.accDepth(), BUF - at);
                add(node, ChipReference.tileAddress(node, at), GemmReference.STORE, false, 0, 0, 0, rows, g.cols(), 0, 0);
            }
        }
        if (vector != null) {
            out.add(vector.init(this::readAddr, out.size()));
        }
        return out;
    }

    private void fill(int node, int op, int depth) {
        for (int at = 0; at < depth; at += 4096) {
            int count = Math.min(4096, depth - at);
            add(node, rng.nextInt(half() - count + 1), op, false, at, 0, 0, count, 0, 0, 0);
        }
    }

    private static final int BUF = ChipReference.TILE_BUFFER_WORDS;

    /** Tile → tile moves: a STORE into this tile's buffer (its write half) or a load from another's (read half). */
    private void tileToTile(int node) {
        GemmReference.Params g = p.gemm();
        int half = BUF / 2;
        int writeBase = phase % 2 == 0 ? half : 0;
        int readBase = half - writeBase;
        int other;
        do {
            other = tiles.get(rng.nextInt(tiles.size()));
        } while (other == node);
        int op = GemmReference.LOAD_A + rng.nextInt(3);
        int depth = op == GemmReference.LOAD_A ? g.aDepth() : op == GemmReference.LOAD_B ? g.bDepth() : g.scaleDepth();
        int count = 1 + rng.nextInt(Math.min(40, depth));
        int a0 = rng.nextInt(depth - count + 1);
        int r = rng.nextInt(illegal ? 10 : 8);
        if (r < 4) {
            add(node, ChipReference.tileAddress(other, readBase + rng.nextInt(half - count + 1)), op, false, a0, 0, 0, count, 0, 0, 0);
        } else if (r < 8) {
            int n = 1 + rng.nextInt(Math.min(3 * g.cols(), g.scaleDepth()));
            int nb = cdiv(n, g.cols());
            int m = 1 + rng.nextInt(Math.min(3 * g.rows(), half / nb));
            int ch = g.cols() * rng.nextInt((g.scaleDepth() - n) / g.cols() + 1);
            int acc = rng.nextInt(g.accDepth() - m * nb + 1);
            add(node, ChipReference.tileAddress(node, writeBase + rng.nextInt(half - m * nb + 1)), GemmReference.STORE,
                    rng.nextBoolean(), acc, ch, 0, m, n, 0, 0);
        } else {
            int bad;
            do {
                bad = rng.nextInt(64);
            } while (p.gemmNodes().contains(bad) && bad != node);
            switch (rng.nextInt(3)) {
                case 0 -> add(node, ChipReference.tileAddress(bad, readBase), op, false, a0, 0, 0, count, 0, 0, 0); // BAD_TILE
                case 1 -> add(node, ChipReference.tileAddress(other, BUF - count + 1 + rng.nextInt(4)), op, false, a0, 0, 0, count,
                        0, 0, 0); // BAD_MEM
                default -> add(node, ChipReference.tileAddress(other, writeBase), GemmReference.STORE, false, 0, 0, 0, 1, 1, 0,
                        0); // another tile's buffer: BAD_TILE
            }
        }
    }

    private int half() {
        return p.memWords() / 2;
    }

    private int readBase() {
        return phase % 2 == 0 ? 0 : half();
    }

    /** A memory address to load {@code words} from: in this phase's read half. */
    private long readAddr(int words) {
        return readBase() + rng.nextInt(Math.max(1, half() - words + 1));
    }

    /** A memory address to store {@code words} to: in the tile's window of this phase's write half. */
    private long writeAddr(int node, int words) {
        int writers = tiles.size() + (kv != null ? 1 : 0) + (vector != null ? 1 : 0);
        int window = half() / writers;
        int index = node == p.kvNode() ? tiles.size() : node == p.vectorNode() ? writers - 1 : tiles.indexOf(node);
        int base = (phase % 2 == 0 ? half() : 0) + index * window;
        return base + rng.nextInt(Math.max(1, window - words + 1));
    }

    private void add(int node, long memAddr, int opcode, boolean flag, int a0, int a1, int a2, int count, int n, int k,
            int reserved) {
        out.add(new HostCommand(node, memAddr, new Command(opcode, out.size(), flag, a0, a1, a2, count, n, k, reserved)));
    }

    private int cdiv(int x, int d) {
        return (x + d - 1) / d;
    }

    private void next(int room) {
        GemmReference.Params g = p.gemm();
        int node = tiles.get(rng.nextInt(tiles.size()));
        if (tiles.size() > 1 && rng.nextInt(8) == 0) {
            tileToTile(node);
            return;
        }
        if (kv != null && rng.nextInt(3) == 0) {
            kv.next(kvOut, illegal);
            return;
        }
        if (vector != null && rng.nextInt(4) == 0) {
            out.add(vector.next(this::readAddr, words -> writeAddr(p.vectorNode(), words), out.size(), illegal));
            return;
        }
        int r = rng.nextInt(100);
        int m = 1 + rng.nextInt(3 * g.rows());
        int n = 1 + rng.nextInt(Math.min(3 * g.cols(), g.scaleDepth()));
        int k = 1 + rng.nextInt(4 * g.rows());
        int mb = cdiv(m, g.rows());
        int nb = cdiv(n, g.cols());
        if (r < 20 && room >= 5) {
            // a whole GEMM through memory
            int a0 = rng.nextInt(g.aDepth() - mb * k + 1);
            int b0 = rng.nextInt(g.bDepth() - nb * k + 1);
            int acc = rng.nextInt(g.accDepth() - mb * nb * g.rows() + 1);
            add(node, readAddr(mb * k), GemmReference.LOAD_A, false, a0, 0, 0, mb * k, 0, 0, 0);
            add(node, readAddr(nb * k), GemmReference.LOAD_B, false, b0, 0, 0, nb * k, 0, 0, 0);
            add(node, readAddr(n), GemmReference.LOAD_SCALE, false, 0, 0, 0, n, 0, 0, 0);
            add(node, 0, GemmReference.COMPUTE, rng.nextInt(4) == 0, a0, b0, acc, m, n, k, 0);
            output(node, acc, 0, m, n);
        } else if (r < 45) {
            int op = GemmReference.LOAD_A + rng.nextInt(3);
            int depth = op == GemmReference.LOAD_A ? g.aDepth() : op == GemmReference.LOAD_B ? g.bDepth() : g.scaleDepth();
            int count = 1 + rng.nextInt(Math.min(40, depth));
            add(node, readAddr(count), op, false, rng.nextInt(depth - count + 1), 0, 0, count, 0, 0, 0);
        } else if (r < 60) {
            int a0 = rng.nextInt(g.aDepth() - mb * k + 1);
            int b0 = rng.nextInt(g.bDepth() - nb * k + 1);
            int acc = rng.nextInt(g.accDepth() - mb * nb * g.rows() + 1);
            add(node, rng.nextLong() & 0xFFFFFFFFL, GemmReference.COMPUTE, rng.nextBoolean(), a0, b0, acc, m, n, k, 0);
        } else if (r < 75) {
            int ch = g.cols() * rng.nextInt((g.scaleDepth() - n) / g.cols() + 1);
            output(node, rng.nextInt(g.accDepth() - m * nb + 1), ch, m, n);
        } else if (r < 82 || !illegal) {
            add(node, 0, rng.nextBoolean() ? GemmReference.FENCE : GemmReference.CLEAR_COUNTERS, false, 0, 0, 0, 0, 0, 0, 0);
        } else {
            illegalCommand(node, m, n, k);
        }
    }

    /** Memory words of a READ_ACC of m × n results: ⌈cols / 2⌉ words per beat. */
    private int accWords(int m, int n) {
        GemmReference.Params g = p.gemm();
        return m * cdiv(n, g.cols()) * cdiv(g.cols(), 2);
    }

    /** A STORE (two thirds) or a READ_ACC (one third) of m × n results from accumulator word acc. */
    private void output(int node, int acc, int ch, int m, int n) {
        if (rng.nextInt(3) == 0) {
            add(node, writeAddr(node, accWords(m, n)), GemmReference.READ_ACC, rng.nextBoolean(), acc, ch, 0, m, n, 0, 0);
        } else {
            add(node, writeAddr(node, m * cdiv(n, p.gemm().cols())), GemmReference.STORE, rng.nextBoolean(), acc, ch, 0,
                    m, n, 0, 0);
        }
    }

    private void illegalCommand(int node, int m, int n, int k) {
        GemmReference.Params g = p.gemm();
        int count = 1 + rng.nextInt(20);
        switch (rng.nextInt(10)) {
            case 0 -> { // no GEMM, KV or vector tile there
                int bad;
                do {
                    bad = rng.nextInt(3) == 0 ? p.nodes() + rng.nextInt(256 - p.nodes()) : rng.nextInt(p.nodes());
                } while (p.gemmNodes().contains(bad) || bad == p.kvNode() || bad == p.vectorNode());
                add(bad, 0, GemmReference.LOAD_A, false, 0, 0, 0, count, 0, 0, 0);
            }
            case 1 -> add(node, p.memWords() - count + 1 + rng.nextInt(4), GemmReference.LOAD_B, false, 0, 0, 0, count, 0, 0, 0);
            case 2 -> add(node, rng.nextBoolean() ? 0xFFFFFFF0L : p.memWords() - 1, GemmReference.STORE, false, 0, 0, 0, 2,
                    g.cols() + 1, 0, 0);
            case 3 -> add(node, p.memWords() - accWords(m, n) + 1 + rng.nextInt(4), GemmReference.READ_ACC, false, 0, 0, 0,
                    m, n, 0, 0);
            case 4 -> add(node, 0, 9 + rng.nextInt(7), false, 0, 0, 0, count, n, k, 0);
            case 5 -> add(node, readAddr(count), GemmReference.LOAD_A, false, 0, 0, 0, count, 0, 0, 1 + rng.nextInt(0x7FFFF));
            case 6 -> add(node, readAddr(1), GemmReference.LOAD_SCALE, false, 0, 0, 0, 0, 0, 0, 0);
            case 7 -> add(node, readAddr(count), GemmReference.LOAD_B, false, g.bDepth() - count + 1, 0, 0, count, 0, 0, 0);
            case 8 -> add(node, 0, GemmReference.COMPUTE, false, g.aDepth() - 1, 0, 0, m, n, k + 1, 0);
            default -> add(node, writeAddr(node, m * 2), GemmReference.STORE, false, 0, g.cols() > 1 ? 1 : g.scaleDepth(), 0,
                    m, n, 0, 0);
        }
    }
}
