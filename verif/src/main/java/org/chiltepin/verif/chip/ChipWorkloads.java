package org.chiltepin.verif.chip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Command;

/**
 * Benchmark programs for the chip: GEMMs C = A·B (M×K by K×N, int8, per-column requantization)
 * split by rows of A over T GEMM tiles, all operands in external memory pre-packed in the engine's
 * word layouts (A word (mb, k) at {@code mb·K + k}, B word (nb, k) at {@code nb·K + k}, one scale
 * entry per word). Each tile loads its A row block once, then streams B in column blocks that fit
 * half the B scratchpad, double-buffered: LOAD_B(next) runs while COMPUTE(this) runs, and each
 * block's STORE while the next block computes. A GEMV stream is G such GEMMs with M = 1 and a
 * fresh weight matrix each (weights read once).
 */
public final class ChipWorkloads {
    private ChipWorkloads() {
    }

    /** A program (one phase), its memory, the useful MACs, and the messages' flits per directed link. */
    public record Workload(List<HostCommand> commands, long[] memory, long macs, Map<String, Long> linkFlits) {
    }

    /** A program of phases (each starts when every response of the previous one is in). */
    public record Chain(List<List<HostCommand>> phases, long[] memory, long macs, Map<String, Long> linkFlits) {
    }

    /**
     * A two-layer chain Y = W2·(W1·X) over {@code blocks} blocks of {@code cols} tokens: tile
     * {@code first} holds W1 (d × d) in its A scratchpad and computes H = W1·X block by block, tile
     * {@code second} holds W2 (d × d) and computes Y = W2·H; X comes from and Y goes to memory.
     * The intermediate H block (d words, a STORE's row-major output is the next layer's B words
     * with K = d) goes through the first tile's result buffer when {@code viaTile} (the second
     * tile's LOAD_B pulls it, docs/chip.md §1), else through memory. Phase j runs layer 1 of block
     * j and layer 2 of block j − 1, so both tiles work at once; d ≤ half the result buffer.
     */
    public static Chain chain(ChipReference.Params p, int k, int first, int second, int control, int memoryNode, int d,
            int blocks, long seed, boolean viaTile) {
        GemmReference.Params e = p.gemm();
        int rows = e.rows();
        int cols = e.cols();
        int half = ChipReference.TILE_BUFFER_WORDS / 2;
        int wWords = (d + rows - 1) / rows * d;
        if (d % rows != 0 || d > half || wWords > e.aDepth() || 2 * d > e.bDepth() || 2 * d > e.accDepth()) {
            throw new IllegalArgumentException("layer width " + d + " must be a multiple of " + rows + ", at most " + half
                    + " (half the result buffer) and fit the scratchpads");
        }
        RandomGenerator rng = new MersenneTwister(seed);
        long[] mem = new long[p.memWords()];
        java.util.Arrays.fill(mem, ChipHarness.FRESH);
        int w1 = cols;
        int w2 = w1 + wWords;
        int x = w2 + wWords;
        int h = x + blocks * d;
        int y = h + blocks * d;
        if (y + blocks * d > p.memWords()) {
            throw new IllegalArgumentException("memory of " + p.memWords() + " words is too small");
        }
        for (int j = 0; j < cols; j++) {
            mem[j] = (8192 + rng.nextInt(16384)) | (long) (20 + rng.nextInt(3)) << 16;
        }
        for (int i = w1; i < h; i++) {
            long word = 0;
            for (int lane = 0; lane < Math.max(rows, cols); lane++) {
                word |= (rng.nextInt(256) & 0xFFL) << (8 * lane);
            }
            mem[i] = word;
        }
        MeshTraffic traffic = new MeshTraffic(k, control, memoryNode);
        TilePlan a = new TilePlan(e, first, traffic, 0);
        TilePlan b = new TilePlan(e, second, traffic, 0);
        List<List<HostCommand>> phases = new ArrayList<>();
        for (int j = 0; j <= blocks; j++) {
            if (j == 0) {
                a.load(GemmReference.LOAD_SCALE, 0, 0, cols);
                a.load(GemmReference.LOAD_A, 0, w1, wWords);
                b.load(GemmReference.LOAD_SCALE, 0, 0, cols);
                b.load(GemmReference.LOAD_A, 0, w2, wWords);
            }
            int at = (j % 2) * d;
            if (j < blocks) {
                a.load(GemmReference.LOAD_B, at, x + (long) j * d, d);
                a.add(0, Command.of(GemmReference.COMPUTE, a.tag, false, 0, at, at, d, cols, d), 0, 0);
                long dest = viaTile ? ChipReference.tileAddress(first, (j % 2) * half) : h + (long) j * d;
                a.add(dest, Command.of(GemmReference.STORE, a.tag, false, at, 0, 0, d, cols, 0), 0, viaTile ? 0 : d);
            }
            if (j > 0) {
                int bt = ((j - 1) % 2) * d;
                long src = viaTile ? ChipReference.tileAddress(first, ((j - 1) % 2) * half) : h + (long) (j - 1) * d;
                if (viaTile) {
                    b.add(src, Command.of(GemmReference.LOAD_B, b.tag, false, bt, 0, 0, d, 0, 0), 0, 0);
                    traffic.transfer(first, second, src, d, true);
                } else {
                    b.load(GemmReference.LOAD_B, bt, src, d);
                }
                b.add(0, Command.of(GemmReference.COMPUTE, b.tag, false, 0, bt, bt, d, cols, d), 0, 0);
                b.add(y + (long) (j - 1) * d, Command.of(GemmReference.STORE, b.tag, false, bt, 0, 0, d, cols, 0), 0, d);
            }
            phases.add(interleave(List.of(new ArrayList<>(a.out), new ArrayList<>(b.out))));
            a.out.clear();
            b.out.clear();
        }
        return new Chain(phases, mem, 2L * blocks * d * d * cols, traffic.flits());
    }

    /** G GEMMs of M×K by K×N on the GEMM tiles {@code tiles} (node numbers) of a k-column mesh. */
    public static Workload gemms(ChipReference.Params p, int k, List<Integer> tiles, int control, int memoryNode, int g,
            int m, int kk, int n, long seed) {
        return gemms(p, k, tiles, control, memoryNode, g, m, kk, n, seed, 0);
    }

    /**
     * As above, with B column blocks of at most {@code blockCols} columns (0: as wide as half the B
     * scratchpad allows; narrower blocks shorten the first step, which every tile waits for).
     */
    public static Workload gemms(ChipReference.Params p, int k, List<Integer> tiles, int control, int memoryNode, int g,
            int m, int kk, int n, long seed, int blockCols) {
        GemmReference.Params e = p.gemm();
        int rows = e.rows();
        int cols = e.cols();
        int t = tiles.size();
        boolean fits = m == 1 ? n % (t * cols) == 0 : m % t == 0 && (m / t) % rows == 0 && n % cols == 0;
        if (!fits || n > e.scaleDepth()) {
            throw new IllegalArgumentException("shape " + m + "x" + kk + "x" + n + " does not split over " + t
                    + " tiles (a GEMM by rows, a GEMV by columns, in whole array tiles; N <= scale channels)");
        }
        RandomGenerator rng = new MersenneTwister(seed);
        int mBlocksAll = (m + rows - 1) / rows;
        int aWords = mBlocksAll * kk;
        int bWords = (n / cols) * kk;
        long[] mem = new long[p.memWords()];
        java.util.Arrays.fill(mem, ChipHarness.FRESH);
        int scaleBase = 0;
        int[] aBase = new int[g];
        int[] bBase = new int[g];
        int next = n;
        for (int i = 0; i < g; i++) {
            aBase[i] = next;
            next += aWords;
            bBase[i] = next;
            next += bWords;
        }
        int outBase = next;
        next += g * m * (n / cols) + 64;
        if (next > p.memWords()) {
            throw new IllegalArgumentException("memory of " + p.memWords() + " words is too small, need " + next);
        }
        for (int j = 0; j < n; j++) {
            // results mostly inside int8 for K up to a few hundred: |acc| ~ 2^17, × 2^14 / 2^25
            int mult = 8192 + rng.nextInt(16384);
            int shift = 24 + rng.nextInt(3);
            mem[scaleBase + j] = (mult & 0xFFFF) | (long) shift << 16;
        }
        for (int i = 0; i < g; i++) {
            for (int w = 0; w < aWords; w++) {
                int mb = w / kk;
                long word = 0;
                for (int lane = 0; lane < rows; lane++) {
                    if (mb * rows + lane < m) {
                        word |= (rng.nextInt(256) & 0xFFL) << (8 * lane);
                    }
                }
                mem[aBase[i] + w] = word;
            }
            for (int w = 0; w < bWords; w++) {
                long word = 0;
                for (int lane = 0; lane < cols; lane++) {
                    word |= (rng.nextInt(256) & 0xFFL) << (8 * lane);
                }
                mem[bBase[i] + w] = word;
            }
        }
        MeshTraffic traffic = new MeshTraffic(k, control, memoryNode);
        List<List<HostCommand>> perTile = new ArrayList<>();
        int outNext = outBase;
        for (int ti = 0; ti < t; ti++) {
            TilePlan plan = new TilePlan(e, tiles.get(ti), traffic, blockCols);
            plan.load(GemmReference.LOAD_SCALE, 0, scaleBase, n);
            int rowsPer = m == 1 ? 1 : m / t;
            int row0 = m == 1 ? 0 : ti * rowsPer;
            int col0 = m == 1 ? ti * (n / t) : 0;
            int colsPer = m == 1 ? n / t : n;
            long[] aMems = new long[g];
            long[] bMems = new long[g];
            for (int i = 0; i < g; i++) {
                aMems[i] = aBase[i] + (long) (row0 / rows) * kk;
                bMems[i] = bBase[i] + (long) (col0 / cols) * kk;
            }
            outNext = plan.gemm(aMems, bMems, rowsPer, kk, colsPer, col0, outNext);
            perTile.add(plan.out);
        }
        return new Workload(interleave(perTile), mem, (long) g * m * kk * n, traffic.flits());
    }

    /** The tiles' programs interleaved command by command (the host feeds them round robin). */
    public static List<HostCommand> interleave(List<List<HostCommand>> perTile) {
        List<HostCommand> all = new ArrayList<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (List<HostCommand> l : perTile) {
                if (i < l.size()) {
                    all.add(l.get(i));
                    any = true;
                }
            }
            if (!any) {
                return all;
            }
        }
    }

    /** One tile's command list: a row block of A resident, B streamed in double-buffered column blocks. */
    private static final class TilePlan {
        final GemmReference.Params e;
        final int node;
        final MeshTraffic traffic;
        final List<HostCommand> out = new ArrayList<>();
        int tag;
        int bBuf;
        int accBuf;
        int aBuf;
        final int blockCols;

        TilePlan(GemmReference.Params e, int node, MeshTraffic traffic, int blockCols) {
            this.e = e;
            this.node = node;
            this.traffic = traffic;
            this.blockCols = blockCols;
        }

        void add(long memAddr, Command c, int readWords, int writeWords) {
            out.add(new HostCommand(node, memAddr, c));
            tag = (tag + 1) & 0xFF;
            traffic.command(node, memAddr, readWords, writeWords);
        }

        void load(int op, int addr0, long memAddr, int count) {
            add(memAddr, Command.of(op, tag, false, addr0, 0, 0, count, 0, 0), count, 0);
        }

        /**
         * G GEMMs rowsPer × K by K × colsPer, one after another as one stream of steps: A words of
         * GEMM i from aMem[i], B words from bMem[i], scale channels from ch0.
         */
        int gemm(long[] aMem, long[] bMem, int rowsPer, int kk, int colsPer, int ch0, int outNext) {
            int rows = e.rows();
            int cols = e.cols();
            int aHalf = e.aDepth() / 2;
            int bHalf = e.bDepth() / 2;
            int accHalf = e.accDepth() / 2;
            int bn = cols * Math.max(1, Math.min(colsPer / cols, bHalf / kk));
            if (blockCols > 0) {
                bn = Math.min(bn, Math.max(cols, blockCols / cols * cols));
            }
            int bm = Math.min(rowsPer, Math.max(rows, Math.min(accHalf / (bn / cols), aHalf / kk * rows) / rows * rows));
            if ((bm + rows - 1) / rows * kk > aHalf || bn / cols * kk > bHalf) {
                throw new IllegalArgumentException("K = " + kk + " does not fit half a scratchpad");
            }
            // steps (row block, column block); program order L(0) C(0) L(1) S(0) C(1) L(2) S(1) ...:
            // the next step's loads go to the engine before this step's STORE, which waits for its
            // COMPUTE, so they run while this step computes
            List<int[]> steps = new ArrayList<>();
            for (int i = 0; i < aMem.length; i++) {
                for (int r0 = 0; r0 < rowsPer; r0 += bm) {
                    for (int c0 = 0; c0 < colsPer; c0 += bn) {
                        steps.add(new int[] {r0, c0, i});
                    }
                }
            }
            int[] aAt = new int[steps.size()];
            int[] bAt = new int[steps.size()];
            loadStep(steps, 0, -1, aAt, bAt, aMem, bMem, bm, bn, rowsPer, colsPer, kk);
            for (int s = 0; s < steps.size(); s++) {
                int mRows = Math.min(bm, rowsPer - steps.get(s)[0]);
                int nCols = Math.min(bn, colsPer - steps.get(s)[1]);
                int accAt = accBuf * accHalf;
                accBuf ^= 1;
                add(0, Command.of(GemmReference.COMPUTE, tag, false, aAt[s], bAt[s], accAt, mRows, nCols, kk), 0, 0);
                if (s + 1 < steps.size()) {
                    loadStep(steps, s + 1, s, aAt, bAt, aMem, bMem, bm, bn, rowsPer, colsPer, kk);
                }
                int words = mRows * (nCols / cols);
                add(outNext, Command.of(GemmReference.STORE, tag, false, accAt, ch0 + steps.get(s)[1], 0, mRows, nCols, 0), 0,
                        words);
                outNext += words;
            }
            return outNext;
        }

        /** Loads step s's A row block (when it differs from step prev's) and its B column block. */
        void loadStep(List<int[]> steps, int s, int prev, int[] aAt, int[] bAt, long[] aMem, long[] bMem, int bm, int bn,
                int rowsPer, int colsPer, int kk) {
            int rows = e.rows();
            int cols = e.cols();
            int r0 = steps.get(s)[0];
            int c0 = steps.get(s)[1];
            int job = steps.get(s)[2];
            if (prev >= 0 && steps.get(prev)[0] == r0 && steps.get(prev)[2] == job) {
                aAt[s] = aAt[prev];
            } else {
                aAt[s] = aBuf * (e.aDepth() / 2);
                aBuf ^= 1;
                int mBlocks = (Math.min(bm, rowsPer - r0) + rows - 1) / rows;
                load(GemmReference.LOAD_A, aAt[s], aMem[job] + (long) (r0 / rows) * kk, mBlocks * kk);
            }
            bAt[s] = bBuf * (e.bDepth() / 2);
            bBuf ^= 1;
            int nBlocks = Math.min(bn, colsPer - c0) / cols;
            load(GemmReference.LOAD_B, bAt[s], bMem[job] + (long) (c0 / cols) * kk, nBlocks * kk);
        }
    }
}
