package org.chiltepin.verif.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.ChipReference.KvCommand;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.golden.LlamaVectorOps.QVec;
import org.chiltepin.verif.llm.LlamaConfig;

/**
 * The model's K and V rows in the chip's KV tile (docs/llm.md §6.1): one sequence per layer,
 * ALLOCed at position 0; each position APPENDs one token per key/value head (token pos·G + g,
 * its K and V rows of headSize int8 values from two memory words the host wrote); attention
 * GATHERs the layer's K rows of positions 0..pos into memory and runs the scores q·Kᵀ as one GEMM
 * whose B operand is those rows loaded by a transposing LOAD_B ({@link #scoreSums}), and the
 * weighted values p·V as one GEMM whose B operand is loaded from the KV tile
 * ({@link #weightedSums}); READ_ACC returns the int32 sums of both. The rows' scales (mantissa and
 * exponent per position and head) stay with the host. Every gathered K row, every score and every
 * p·V result is compared with the golden model's (mismatches counted).
 *
 * <p>The chip's KV row is the KV cache's kvHeads·headDim bytes (8 on every chip preset, at most
 * one 8-byte memory word, docs/chip.md §3.2): one stories260K key/value head (headSize 8) per
 * token. A model whose head is wider than the row is refused.
 */
public final class ChipKvRows implements LlamaIntReference.KvRows {
    /** The external-memory window of the APPEND rows and the GATHER results (after the vector window). */
    public static final int MEM_BASE = ChipVectorOps.MEM_BASE + ChipVectorOps.MEM_WORDS;
    /** Tokens a layer's sequence may hold here: the GATHER window and the p·V GEMM's K (scratchpad words). */
    private static final int WINDOW = 4096;

    private final ChipRunner chip;
    private final ChipReference.Params p;
    private final int node;
    private final LlamaConfig c;
    private final int[] seq;
    /** The rows as appended, [layer][kv][pos]: the scales the host keeps, and what a gather must return. */
    private final QVec[][][][] appended;
    private final int gemmNode;
    private final GemmReference.Params gemm;
    private long mismatches;
    private long commands;
    private long cycles;
    private long bytes;
    private long gemmCommands;
    private long gemmCycles;
    private long gemmMacs;
    private long scoreCommands;
    private long scoreCycles;
    private long scoreMacs;
    /** The layer and positions whose K rows the last GATHER left in memory (the scores GEMM's B). */
    private int gatheredLayer = -1;
    private int gatheredN;

    /**
     * The rows of {@code c}'s model in {@code chip}'s KV tile; a {@link ConfigException} naming
     * {@code --chip} when the chip has no KV tile or its row is narrower than a head.
     */
    public ChipKvRows(ChipRunner chip, LlamaConfig c, String chipName) {
        this.chip = chip;
        this.c = c;
        p = chip.params();
        if (p.kv() == null) {
            throw new ConfigException("--chip", "must have a KV tile (the K and V rows live there)", chipName);
        }
        if (c.headSize() > p.kv().lanes()) {
            throw new ConfigException("--chip", "KV rows of " + p.kv().lanes() + " bytes must hold a head of "
                    + c.headSize() + " int8 values", chipName);
        }
        if (c.nLayers() > p.kv().maxSeqs()) {
            throw new ConfigException("--chip", "the KV tile's " + p.kv().maxSeqs() + " sequences must hold one per layer ("
                    + c.nLayers() + ")", chipName);
        }
        node = p.kvNode();
        gemm = p.gemm();
        gemmNode = p.gemmNodes().stream().sorted().findFirst().orElseThrow();
        if (!gemm.transposeLoad()) {
            throw new ConfigException("--chip", "GEMM tiles must have the transposing LOAD_B (the scores' B operand)",
                    chipName);
        }
        if (c.headSize() > gemm.cols() || c.headSize() > gemm.dataBytes()) {
            throw new ConfigException("--chip", "GEMM tiles of " + gemm.cols() + " columns must hold a head of "
                    + c.headSize() + " values (the p·V GEMM's N)", chipName);
        }
        seq = new int[c.nLayers()];
        appended = new QVec[c.nLayers()][2][c.seqLen()][];
    }

    /** Positions the KV tile holds for this model: every layer's sequence within its table and the page pool. */
    public int capacity() {
        ChipReference.KvParams kv = p.kv();
        // The scores GEMM's B holds ⌈n·G/cols⌉·headSize words.
        int scoreTokens = gemm.bDepth() / c.headSize() * gemm.cols();
        int perSeq = Math.min(Math.min(kv.maxTokens(), scoreTokens),
                Math.min(WINDOW, Math.min(gemm.aDepth() / mBlocks(), gemm.bDepth()))) / c.nKvHeads();
        int pool = kv.numPages() / c.nLayers() * kv.pageTokens() / c.nKvHeads();
        return Math.min(perSeq, pool);
    }

    public long mismatches() {
        return mismatches;
    }

    /** KV tile commands so far, the cycles of their programs, memory-port bytes. */
    public long commands() {
        return commands;
    }

    public long cycles() {
        return cycles;
    }

    public long bytes() {
        return bytes;
    }

    /**
     * Figures of a span: KV tile commands, their programs' cycles, memory-port bytes of the KV and
     * p·V programs, p·V GEMM commands, cycles and useful MACs, mismatches with the golden model.
     */
    public record Figures(long commands, long cycles, long bytes, long gemmCommands, long gemmCycles, long gemmMacs,
            long scoreCommands, long scoreCycles, long scoreMacs, long mismatches) {
        public Figures minus(Figures o) {
            return new Figures(commands - o.commands, cycles - o.cycles, bytes - o.bytes, gemmCommands - o.gemmCommands,
                    gemmCycles - o.gemmCycles, gemmMacs - o.gemmMacs, scoreCommands - o.scoreCommands,
                    scoreCycles - o.scoreCycles, scoreMacs - o.scoreMacs, mismatches - o.mismatches);
        }
    }

    /** The figures so far (p·V and the scores GEMMs apart). */
    public Figures figures() {
        return new Figures(commands, cycles, bytes, gemmCommands, gemmCycles, gemmMacs, scoreCommands, scoreCycles,
                scoreMacs, mismatches);
    }

    /** GEMM tile commands, cycles and MACs (useful, n·headSize per query head) of the p·V programs so far. */
    public long gemmCommands() {
        return gemmCommands;
    }

    public long gemmCycles() {
        return gemmCycles;
    }

    public long gemmMacs() {
        return gemmMacs;
    }

    private int mBlocks() {
        return (c.nHeads() + gemm.rows() - 1) / gemm.rows();
    }

    private HostCommand cmd(long memAddr, int op, int tag, int s, boolean v, int first, int count) {
        return new HostCommand(node, memAddr, KvCommand.of(op, tag, s, v, first, count));
    }

    private ChipRunner.Result run(Map<Integer, Long> writes, List<HostCommand> program) {
        ChipRunner.Result r = chip.run(writes, List.of(program));
        for (int i = 0; i < program.size(); i++) {
            ChipReference.Response q = r.responses().get(i);
            if (q.status() != 0) {
                throw new IllegalStateException("chip command " + program.get(i).opcode() + " on node "
                        + program.get(i).node() + " answered status " + q.status());
            }
        }
        bytes += r.bytesRead() + r.bytesWritten();
        return r;
    }

    private ChipRunner.Result runKv(Map<Integer, Long> writes, List<HostCommand> program) {
        ChipRunner.Result r = run(writes, program);
        commands += program.size();
        cycles += r.cycles();
        return r;
    }

    @Override
    public void append(int layer, int pos, QVec[] k, QVec[] v) {
        if (pos >= capacity()) {
            throw new ConfigException("--steps", "must be at most " + capacity() + ": the chip's KV tile holds that many"
                    + " positions of this model (" + p.kv().numPages() + " pages of " + p.kv().pageTokens() + " tokens, "
                    + c.nLayers() + " sequences of " + c.nKvHeads() + " rows per position)", pos + 1);
        }
        if (pos == 0) {
            ChipRunner.Result r = runKv(Map.of(), List.of(cmd(0, KvCacheReference.OP_ALLOC, 0, 0, false, 0, 0)));
            seq[layer] = (int) (r.responses().get(0).value() & 0xFF);
        }
        Map<Integer, Long> writes = new HashMap<>();
        List<HostCommand> program = new ArrayList<>();
        for (int g = 0; g < c.nKvHeads(); g++) {
            int a = MEM_BASE + 2 * g;
            writes.put(a, ChipReference.word(k[g].q()));
            writes.put(a + 1, ChipReference.word(v[g].q()));
            program.add(cmd(a, KvCacheReference.OP_APPEND, g, seq[layer], false, 0, 0));
        }
        runKv(writes, program);
        appended[layer][0][pos] = k;
        appended[layer][1][pos] = v;
    }

    /**
     * K rows: GATHERed from the KV tile into memory and read back (compared; the scores GEMM,
     * {@link #scoreSums}, loads them from there). V rows: the host's own scales; their int8 values
     * are never read back, the p·V GEMM ({@link #weightedSums}) loads them from the KV tile.
     */
    @Override
    public QVec[][] rows(int layer, boolean v, int n) {
        if (v) {
            QVec[][] out = new QVec[n][];
            System.arraycopy(appended[layer][1], 0, out, 0, n);
            return out;
        }
        int g = c.nKvHeads();
        int at = MEM_BASE + 2 * g;
        ChipRunner.Result r = runKv(Map.of(), List.of(cmd(at, KvCacheReference.OP_GATHER, 0, seq[layer], v, 0, n * g)));
        gatheredLayer = layer;
        gatheredN = n;
        QVec[][] out = new QVec[n][g];
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < g; h++) {
                QVec want = appended[layer][v ? 1 : 0][t][h];
                byte[] q = ChipReference.bytes(r.memory()[at + t * g + h], c.headSize());
                if (!Arrays.equals(q, want.q())) {
                    mismatches++;
                }
                out[t][h] = new QVec(q, want.mant(), want.exp());
            }
        }
        return out;
    }

    /**
     * Σ_t p[h][t]·V[t][h/kvMul] for all query heads as one GEMM on a GEMM tile: A (M = heads,
     * K = the layer's n·G tokens) from memory, lane h of word t·G + g' = p[h][t] where head h reads
     * key/value head g' and 0 elsewhere; B = the V rows LOADed straight from the KV tile (mem_addr
     * bit 31), token t·G + g' = B word k; COMPUTE; READ_ACC returns the int32 sums (two a word).
     */
    @Override
    public int[][] weightedSums(int layer, byte[][] p, int n, int kvMul) {
        int g = c.nKvHeads();
        int k = n * g;
        int mb = mBlocks();
        int aBase = MEM_BASE + 2 * g + WINDOW;
        int out = aBase + mb * WINDOW;
        Map<Integer, Long> writes = new HashMap<>();
        for (int b = 0; b < mb; b++) {
            for (int t = 0; t < n; t++) {
                for (int kv = 0; kv < g; kv++) {
                    long word = 0;
                    for (int r = 0; r < gemm.rows(); r++) {
                        int h = b * gemm.rows() + r;
                        if (h < p.length && h / kvMul == kv) {
                            word |= (p[h][t] & 0xFFL) << (8 * r);
                        }
                    }
                    writes.put(aBase + b * k + t * g + kv, word);
                }
            }
        }
        int hs = c.headSize();
        int[] tag = {0};
        List<HostCommand> program = List.of(
                gemmCmd(aBase, GemmReference.LOAD_A, tag, 0, 0, 0, mb * k, 0, 0),
                gemmCmd(ChipReference.kvAddress(true, seq[layer], 0), GemmReference.LOAD_B, tag, 0, 0, 0, k, 0, 0),
                gemmCmd(0, GemmReference.COMPUTE, tag, 0, 0, 0, p.length, hs, k),
                gemmCmd(out, GemmReference.READ_ACC, tag, 0, 0, 0, p.length, hs, 0));
        ChipRunner.Result r = run(writes, program);
        gemmCommands += program.size();
        gemmCycles += r.cycles();
        gemmMacs += (long) p.length * n * hs;
        int wordsPerBeat = (gemm.cols() + 1) / 2;
        int[][] sums = new int[p.length][hs];
        for (int h = 0; h < p.length; h++) {
            for (int i = 0; i < hs; i++) {
                sums[h][i] = (int) (r.memory()[out + h * wordsPerBeat + i / 2] >>> (32 * (i % 2)));
            }
        }
        int[][] want = LlamaIntReference.KvRows.super.weightedSums(layer, p, n, kvMul);
        if (!Arrays.deepEquals(sums, want)) {
            mismatches++;
        }
        return sums;
    }

    /**
     * q[h]·K[t][h/kvMul] for all query heads as one GEMM on a GEMM tile: A (M = heads, K = headSize)
     * the queries from memory, lane i of word mb·headSize + x = q[mb·rows + i][x]; B = the n·G K rows
     * the last GATHER left in memory (row u = t·G + g'), loaded by a transposing LOAD_B so that
     * B[x][u] = K_u[x]; COMPUTE (N = n·G: every head against every key/value head's rows, the
     * host keeps column t·G + h/kvMul); READ_ACC returns the int32 scores. Each score is compared
     * with the golden model's (a mismatch each).
     */
    @Override
    public int[][] scoreSums(int layer, byte[][] q, int n, int kvMul) {
        if (gatheredLayer != layer || gatheredN != n) {
            rows(layer, false, n);
        }
        int g = c.nKvHeads();
        int hs = c.headSize();
        int tokens = n * g;
        int mb = mBlocks();
        int rowsAt = MEM_BASE + 2 * g;
        int aBase = rowsAt + WINDOW + (mb + 1) * WINDOW;
        int out = aBase + WINDOW;
        Map<Integer, Long> writes = new HashMap<>();
        for (int b = 0; b < mb; b++) {
            for (int x = 0; x < hs; x++) {
                long word = 0;
                for (int r = 0; r < gemm.rows(); r++) {
                    int h = b * gemm.rows() + r;
                    if (h < q.length) {
                        word |= (q[h][x] & 0xFFL) << (8 * r);
                    }
                }
                writes.put(aBase + b * hs + x, word);
            }
        }
        int[] tag = {0};
        int cols = gemm.cols();
        List<HostCommand> program = new ArrayList<>(List.of(
                gemmCmd(aBase, GemmReference.LOAD_A, tag, 0, 0, 0, mb * hs, 0, 0),
                new HostCommand(gemmNode, rowsAt, GemmReference.Command.loadBTransposed(tag[0]++, 0, tokens, hs))));
        // COMPUTE and READ_ACC in chunks of N that fit the accumulators (⌈N/cols⌉·rows words per block of heads).
        int chunk = gemm.accDepth() / (mb * gemm.rows()) * cols;
        int wordsPerBeat = (cols + 1) / 2;
        int chunks = (tokens + chunk - 1) / chunk;
        int[] outAt = new int[chunks];
        for (int i = 0, at = out; i < chunks; i++) {
            int len = Math.min(chunk, tokens - i * chunk);
            outAt[i] = at;
            program.add(gemmCmd(0, GemmReference.COMPUTE, tag, 0, i * chunk / cols * hs, 0, q.length, len, hs));
            program.add(gemmCmd(at, GemmReference.READ_ACC, tag, 0, 0, 0, q.length, len, 0));
            at += q.length * ((len + cols - 1) / cols) * wordsPerBeat;
        }
        ChipRunner.Result r = run(writes, program);
        scoreCommands += program.size();
        scoreCycles += r.cycles();
        scoreMacs += (long) q.length * n * hs;
        int[][] sums = new int[q.length][n];
        for (int h = 0; h < q.length; h++) {
            for (int t = 0; t < n; t++) {
                int u = t * g + h / kvMul;
                int i = u / chunk;
                int beats = (Math.min(chunk, tokens - i * chunk) + cols - 1) / cols;
                int lane = u % cols;
                long word = r.memory()[outAt[i] + (h * beats + u % chunk / cols) * wordsPerBeat + lane / 2];
                sums[h][t] = (int) (word >>> (32 * (lane % 2)));
            }
        }
        int[][] want = LlamaIntReference.KvRows.dots(appended[layer][0], q, n, kvMul); // the rows as appended
        for (int h = 0; h < q.length; h++) {
            for (int t = 0; t < n; t++) {
                if (sums[h][t] != want[h][t]) {
                    mismatches++;
                }
            }
        }
        return sums;
    }

    private HostCommand gemmCmd(long memAddr, int op, int[] tag, int a0, int a1, int a2, int count, int n, int k) {
        return new HostCommand(gemmNode, memAddr, GemmReference.Command.of(op, tag[0]++, false, a0, a1, a2, count, n, k));
    }
}
