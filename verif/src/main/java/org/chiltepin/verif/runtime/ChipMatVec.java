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
 * The integer model's weight GEMVs (acc = W·x, int8 × int8, int32 sums) on the GEMM tiles of the
 * co-simulated chip ({@link ChipHarness}), one chip program per GEMV.
 *
 * <p>Why bit planes: through the chip a GEMM tile returns results only by STORE, which requantizes
 * each accumulator to a saturated int8 (READ_ACC is refused, docs/chip.md). So the GEMV runs as
 * 8 × 8 bit-plane products: A row r holds bit r of every x_k, B column 8n + j holds bit j of
 * W[n][k] (two's complement; bit 7 weighs −128), K split into chunks of at most 127 so every
 * sum S[r][8n+j] = Σ_k bit_r(x_k)·bit_j(W[n][k]) ∈ [0, 127] is stored exactly (scale 1, shift
 * 0). The host recombines acc[n] = Σ_{r,j} ±2^(r+j)·S[r][8n+j] — shifts and adds of exact
 * integers, the same int32 the golden model's {@link QMatrix#multiply} gives (checked on every
 * call). The cost: 64 array MACs and 8 memory bytes per weight instead of 1, until the chip
 * returns int32 results.
 *
 * <p>Placement: weight images (one 8-byte word per weight, its 8 bit planes) are built once per
 * matrix; each program's memory holds the scale words, the x planes, that matrix, and room for
 * the results. Blocks of output rows go round-robin to the GEMM tiles, each tile's steps use
 * alternating scratchpad halves (the next LOAD_B runs while this COMPUTE runs).
 */
public final class ChipMatVec implements LlamaIntReference.MatVec {
    private final ChipConfig config;
    private final Supplier<ChipHarness> compile;
    private ChipHarness chip;
    private final ChipReference.Params p;
    private final GemmReference.Params g;
    private final List<Integer> tiles;
    private final int mBlocks;
    private final Map<QMatrix, Plan> plans = new IdentityHashMap<>();
    private final Stats total = new Stats();
    private final ChipEvents events;
    private Stats token = new Stats();

    /** Figures of a span of GEMVs: chip cycles, memory-port bytes, useful and array MACs, checks. */
    public static final class Stats {
        public long gemvs;
        public long cycles;
        public long bytesRead;
        public long bytesWritten;
        public long usefulMacs;
        public long arrayMacs;
        public long weightBytes;
        public long mismatches;
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
        }
    }

    /** How one matrix is tiled: rows per block, K chunks, and its weight image. */
    private record Plan(int rowsPerBlock, int nBlocks, int chunk, int chunks, long[] image) {
    }

    /** A backend for {@code config}'s chip; {@code compile} builds its simulation when the first GEMV runs. */
    public ChipMatVec(ChipConfig config, Supplier<ChipHarness> compile) {
        this.config = config;
        this.compile = compile;
        p = ChipHarness.params(config);
        g = p.gemm();
        tiles = p.gemmNodes().stream().sorted().toList();
        events = new ChipEvents(config);
        mBlocks = (8 + g.rows() - 1) / g.rows();
        if (8 % g.cols() != 0 || 8 % g.rows() != 0) {
            throw new IllegalArgumentException("GEMM rows and cols must divide 8 (a result word holds 8 lanes), got "
                    + g.rows() + "x" + g.cols());
        }
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

    @Override
    public long[] multiply(QMatrix m, byte[] x) {
        Plan plan = plans.computeIfAbsent(m, this::plan);
        Program prog = program(m, plan, x);
        if (chip == null) {
            chip = compile.get();
        }
        ChipHarness.Report r = chip.run(List.of(prog.commands), prog.memory, 1, ChipHarness.Stalls.NONE);
        if (!r.passed()) {
            throw new IllegalStateException("chip GEMV " + m.rows() + "x" + m.cols() + ": " + r.failures()
                    + " failures, first: " + String.join("; ", r.mismatches()));
        }
        // The harness compared every memory word of the RTL with the chip golden model's; read the
        // results from that (identical) image.
        ChipReference model = new ChipReference(p, prog.memory);
        model.run(prog.commands);
        long[] acc = recombine(m, plan, model.memory(), prog.out);
        long[] want = m.multiply(x);
        Stats s = new Stats();
        s.gemvs = 1;
        s.cycles = r.lastResponse();
        s.bytesRead = r.bytesRead();
        s.bytesWritten = r.bytesWritten();
        s.usefulMacs = (long) m.rows() * m.cols();
        s.arrayMacs = prog.arrayMacs;
        s.weightBytes = (long) m.rows() * m.cols();
        s.mismatches = Arrays.equals(acc, want) ? 0 : 1;
        ChipEvents.Counts ev = events.of(prog.commands);
        s.sramBytes = ev.sramBytes();
        s.linkFlitHops = ev.linkFlitHops();
        s.loadBBytes = ev.loadBBytes();
        token.add(s);
        total.add(s);
        return acc;
    }

    /**
     * Checks that {@code m} fits the chip's external memory as bit planes with its operands and
     * results (one GEMV per program); a {@link ConfigException} naming {@code --chip} otherwise.
     */
    public void requireFits(QMatrix m, String chipName) {
        Plan plan = plans.computeIfAbsent(m, this::plan);
        int blocks = (m.rows() + plan.rowsPerBlock - 1) / plan.rowsPerBlock;
        long need = g.scaleDepth() + (long) plan.chunks * mBlocks * plan.chunk + plan.image.length
                + (long) blocks * plan.chunks * 8 * plan.nBlocks;
        if (need > p.memWords()) {
            throw new ConfigException("--chip", "external memory must hold a " + m.rows() + "x" + m.cols()
                    + " weight matrix as bit planes (" + need + " words), it has " + p.memWords(), chipName);
        }
    }

    private Plan plan(QMatrix m) {
        int accHalf = g.accDepth() / 2;
        int rows = Math.max(1, Math.min(g.scaleDepth() / 8, accHalf / (mBlocks * g.rows()) * g.cols() / 8));
        while (rows > 1 && 8 * rows % g.cols() != 0) {
            rows--;
        }
        rows = Math.min(rows, (m.rows() + tiles.size() - 1) / tiles.size());
        int nB = (8 * rows + g.cols() - 1) / g.cols();
        int kMax = Math.min(127, Math.min(g.aDepth() / 2 / mBlocks, g.bDepth() / 2 / nB));
        int chunks = (m.cols() + kMax - 1) / kMax;
        int chunk = (m.cols() + chunks - 1) / chunks;
        int blocks = (m.rows() + rows - 1) / rows;
        // image: block-major, then chunk: B word (nb, k) at nb·kc + k, lane l = column nb·cols + l
        long[] image = new long[blocks * chunks * nB * chunk];
        int at = 0;
        for (int b = 0; b < blocks; b++) {
            for (int c = 0; c < chunks; c++) {
                int k0 = c * chunk;
                int kc = Math.min(chunk, m.cols() - k0);
                for (int nb = 0; nb < nB; nb++) {
                    for (int k = 0; k < chunk; k++) {
                        long word = 0;
                        for (int l = 0; l < Math.min(8, g.cols()); l++) {
                            int col = nb * g.cols() + l;
                            int n = b * rows + col / 8;
                            if (k < kc && col < 8 * rows && n < m.rows()) {
                                int bit = (m.w()[n * m.cols() + k0 + k] >> (col % 8)) & 1;
                                word |= (long) bit << (8 * l);
                            }
                        }
                        image[at++] = word;
                    }
                }
            }
        }
        return new Plan(rows, nB, chunk, chunks, image);
    }

    /** A program, its starting memory, and where block b's chunk c results are. */
    private record Program(List<HostCommand> commands, long[] memory, int[][] out, long arrayMacs) {
    }

    private Program program(QMatrix m, Plan plan, byte[] x) {
        long[] mem = new long[p.memWords()];
        Arrays.fill(mem, ChipHarness.FRESH);
        int scales = g.scaleDepth();
        for (int i = 0; i < scales; i++) {
            mem[i] = 1; // mult 1, shift 0: STORE passes the exact sum
        }
        int xBase = scales;
        int aWords = mBlocks * plan.chunk;
        for (int c = 0; c < plan.chunks; c++) {
            for (int mb = 0; mb < mBlocks; mb++) {
                for (int k = 0; k < plan.chunk; k++) {
                    int xi = c * plan.chunk + k;
                    long word = 0;
                    for (int r = 0; r < g.rows() && r < 8; r++) {
                        int row = mb * g.rows() + r;
                        if (row < 8 && xi < m.cols()) {
                            word |= (long) ((x[xi] >> row) & 1) << (8 * r);
                        }
                    }
                    mem[xBase + c * aWords + mb * plan.chunk + k] = word;
                }
            }
        }
        int wBase = xBase + plan.chunks * aWords;
        int outBase = wBase + plan.image.length;
        int blocks = (m.rows() + plan.rowsPerBlock - 1) / plan.rowsPerBlock;
        int outWords = 8 * plan.nBlocks;
        if (outBase + (long) blocks * plan.chunks * outWords > p.memWords()) {
            throw new IllegalArgumentException("a " + m.rows() + "x" + m.cols() + " matrix does not fit the chip's "
                    + p.memWords() + "-word external memory as bit planes");
        }
        System.arraycopy(plan.image, 0, mem, wBase, plan.image.length);
        List<List<HostCommand>> perTile = new ArrayList<>();
        int[][] out = new int[blocks][plan.chunks];
        long arrayMacs = 0;
        int stepWords = plan.nBlocks * plan.chunk;
        for (int ti = 0; ti < tiles.size(); ti++) {
            Tile t = new Tile(tiles.get(ti));
            t.add(0, GemmReference.LOAD_SCALE, 0, 0, 0, 8 * plan.rowsPerBlock, 0, 0);
            for (int b = ti; b < blocks; b += tiles.size()) {
                for (int c = 0; c < plan.chunks; c++) {
                    int kc = plan.chunk;
                    int a = t.aBuf * (g.aDepth() / 2);
                    int bb = t.bBuf * (g.bDepth() / 2);
                    int acc = t.accBuf * (g.accDepth() / 2);
                    t.aBuf ^= 1;
                    t.bBuf ^= 1;
                    t.accBuf ^= 1;
                    t.add(xBase + c * aWords, GemmReference.LOAD_A, a, 0, 0, aWords, 0, 0);
                    t.add(wBase + (long) (b * plan.chunks + c) * stepWords, GemmReference.LOAD_B, bb, 0, 0, stepWords, 0, 0);
                    t.add(0, GemmReference.COMPUTE, a, bb, acc, 8, 8 * plan.rowsPerBlock, kc);
                    out[b][c] = outBase + (b * plan.chunks + c) * outWords;
                    t.add(out[b][c], GemmReference.STORE, acc, 0, 0, 8, 8 * plan.rowsPerBlock, 0);
                    arrayMacs += (long) mBlocks * g.rows() * plan.nBlocks * g.cols() * kc;
                }
            }
            perTile.add(t.out);
        }
        return new Program(ChipWorkloads.interleave(perTile), mem, out, arrayMacs);
    }

    /** One tile's commands with its own tags and scratchpad halves. */
    private static final class Tile {
        final int node;
        final List<HostCommand> out = new ArrayList<>();
        int aBuf;
        int bBuf;
        int accBuf;

        Tile(int node) {
            this.node = node;
        }

        void add(long memAddr, int op, int a0, int a1, int a2, int count, int n, int k) {
            out.add(new HostCommand(node, memAddr, Command.of(op, out.size() & 0xFF, false, a0, a1, a2, count, n, k)));
        }
    }

    /** acc[n] = Σ chunks Σ_{r,j} ±2^(r+j)·S[r][8n+j], S read from the STORE results (int8 lanes). */
    private long[] recombine(QMatrix m, Plan plan, long[] mem, int[][] out) {
        long[] acc = new long[m.rows()];
        int nB = plan.nBlocks;
        for (int b = 0; b < out.length; b++) {
            for (int c = 0; c < plan.chunks; c++) {
                for (int r = 0; r < 8; r++) {
                    for (int col = 0; col < 8 * plan.rowsPerBlock; col++) {
                        int n = b * plan.rowsPerBlock + col / 8;
                        if (n >= m.rows()) {
                            continue;
                        }
                        int j = col % 8;
                        long word = mem[out[b][c] + r * nB + col / g.cols()];
                        long s = (byte) (word >>> (8 * (col % g.cols())));
                        long weight = 1L << (r + j);
                        if ((r == 7) != (j == 7)) {
                            weight = -weight;
                        }
                        acc[n] += weight * s;
                    }
                }
            }
        }
        for (int n = 0; n < acc.length; n++) {
            acc[n] = (int) acc[n]; // the accumulators wrap at 32 bits
        }
        return acc;
    }
}
