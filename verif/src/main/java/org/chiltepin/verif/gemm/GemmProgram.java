package org.chiltepin.verif.gemm;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Command;
import org.chiltepin.verif.golden.GemmReference.Params;

/**
 * A command program for the GEMM engine and the data beats its LOAD commands consume, in order:
 * the software view of the engine. Tags count up from 0 (mod 256), so responses can be matched.
 * {@link #gemm} tiles a whole int8 GEMM with double buffering.
 */
public final class GemmProgram {
    private final Params params;
    private final List<Command> commands = new ArrayList<>();
    private final List<byte[]> data = new ArrayList<>();
    private int nextTag;
    private int[] lastAccRegion = {0, 0, 0};

    public GemmProgram(Params params) {
        this.params = params;
    }

    public Params params() {
        return params;
    }

    public List<Command> commands() {
        return commands;
    }

    public List<byte[]> data() {
        return data;
    }

    private int tag() {
        return nextTag++ & 0xFF;
    }

    public GemmProgram add(Command raw) {
        commands.add(raw);
        return this;
    }

    public GemmProgram addData(byte[] beat) {
        data.add(beat);
        return this;
    }

    public GemmProgram fence() {
        return add(Command.of(GemmReference.FENCE, tag(), false, 0, 0, 0, 0, 0, 0));
    }

    /** LOAD_A of the given words (each {@code rows} int8 values) at {@code addr}. */
    public GemmProgram loadA(int addr, List<int[]> words) {
        add(Command.of(GemmReference.LOAD_A, tag(), false, addr, 0, 0, words.size(), 0, 0));
        words.forEach(w -> data.add(beat(w)));
        return this;
    }

    public GemmProgram loadB(int addr, List<int[]> words) {
        add(Command.of(GemmReference.LOAD_B, tag(), false, addr, 0, 0, words.size(), 0, 0));
        words.forEach(w -> data.add(beat(w)));
        return this;
    }

    /**
     * A transposing LOAD_B (an engine with {@code transposeLoad}): row t, {@code k} values, goes down
     * lane t mod cols of B words {@code addr + ⌊t/cols⌋·k + j}, so a COMPUTE with B at {@code addr},
     * K = k and N = rows multiplies by the rows' transpose.
     */
    public GemmProgram loadBTransposed(int addr, List<int[]> rows, int k) {
        add(Command.loadBTransposed(tag(), addr, rows.size(), k));
        rows.forEach(r -> data.add(beat(r)));
        return this;
    }

    /** LOAD_SCALE of channels {@code channel..}: multiplier (int16) and shift (0..255) each. */
    public GemmProgram loadScales(int channel, int[] mult, int[] shift) {
        add(Command.of(GemmReference.LOAD_SCALE, tag(), false, channel, 0, 0, mult.length, 0, 0));
        for (int i = 0; i < mult.length; i++) {
            byte[] b = new byte[params.dataBytes()];
            b[0] = (byte) mult[i];
            b[1] = (byte) (mult[i] >> 8);
            b[2] = (byte) shift[i];
            data.add(b);
        }
        return this;
    }

    public GemmProgram compute(int aAddr, int bAddr, int accAddr, int m, int n, int k, boolean accumulate) {
        return add(Command.of(GemmReference.COMPUTE, tag(), accumulate, aAddr, bAddr, accAddr, m, n, k));
    }

    public GemmProgram store(int accAddr, int scaleChannel, int m, int n, boolean relu) {
        return add(Command.of(GemmReference.STORE, tag(), relu, accAddr, scaleChannel, 0, m, n, 0));
    }

    public GemmProgram readAcc(int accAddr, int m, int n) {
        return add(Command.of(GemmReference.READ_ACC, tag(), false, accAddr, 0, 0, m, n, 0));
    }

    public GemmProgram readCounter(int index) {
        return add(Command.of(GemmReference.READ_COUNTER, tag(), false, index, 0, 0, 0, 0, 0));
    }

    public GemmProgram clearCounters() {
        return add(Command.of(GemmReference.CLEAR_COUNTERS, tag(), false, 0, 0, 0, 0, 0, 0));
    }

    private byte[] beat(int[] lanes) {
        byte[] b = new byte[params.dataBytes()];
        for (int i = 0; i < lanes.length; i++) {
            b[i] = (byte) lanes[i];
        }
        return b;
    }

    /** Where a tiled GEMM's int8 results land in the STORE output, beat by beat. */
    public record Block(int row0, int col0, int rows, int cols) {
    }

    /**
     * Appends a whole GEMM C = requant(A·B) (A: M×K, B: K×N int8; per-column scales), tiled to
     * the scratchpads with double buffering: A, B and accumulator memories are split in halves,
     * and the next step's operands are loaded while the current step computes. Returns the
     * output blocks in STORE order (each block emits rows × ⌈cols/arrayCols⌉ beats).
     */
    public List<Block> gemm(int[][] a, int[][] b, int[] mult, int[] shift, boolean relu) {
        int rows = params.rows();
        int cols = params.cols();
        int m = a.length;
        int k = b.length;
        int n = b[0].length;
        int aHalf = params.aDepth() / 2;
        int bHalf = params.bDepth() / 2;
        int accHalf = params.accDepth() / 2;
        // Output block: mbPer × nbPer array tiles, as square as the accumulator half allows.
        int mbNeed = ceil(m, rows);
        int nbNeed = ceil(n, cols);
        int mbPer = Math.min(mbNeed, 8);
        int nbPer = Math.min(nbNeed, 8);
        int kChunk;
        int blockRows;
        if (params.weightStationary()) {
            // Weight-stationary: an output block is up to blockRows A rows (long passes keep the
            // array busy) × nbPer column tiles; K is split in multiples of rows.
            while (nbPer > 1 && nbPer * rows > bHalf) {
                nbPer--;
            }
            blockRows = Math.min(m, Math.min(aHalf, accHalf / nbPer));
            int kBlocks = Math.min(ceil(k, rows), Math.min(aHalf / Math.max(1, blockRows), bHalf / (nbPer * rows)));
            kChunk = Math.min(k, kBlocks * rows);
        } else {
            while (mbPer * rows * nbPer > accHalf) {
                if (mbPer >= nbPer && mbPer > 1) {
                    mbPer--;
                } else {
                    nbPer--;
                }
            }
            blockRows = mbPer * rows;
            kChunk = Math.min(k, Math.min(aHalf / mbPer, bHalf / nbPer));
        }
        if (kChunk < 1 || nbPer < 1 || blockRows < 1) {
            throw new IllegalArgumentException("the scratchpads are too small for one array tile");
        }
        boolean scalesOnce = n <= params.scaleDepth();
        if (scalesOnce) {
            loadScales(0, mult, shift);
        }
        int blockCols = nbPer * cols;
        List<Step> steps = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        for (int mt = 0; mt * blockRows < m; mt++) {
            for (int nt = 0; nt * blockCols < n; nt++) {
                blocks.add(new Block(mt * blockRows, nt * blockCols, Math.min(blockRows, m - mt * blockRows),
                        Math.min(blockCols, n - nt * blockCols)));
                for (int k0 = 0; k0 < k; k0 += kChunk) {
                    steps.add(new Step(mt, nt, k0, Math.min(kChunk, k - k0), k0 + kChunk >= k));
                }
            }
        }
        // Program order: L(0) C(0) L(1) [S] C(1) L(2) [S] ... — each load is issued while the
        // previous compute runs, each store while the next compute runs.
        int blockIndex = 0;
        loadStep(a, b, steps.get(0), 0, blockRows, blockCols, m, n);
        for (int s = 0; s < steps.size(); s++) {
            Step st = steps.get(s);
            Block blk = blocks.get(blockIndex);
            int buf = s % 2;
            int accBase = (blockIndex % 2) * accHalf;
            compute(buf * aHalf, buf * bHalf, accBase, blk.rows(), blk.cols(), st.kLen(), st.k0() > 0);
            if (s + 1 < steps.size()) {
                loadStep(a, b, steps.get(s + 1), (s + 1) % 2, blockRows, blockCols, m, n);
            }
            if (st.last()) {
                lastAccRegion = new int[] {accBase, blk.rows(), blk.cols()};
                if (scalesOnce) {
                    store(accBase, blk.col0(), blk.rows(), blk.cols(), relu);
                } else {
                    int[] bm = java.util.Arrays.copyOfRange(mult, blk.col0(), blk.col0() + blk.cols());
                    int[] bs = java.util.Arrays.copyOfRange(shift, blk.col0(), blk.col0() + blk.cols());
                    loadScales(0, bm, bs);
                    store(accBase, 0, blk.rows(), blk.cols(), relu);
                }
                blockIndex++;
            }
        }
        return blocks;
    }

    /** One COMPUTE of a tiled GEMM: output block (mt, nt), K range [k0, k0 + kLen). */
    private record Step(int mt, int nt, int k0, int kLen, boolean last) {
    }

    private void loadStep(int[][] a, int[][] b, Step st, int buf, int blockRows, int blockCols, int m, int n) {
        if (params.weightStationary()) {
            loadStepWeightStationary(a, b, st, buf, blockRows, blockCols, m, n);
            return;
        }
        int mt = st.mt();
        int nt = st.nt();
        int k0 = st.k0();
        int kLen = st.kLen();
        int rows = params.rows();
        int cols = params.cols();
        int mBlocks = ceil(Math.min(blockRows, m - mt * blockRows), rows);
        int nBlocks = ceil(Math.min(blockCols, n - nt * blockCols), cols);
        List<int[]> aw = new ArrayList<>();
        for (int mb = 0; mb < mBlocks; mb++) {
            for (int x = 0; x < kLen; x++) {
                int[] w = new int[rows];
                for (int i = 0; i < rows; i++) {
                    int row = mt * blockRows + mb * rows + i;
                    w[i] = row < m ? a[row][k0 + x] : 0;
                }
                aw.add(w);
            }
        }
        List<int[]> bw = new ArrayList<>();
        for (int nb = 0; nb < nBlocks; nb++) {
            for (int x = 0; x < kLen; x++) {
                int[] w = new int[cols];
                for (int j = 0; j < cols; j++) {
                    int col = nt * blockCols + nb * cols + j;
                    w[j] = col < n ? b[k0 + x][col] : 0;
                }
                bw.add(w);
            }
        }
        loadA(buf * (params.aDepth() / 2), aw);
        loadB(buf * (params.bDepth() / 2), bw);
    }

    /**
     * Weight-stationary layouts: A word (kb, row) = A[row][k0 + kb·rows + i] in lane i, at
     * kb·M + row; B words (nb, kb, i) = B[k0 + kb·rows + i][col0 + nb·cols + j] in lane j, at
     * (nb·kBlocks + kb)·rows + i.
     */
    private void loadStepWeightStationary(int[][] a, int[][] b, Step st, int buf, int blockRows, int blockCols, int m,
            int n) {
        int rows = params.rows();
        int cols = params.cols();
        int mRows = Math.min(blockRows, m - st.mt() * blockRows);
        int nBlocks = ceil(Math.min(blockCols, n - st.nt() * blockCols), cols);
        int kBlocks = ceil(st.kLen(), rows);
        List<int[]> aw = new ArrayList<>();
        for (int kb = 0; kb < kBlocks; kb++) {
            for (int r = 0; r < mRows; r++) {
                int[] w = new int[rows];
                for (int i = 0; i < rows; i++) {
                    int kk = kb * rows + i;
                    w[i] = kk < st.kLen() ? a[st.mt() * blockRows + r][st.k0() + kk] : 0;
                }
                aw.add(w);
            }
        }
        List<int[]> bw = new ArrayList<>();
        for (int nb = 0; nb < nBlocks; nb++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                for (int i = 0; i < rows; i++) {
                    int[] w = new int[cols];
                    int kk = kb * rows + i;
                    for (int j = 0; j < cols; j++) {
                        int col = st.nt() * blockCols + nb * cols + j;
                        w[j] = kk < st.kLen() && col < n ? b[st.k0() + kk][col] : 0;
                    }
                    bw.add(w);
                }
            }
        }
        loadA(buf * (params.aDepth() / 2), aw);
        loadB(buf * (params.bDepth() / 2), bw);
    }

    /**
     * The accumulator words the last {@link #gemm} block occupies: {accBase, rows, cols} (what a
     * READ_ACC may read back; other words may never have been written, and memories have no
     * defined content after reset).
     */
    public int[] lastAccRegion() {
        return lastAccRegion.clone();
    }

    /** Reassembles the int8 matrix from the STORE beats of {@link #gemm}. */
    public static int[][] assemble(List<Block> blocks, List<GemmReference.Beat> beats, int m, int n, int cols) {
        int[][] c = new int[m][n];
        int at = 0;
        for (Block blk : blocks) {
            int nBlocks = ceil(blk.cols(), cols);
            for (int i = 0; i < blk.rows(); i++) {
                for (int nb = 0; nb < nBlocks; nb++) {
                    long[] lanes = beats.get(at++).lanes();
                    for (int j = 0; j < cols && nb * cols + j < blk.cols(); j++) {
                        c[blk.row0() + i][blk.col0() + nb * cols + j] = (int) lanes[j];
                    }
                }
            }
        }
        return c;
    }

    static int ceil(int x, int d) {
        return (x + d - 1) / d;
    }

    /** An {@code r × c} matrix of uniformly random int8 values. */
    public static int[][] randomInt8(RandomGenerator rng, int r, int c) {
        int[][] m = new int[r][c];
        for (int[] row : m) {
            for (int j = 0; j < c; j++) {
                row[j] = rng.nextInt(256) - 128;
            }
        }
        return m;
    }

    /** A data beat's bytes as one little-endian unsigned number (byte 0 in bits 7..0), as {@code s_axis_data} carries it. */
    public static BigInteger littleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length + 1];
        for (int i = 0; i < bytes.length; i++) {
            big[big.length - 1 - i] = bytes[i];
        }
        return new BigInteger(big);
    }
}
