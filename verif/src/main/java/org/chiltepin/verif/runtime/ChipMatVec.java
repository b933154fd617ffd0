package org.chiltepin.verif.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.chip.ChipWorkloads;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Command;
import org.chiltepin.verif.golden.LlamaInt8Weights.QMatrix;
import org.chiltepin.verif.golden.LlamaIntReference;

/**
 * The integer model's weight GEMMs (acc = W·x, int8 × int8, int32 sums) on the GEMM tiles of the
 * co-simulated chip ({@link ChipHarness}): one int8 GEMM per output slice, results read back raw
 * by READ_ACC (docs/chip.md §3.1, two int32 lanes per memory word).
 *
 * <p>Mapping: x (B activation rows, B = 1 for a GEMV) is A — M = B, A word (mb, k) lane i =
 * x[mb·rows + i][k] — and Wᵀ is B, so the output dimension N is the GEMM's N. Each matrix's N is
 * cut into column blocks of {@code cols}, spread as evenly as possible over all GEMM tiles; a
 * tile's slice of every matrix sits in external memory as B words (block nb, step k at
 * {@code addr + nb·K + k}), placed once by {@link #place} and never written again. A chip program
 * runs a group of matrices that read the same x (Q, K and V; W1 and W3; registered with
 * {@link #group}): each tile loads x once, then its slices in pieces of at most 4 column blocks,
 * software-pipelined as L(0) C(0) L(1) R(0) C(1) … (LOAD_B, COMPUTE, READ_ACC; B and accumulator
 * halves alternate) so the next piece's weights stream in while this one computes; the tiles'
 * command lists are interleaved so every tile's DMA is in flight together.
 * A call for the first matrix of a group runs the whole group; the others' results are kept for
 * their calls with the same x. Every result is compared with {@link QMatrix#multiply}.
 */
public final class ChipMatVec implements LlamaIntReference.MatVec {
    private final ChipConfig config;
    private final Supplier<ChipHarness> compile;
    private ChipHarness chip;
    private final ChipReference.Params p;
    private final GemmReference.Params g;
    private final List<Integer> tiles;
    /** Memory words of one READ_ACC beat. */
    private final int parts;
    /** External memory as every program starts it: the placed weights, the rest never written. */
    private final long[] image;
    /** First memory word after the placed weights. */
    private int weightTop;
    private final Map<QMatrix, Slice[]> placed = new IdentityHashMap<>();
    private final Map<QMatrix, List<QMatrix>> groups = new IdentityHashMap<>();
    /** Results of a group's other matrices, for their calls with the same activations. */
    private final Map<QMatrix, long[][]> kept = new IdentityHashMap<>();
    private byte[][] keptFor;
    private final Stats total = new Stats();
    private final ChipEvents events;
    private Stats token = new Stats();

    /** Figures of a span of GEMMs: chip cycles, memory-port bytes, useful and array MACs, checks. */
    public static final class Stats {
        /** Weight GEMMs (one per matrix and call, whatever the batch). */
        public long gemvs;
        /** Cycles from a program's start to its last response, summed over programs. */
        public long cycles;
        public long bytesRead;
        public long bytesWritten;
        /** B · N · K per GEMM. */
        public long usefulMacs;
        /** MACs the arrays ran (padding rows and columns included). */
        public long arrayMacs;
        /** N · K per GEMM: each weight byte once, whatever the batch. */
        public long weightBytes;
        public long mismatches;
        /** Chip programs run (one per group of matrices sharing x, per sub-batch). */
        public long programs;
        /** Activation rows multiplied, summed over GEMMs (B per GEMM). */
        public long rows;
        /** On-chip SRAM bytes read or written and mesh flit-hops, counted from the programs ({@link ChipEvents}). */
        public long sramBytes;
        public long linkFlitHops;
        /** Memory-port bytes of the weight loads (LOAD_B), the part a batch of activation rows shares. */
        public long loadBBytes;

        void add(Stats s) {
            loadBBytes += s.loadBBytes;
            sramBytes += s.sramBytes;
            linkFlitHops += s.linkFlitHops;
            gemvs += s.gemvs;
            cycles += s.cycles;
            bytesRead += s.bytesRead;
            bytesWritten += s.bytesWritten;
            usefulMacs += s.usefulMacs;
            arrayMacs += s.arrayMacs;
            weightBytes += s.weightBytes;
            mismatches += s.mismatches;
            programs += s.programs;
            rows += s.rows;
        }
    }

    /** A tile's part of a matrix: output columns n0 .. n0 + n − 1 in {@code blocks} B blocks at {@code addr}. */
    private record Slice(int n0, int n, int blocks, int addr) {
    }

    /** Column blocks of one tile's slice that one LOAD_B, COMPUTE, READ_ACC handle: at most this many. */
    private static final int PIECE_BLOCKS = 4;

    /** Part of a slice run as one LOAD_B, COMPUTE, READ_ACC: matrix index, columns, weights, results. */
    private record Piece(int matrix, int n0, int n, int blocks, int wAddr, int outAddr) {
    }

    /** A backend for {@code config}'s chip; {@code compile} builds its simulation when the first GEMM runs. */
    public ChipMatVec(ChipConfig config, Supplier<ChipHarness> compile) {
        this.config = config;
        this.compile = compile;
        p = ChipHarness.params(config);
        g = p.gemm();
        tiles = p.gemmNodes().stream().sorted().toList();
        parts = (g.cols() + 1) / 2;
        events = new ChipEvents(config);
        image = new long[p.memWords()];
        Arrays.fill(image, ChipHarness.FRESH);
    }

    public ChipConfig config() {
        return config;
    }

    /** MACs the GEMM tiles can do per cycle together. */
    public long macsPerCycle() {
        return (long) tiles.size() * g.rows() * g.cols();
    }

    /** Figures since the last {@link #nextToken()} call. */
    public Stats token() {
        return token;
    }

    /** Figures of the whole run. */
    public Stats total() {
        return total;
    }

    /** Starts a new token's figures. */
    public void nextToken() {
        token = new Stats();
    }

    /**
     * Declares matrices that are always multiplied by the same activations, in this order (e.g. Q,
     * K, V): the call for the first runs them all in one chip program.
     */
    public void group(QMatrix... ms) {
        List<QMatrix> list = List.of(ms);
        for (QMatrix m : ms) {
            if (m.cols() != ms[0].cols()) {
                throw new IllegalArgumentException("group: every matrix must have K = " + ms[0].cols() + ", got " + m.cols());
            }
            groups.put(m, list);
        }
    }

    @Override
    public long[] multiply(QMatrix m, byte[] x) {
        return matmul(m, new byte[][] {x})[0];
    }

    /** acc[b] = W·xs[b] for every activation row (a batch reads the weights once). */
    public long[][] matmul(QMatrix m, byte[][] xs) {
        long[][] have = kept.remove(m);
        if (have != null && Arrays.deepEquals(keptFor, xs)) {
            return have;
        }
        List<QMatrix> group = groups.getOrDefault(m, List.of(m));
        long[][][] all = matmul(group, xs);
        kept.clear();
        keptFor = Arrays.stream(xs).map(byte[]::clone).toArray(byte[][]::new);
        for (int i = 0; i < group.size(); i++) {
            if (group.get(i) != m) {
                kept.put(group.get(i), all[i]);
            }
        }
        return all[group.indexOf(m)];
    }

    /**
     * acc[j][b] = ms[j]·xs[b]: matrices with the same K, on the same activations, in one chip
     * program per sub-batch that fits the scratchpads.
     */
    public long[][][] matmul(List<QMatrix> ms, byte[][] xs) {
        int k = ms.get(0).cols();
        int maxBlocks = 1;
        for (QMatrix m : ms) {
            if (m.cols() != k) {
                throw new IllegalArgumentException("matmul: every matrix must have K = " + k + ", got " + m.cols());
            }
            place(m);
            for (Slice s : placed.get(m)) {
                maxBlocks = Math.max(maxBlocks, s.blocks);
            }
        }
        // a sub-batch's accumulators fill at most half the accumulator memory, its A words half the A scratchpad
        int batch = Math.min(g.accDepth() / 2 / maxBlocks, g.rows() * (g.aDepth() / 2 / k));
        if (batch < 1) {
            throw new IllegalArgumentException("a K = " + k + " GEMM does not fit half of the chip's scratchpads");
        }
        long[][][] out = new long[ms.size()][xs.length][];
        for (int b0 = 0; b0 < xs.length; b0 += batch) {
            byte[][] sub = Arrays.copyOfRange(xs, b0, Math.min(xs.length, b0 + batch));
            long[][][] r = run(ms, sub);
            for (int j = 0; j < ms.size(); j++) {
                System.arraycopy(r[j], 0, out[j], b0, sub.length);
            }
        }
        return out;
    }

    /**
     * Places {@code m} in external memory unless it is there already, and checks that the chip's
     * memory holds it with every placed matrix, activations and results; a {@link ConfigException}
     * naming {@code --chip} otherwise.
     */
    public void requireFits(QMatrix m, String chipName) {
        int before = weightTop;
        if (!placed.containsKey(m) && weightTop + weightWords(m) + scratchWords(m) > p.memWords()) {
            throw new ConfigException("--chip", "external memory must hold the int8 weights placed so far and a "
                    + m.rows() + "x" + m.cols() + " matrix with its activations and results (" + (before + weightWords(m)
                    + scratchWords(m)) + " words), it has " + p.memWords(), chipName);
        }
        place(m);
    }

    /** B words of m over all tiles. */
    private int weightWords(QMatrix m) {
        return (m.rows() + g.cols() - 1) / g.cols() * m.cols();
    }

    /** Words a one-row program of m needs beyond the weights: A words and READ_ACC results. */
    private int scratchWords(QMatrix m) {
        return m.cols() + (m.rows() + g.cols() - 1) / g.cols() * parts;
    }

    /** Writes m's slices into the memory image (once per matrix). */
    private void place(QMatrix m) {
        if (placed.containsKey(m)) {
            return;
        }
        int blocks = (m.rows() + g.cols() - 1) / g.cols();
        int k = m.cols();
        Slice[] slices = new Slice[tiles.size()];
        int start = 0;
        for (int t = 0; t < tiles.size(); t++) {
            int count = blocks / tiles.size() + (t < blocks % tiles.size() ? 1 : 0);
            int n0 = start * g.cols();
            slices[t] = new Slice(n0, Math.max(0, Math.min(m.rows(), (start + count) * g.cols()) - n0), count, weightTop);
            if (weightTop + count * k > p.memWords()) {
                throw new IllegalArgumentException("a " + m.rows() + "x" + k + " matrix does not fit the chip's "
                        + p.memWords() + "-word external memory");
            }
            for (int nb = 0; nb < count; nb++) {
                for (int kk = 0; kk < k; kk++) {
                    long word = 0;
                    for (int j = 0; j < g.cols(); j++) {
                        int n = n0 + nb * g.cols() + j;
                        if (n < m.rows()) {
                            word |= (m.w()[n * k + kk] & 0xFFL) << (8 * j);
                        }
                    }
                    image[weightTop++] = word;
                }
            }
            start += count;
        }
        placed.put(m, slices);
    }

    /** One chip program: every tile loads x once, then LOAD_B, COMPUTE, READ_ACC per slice of each matrix. */
    private long[][][] run(List<QMatrix> ms, byte[][] xs) {
        int k = ms.get(0).cols();
        int bRows = xs.length;
        int mBlocks = (bRows + g.rows() - 1) / g.rows();
        long[] mem = image.clone();
        int xBase = weightTop;
        for (int mb = 0; mb < mBlocks; mb++) {
            for (int kk = 0; kk < k; kk++) {
                long word = 0;
                for (int i = 0; i < g.rows() && mb * g.rows() + i < bRows; i++) {
                    word |= (xs[mb * g.rows() + i][kk] & 0xFFL) << (8 * i);
                }
                mem[xBase + mb * k + kk] = word;
            }
        }
        int outTop = xBase + mBlocks * k;
        List<List<HostCommand>> perTile = new ArrayList<>();
        List<Piece> pieces = new ArrayList<>();
        long arrayMacs = 0;
        for (int t = 0; t < tiles.size(); t++) {
            // the tile's slices cut into pieces of at most PIECE_BLOCKS blocks (at least two when it
            // has two blocks), so the next piece's weights stream in while this one computes
            List<Piece> mine = new ArrayList<>();
            for (int j = 0; j < ms.size(); j++) {
                Slice s = placed.get(ms.get(j))[t];
                int size = Math.max(1, Math.min(Math.min(PIECE_BLOCKS, (s.blocks + 1) / 2), g.bDepth() / 2 / k));
                for (int c = 0; c < s.blocks; c += size) {
                    int blocks = Math.min(size, s.blocks - c);
                    int n0 = s.n0 + c * g.cols();
                    int n = Math.min(s.n0 + s.n, n0 + blocks * g.cols()) - n0;
                    mine.add(new Piece(j, n0, n, blocks, s.addr + c * k, outTop));
                    outTop += bRows * blocks * parts;
                    arrayMacs += (long) mBlocks * g.rows() * blocks * g.cols() * k;
                }
            }
            if (outTop > p.memWords()) {
                throw new IllegalArgumentException("results do not fit the chip's " + p.memWords() + "-word memory");
            }
            pieces.addAll(mine);
            // software pipeline (engine dispatch is in order): LOAD_A, L(0) C(0), then L(i) R(i−1) C(i),
            // then R(last); piece i uses B and accumulator half i mod 2
            List<HostCommand> cmds = new ArrayList<>();
            int node = tiles.get(t);
            if (!mine.isEmpty()) {
                add(cmds, node, xBase, GemmReference.LOAD_A, 0, 0, 0, mBlocks * k, 0, 0);
            }
            for (int i = 0; i < mine.size(); i++) {
                Piece c = mine.get(i);
                int b0 = i % 2 * (g.bDepth() / 2);
                add(cmds, node, c.wAddr, GemmReference.LOAD_B, b0, 0, 0, c.blocks * k, 0, 0);
                if (i > 0) {
                    readAcc(cmds, node, mine.get(i - 1), (i - 1) % 2, bRows);
                }
                add(cmds, node, 0, GemmReference.COMPUTE, 0, b0, i % 2 * (g.accDepth() / 2), bRows, c.n, k);
            }
            if (!mine.isEmpty()) {
                readAcc(cmds, node, mine.get(mine.size() - 1), (mine.size() - 1) % 2, bRows);
            }
            perTile.add(cmds);
        }
        List<HostCommand> program = ChipWorkloads.interleave(perTile);
        if (chip == null) {
            chip = compile.get();
        }
        ChipHarness.Report r = chip.run(List.of(program), mem, 1, ChipHarness.Stalls.NONE);
        if (!r.passed()) {
            throw new IllegalStateException("chip GEMM of " + ms.size() + " matrices, K = " + k + ": " + r.failures()
                    + " failures, first: " + String.join("; ", r.mismatches()));
        }
        // The harness compared every memory word of the RTL with the chip golden model's; read the
        // results from that (identical) image.
        ChipReference model = new ChipReference(p, mem);
        model.run(program);
        long[] got = model.memory();
        Stats st = new Stats();
        st.programs = 1;
        st.cycles = r.lastResponse();
        st.bytesRead = r.bytesRead();
        st.bytesWritten = r.bytesWritten();
        st.arrayMacs = arrayMacs;
        ChipEvents.Counts ev = events.of(program);
        st.sramBytes = ev.sramBytes();
        st.linkFlitHops = ev.linkFlitHops();
        st.loadBBytes = ev.loadBBytes();
        long[][][] out = new long[ms.size()][bRows][];
        for (int j = 0; j < ms.size(); j++) {
            QMatrix m = ms.get(j);
            for (int b = 0; b < bRows; b++) {
                long[] y = new long[m.rows()];
                for (Piece s : pieces) {
                    for (int c = 0; c < s.n && s.matrix == j; c++) {
                        int lane = c % g.cols();
                        long word = got[s.outAddr + (b * s.blocks + c / g.cols()) * parts + lane / 2];
                        y[s.n0 + c] = (int) (word >>> (32 * (lane % 2)));
                    }
                }
                out[j][b] = y;
                st.mismatches += Arrays.equals(y, m.multiply(xs[b])) ? 0 : 1;
            }
            st.gemvs++;
            st.rows += bRows;
            st.usefulMacs += (long) bRows * m.rows() * k;
            st.weightBytes += (long) m.rows() * k;
        }
        token.add(st);
        total.add(st);
        return out;
    }

    private void readAcc(List<HostCommand> cmds, int node, Piece c, int half, int bRows) {
        add(cmds, node, c.outAddr, GemmReference.READ_ACC, half * (g.accDepth() / 2), 0, 0, bRows, c.n, 0);
    }

    private static void add(List<HostCommand> cmds, int node, long memAddr, int op, int a0, int a1, int a2, int count,
            int n, int k) {
        cmds.add(new HostCommand(node, memAddr, Command.of(op, cmds.size() & 0xFF, false, a0, a1, a2, count, n, k)));
    }
}
