package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.golden.LlamaVectorProgram;
import org.chiltepin.verif.llm.BundledModel;
import org.chiltepin.verif.llm.LlamaConfig;
import org.junit.jupiter.api.Test;

/**
 * The model's K/V rows in the KV tile, on the chip golden model: how many positions a chip holds
 * follows its KV cache configuration, and a decode past the old default chip's 36 positions keeps
 * every id, gathered K row and p·V sum equal to the golden model's.
 */
class ChipKvRowsTest {
    private static final LlamaInt8Weights WEIGHTS = new LlamaInt8Weights(BundledModel.checkpoint());

    /** The default chip with another KV cache. */
    private static ChipConfig withKv(KvCacheConfig kv) {
        ChipConfig d = ChipConfig.preset("default");
        return new ChipConfig(d.k(), d.m(), d.tiles(), d.bufferDepth(), d.gemm(), kv, d.vector(), d.memWords(),
                d.cmdCredits());
    }

    private static int capacity(ChipConfig chip) {
        return new ChipKvRows(ChipRunner.golden(chip), WEIGHTS.config, "x").capacity();
    }

    /**
     * Pages ÷ (5 layers) × 16 tokens ÷ (4 rows per position), capped by a sequence's block table:
     * the default chip holds the whole context; its earlier 48-page KV cache 36 positions.
     */
    @Test
    void capacityIsComputedFromTheKvConfig() {
        assertEquals(512, capacity(ChipConfig.preset("default")), "640 pages: 5 sequences of 128 pages");
        assertEquals(512, capacity(ChipConfig.preset("large")));
        assertEquals(36, capacity(withKv(KvCacheConfig.preset("default"))), "48 pages: 9 per layer, 144 tokens");
        assertEquals(256, capacity(withKv(new KvCacheConfig(16, 320, 8, 64, 2, 4, 2))), "320 pages of 16 tokens");
        assertEquals(64, capacity(withKv(new KvCacheConfig(16, 640, 8, 16, 2, 4, 2))), "a block table of 16 pages");
    }

    /** Asking for more positions than the KV tile holds is one line naming --steps and the limit, before any build. */
    @Test
    void stepsPastTheKvTileAreRejectedWithTheLimit() {
        ChipConfig small = withKv(KvCacheConfig.preset("default"));
        ChipLlama e = new ChipLlama(WEIGHTS, small, () -> fail("must not build"), "small");
        e.requirePositions(36);
        ConfigException x = assertThrows(ConfigException.class, () -> e.requirePositions(37));
        assertEquals("--steps: must be at most 36: chip 'small' holds the K/V rows of that many positions of this model"
                + " in its KV tile (docs/llm.md §6.4), got 37", x.getMessage());
        new ChipLlama(WEIGHTS, ChipConfig.preset("default"), () -> fail("must not build"), "default").requirePositions(512);
    }

    /**
     * 40 positions (past the 36 the default chip held before) with the K/V rows in the default
     * chip's KV tile, p·V on a GEMM tile and the vector operations on the vector tile (chip golden
     * model; weight GEMVs host-side): every id, gathered K row, p·V sum and vector result equal to
     * the golden model's.
     */
    @Test
    void decodesPastTheOldLimitOnTheGoldenChip() {
        LlamaConfig c = WEIGHTS.config;
        ChipRunner runner = ChipRunner.golden(ChipConfig.preset("default"));
        ChipKvRows kv = new ChipKvRows(runner, c, "default");
        ChipVectorOps ops = new ChipVectorOps(runner, new LlamaVectorProgram(c.seqLen(), c.headSize()));
        LlamaIntReference chip = new LlamaIntReference(WEIGHTS, ops, LlamaInt8Weights.QMatrix::multiply, kv);
        LlamaIntReference golden = new LlamaIntReference(WEIGHTS, new LlamaVectorProgram(c.seqLen(), c.headSize()));
        int positions = Integer.getInteger("kvtest.positions", 40);
        int token = 1;
        for (int pos = 0; pos < positions; pos++) {
            int next = chip.step(token, pos);
            assertEquals(golden.step(token, pos), next, "id at position " + pos);
            token = next;
        }
        assertEquals(0, kv.mismatches(), "gathered K rows or p·V sums different from the golden model's");
        assertEquals(0, ops.total().mismatches, "vector-tile results different from LlamaVectorProgram's");
        assertEquals(positions * c.nLayers() * (c.nKvHeads() + 1) + c.nLayers(), kv.commands(),
                "per position and layer 4 APPENDs and a GATHER; an ALLOC per layer");
    }

    /**
     * The scores q·Kᵀ on a GEMM tile of the golden chip past one accumulator's worth of tokens
     * (300 positions × 4 key/value heads = 1200 columns, the default GEMM's 1024-word accumulators
     * take 1024): two COMPUTE/READ_ACC chunks, every score equal to q·k computed directly.
     */
    @Test
    void scoresPastOneAccumulatorChunkEqualTheDotProducts() {
        LlamaConfig c = WEIGHTS.config;
        ChipKvRows kv = new ChipKvRows(ChipRunner.golden(ChipConfig.preset("default")), c, "default");
        var rng = new java.util.Random(5);
        int n = 300;
        byte[][][] keys = new byte[n][c.nKvHeads()][c.headSize()];
        for (int pos = 0; pos < n; pos++) {
            var k = new org.chiltepin.verif.golden.LlamaVectorOps.QVec[c.nKvHeads()];
            var v = new org.chiltepin.verif.golden.LlamaVectorOps.QVec[c.nKvHeads()];
            for (int g = 0; g < c.nKvHeads(); g++) {
                rng.nextBytes(keys[pos][g]);
                k[g] = new org.chiltepin.verif.golden.LlamaVectorOps.QVec(keys[pos][g].clone(), 1, 0);
                v[g] = new org.chiltepin.verif.golden.LlamaVectorOps.QVec(new byte[c.headSize()], 1, 0);
            }
            kv.append(0, pos, k, v);
        }
        byte[][] q = new byte[c.nHeads()][c.headSize()];
        for (byte[] row : q) {
            rng.nextBytes(row);
        }
        int[][] got = kv.scoreSums(0, q, n, c.kvMul());
        for (int h = 0; h < c.nHeads(); h++) {
            for (int t = 0; t < n; t++) {
                int want = 0;
                for (int i = 0; i < c.headSize(); i++) {
                    want += q[h][i] * keys[t][h / c.kvMul()][i];
                }
                assertEquals(want, got[h][t], "score of head " + h + " at position " + t);
            }
        }
        assertEquals(0, kv.mismatches());
        assertEquals(6, kv.figures().scoreCommands(), "LOAD_A, transposing LOAD_B, two COMPUTE/READ_ACC chunks");
    }
}
