package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.golden.LlamaVectorOps;
import org.chiltepin.verif.golden.LlamaVectorProgram;
import org.chiltepin.verif.llm.BundledModel;
import org.chiltepin.verif.llm.LlamaConfig;
import org.junit.jupiter.api.Test;

/**
 * The vector tile's command programs for the model's operations and the K/V rows through the KV
 * tile, run on the chip golden model (fast; the co-simulated RTL runs them in
 * {@link ChipLlamaTest}): bit-exact with {@link LlamaVectorProgram} and the golden model's cache
 * through whole decode steps.
 */
class ChipVectorOpsTest {

    @Test
    void everyOperationAndKvRowOfTwoPositionsIsBitExactOnTheChipModel() {
        LlamaInt8Weights w = new LlamaInt8Weights(BundledModel.checkpoint());
        LlamaConfig c = w.config;
        ChipRunner runner = ChipRunner.golden(ChipConfig.preset("default"));
        ChipVectorOps ops = new ChipVectorOps(runner, new LlamaVectorProgram(c.seqLen(), c.headSize()));
        ChipKvRows kv = new ChipKvRows(runner, c, "default");
        LlamaIntReference chip = new LlamaIntReference(w, ops, LlamaInt8Weights.QMatrix::multiply, kv);
        LlamaIntReference golden = new LlamaIntReference(w, new LlamaVectorProgram(c.seqLen(), c.headSize()));
        int a = 1;
        int b = 1;
        for (int pos = 0; pos < 2; pos++) {
            long[] want = golden.logits(b, pos);
            long[] got = chip.logits(a, pos);
            assertArrayEquals(want, got, "logits at position " + pos);
            a = ops.argmax(got);
            b = new LlamaVectorProgram(c.seqLen(), c.headSize()).argmax(want);
            assertEquals(b, a, "next token at position " + pos);
        }
        ChipVectorOps.Stats s = ops.total();
        assertEquals(0, s.mismatches, "results different from LlamaVectorProgram");
        assertEquals(0, kv.mismatches(), "gathered K rows or p·V sums different from the golden model's");
        assertEquals(2 * 5 * (4 + 1) + 5, kv.commands(), "per position and layer 4 APPENDs and a GATHER; an ALLOC per layer");
        assertEquals(2 * 5 * 4, kv.gemmCommands(), "per position and layer LOAD_A, LOAD_B from the KV tile, COMPUTE, READ_ACC");
        assertEquals(512, kv.capacity(), "positions the default chip's KV tile holds: the whole context");
        for (String op : new String[] {"embedNorm", "qkvHeads", "attend", "quantize", "addNorm", "siluMul", "rescale",
            "argmax"}) {
            assertTrue(s.commandsPerOp.getOrDefault(op, 0L) > 0, op + " ran on the vector tile: " + s.commandsPerOp);
        }
        // chained (docs/llm.md §6.4): per layer Q/K/V, the heads' probabilities, their output, two residual adds with
        // their RMSNorm, SiLU·b; per position the embedding with its RMSNorm, the classifier's rescale and argmax
        assertEquals(2 * (5 * 6 + 3), s.programs, "vector programs of two positions: " + s.commandsPerOp);
        assertEquals(5 * 8 * (1 + 2), s.repackBytes, "the probabilities (1, then 2 a head and layer) re-laid into p·V operands");
    }

    /** Unchained (one program per single operation, as before chaining): the same logits, 324 programs a position. */
    @Test
    void unchainedProgramsGiveTheSameLogits() {
        LlamaInt8Weights w = new LlamaInt8Weights(BundledModel.checkpoint());
        LlamaConfig c = w.config;
        ChipRunner runner = ChipRunner.golden(ChipConfig.preset("default"));
        ChipVectorOps ops = new ChipVectorOps(runner, new LlamaVectorProgram(c.seqLen(), c.headSize()), false);
        LlamaIntReference chip = new LlamaIntReference(w, ops, LlamaInt8Weights.QMatrix::multiply, new ChipKvRows(runner, c,
                "default"));
        LlamaIntReference golden = new LlamaIntReference(w, new LlamaVectorProgram(c.seqLen(), c.headSize()));
        assertArrayEquals(golden.logits(1, 0), chip.logits(1, 0));
        ops.argmax(new long[] {1, 2});
        assertEquals(0, ops.total().mismatches);
        assertEquals(324, ops.total().programs, "per layer 64 single operations; the embedding, RMSNorm, classifier, argmax");
    }

    /** The chained programs on a few vectors, on the chip golden model. */
    @Test
    void chainedProgramsAreBitExactOnTheChipModel() {
        LlamaVectorProgram ref = new LlamaVectorProgram(16, 8);
        ChipVectorOps ops = new ChipVectorOps(ChipRunner.golden(ChipConfig.preset("default")), ref);
        chained(ops, ref);
    }

    /**
     * Every chained program (docs/llm.md §6.4) once, on random vectors with several shifts per
     * rescale (one a left shift), a saturating residual and the classifier's 512 logits: results,
     * the residual stream included,
     * equal to {@link LlamaVectorProgram}'s sequence of single operations; one program each.
     */
    static void chained(ChipVectorOps ops, LlamaVectorProgram ref) {
        java.util.Random rng = new java.util.Random(11);
        int[] x = new int[64];
        short[] gain = new short[64];
        for (int i = 0; i < 64; i++) {
            x[i] = rng.nextInt(1 << 22) - (1 << 21);
            gain[i] = (short) (rng.nextInt(1 << 14) + 1000);
        }
        x[3] = Integer.MAX_VALUE - 5; // the residual add saturates
        LlamaVectorOps.Scaled emb = scaled(rng, 64, 7, new int[] {-4}, 0);
        int[] x1 = x.clone();
        int[] x2 = x.clone();
        assertSame(ref.embedNorm(x1, emb, 16, gain, 14), ops.embedNorm(x2, emb, 16, gain, 14));
        assertArrayEquals(x1, x2, "embedNorm's x");
        LlamaVectorOps.Scaled y = scaled(rng, 64, 17, new int[] {10, 12, -1}, -20);
        x1 = x.clone();
        x2 = x.clone();
        assertSame(ref.addNorm(x1, 16, y, gain, 14), ops.addNorm(x2, 16, y, gain, 14));
        assertArrayEquals(x1, x2, "addNorm's x");
        LlamaVectorOps.Scaled q = scaled(rng, 64, 17, new int[] {12, 13}, -20);
        LlamaVectorOps.Scaled k = scaled(rng, 32, 17, new int[] {12}, -19);
        LlamaVectorOps.Scaled v = scaled(rng, 32, 17, new int[] {11}, -18);
        LlamaVectorOps.QVec[] want = ref.qkvHeads(q, k, v, 8, 5);
        LlamaVectorOps.QVec[] got = ops.qkvHeads(q, k, v, 8, 5);
        assertEquals(16, got.length);
        for (int i = 0; i < want.length; i++) {
            assertSame(want[i], got[i]);
        }
        LlamaVectorOps.Scaled[] scores = new LlamaVectorOps.Scaled[8];
        short[][] pMult = new short[8][];
        int[][] pShift = new int[8][];
        for (int h = 0; h < 8; h++) {
            int n = 1 + rng.nextInt(20);
            scores[h] = scaled(rng, n, 14, new int[] {2, 3, 4}, -20);
            pMult[h] = new short[n];
            pShift[h] = new int[n];
            for (int t = 0; t < n; t++) {
                pMult[h][t] = (short) (128 + rng.nextInt(128));
                pShift[h][t] = rng.nextInt(3);
            }
        }
        want = ref.attend(scores, pMult, pShift);
        got = ops.attend(scores, pMult, pShift);
        for (int h = 0; h < 8; h++) {
            assertSame(want[h], got[h]);
        }
        LlamaVectorOps.Scaled heads = scaled(rng, 64, 15, new int[] {0, 1, 5}, -14);
        assertSame(ref.quantize(heads), ops.quantize(heads));
        LlamaVectorOps.Scaled a = scaled(rng, 172, 17, new int[] {13}, -16);
        LlamaVectorOps.Scaled b = scaled(rng, 172, 17, new int[] {13}, -18);
        assertSame(ref.siluMul(a, b), ops.siluMul(a, b));
        LlamaVectorOps.Scaled logits = scaled(rng, 512, 17, new int[] {9}, -20); // the classifier's 512: a full scratchpad
        assertEquals(ref.argmax(logits), ops.argmax(logits));
        assertEquals(0, ops.total().mismatches);
        assertEquals(7, ops.total().programs, "one chip program per chained operation");
    }

    /**
     * A rescale's shifts share one MUL when every multiplier times 2^(largest shift − its shift)
     * fits int32, and need a MUL each (summed by ADD) when not: one staged LOAD either way.
     */
    @Test
    void rescaleShiftsShareAMulWhenTheMultipliersFit() {
        LlamaVectorProgram ref = new LlamaVectorProgram(16, 8);
        java.util.Random rng = new java.util.Random(3);
        LlamaVectorOps.Scaled merged = scaled(rng, 64, 17, new int[] {10, 12, -1}, -20);
        LlamaVectorOps.Scaled apart = scaled(rng, 64, 17, new int[] {0, 4, 28}, -20); // 2^14 · 2^28 > 2^31
        for (LlamaVectorOps.Scaled s : new LlamaVectorOps.Scaled[] {merged, apart}) {
            ChipVectorOps ops = new ChipVectorOps(ChipRunner.golden(ChipConfig.preset("default")), ref);
            assertSame(ref.quantize(s), ops.quantize(s));
            assertEquals(0, ops.total().mismatches);
            java.util.Map<String, long[]> k = ops.total().perKind;
            assertEquals(1, k.get("LOAD")[0], "one staged LOAD: " + ops.total().breakdown(1));
            assertEquals(s == merged ? 1 : 2, k.get("MUL")[0], "MULs: " + ops.total().breakdown(1));
            assertEquals(s == merged ? null : 1L, k.containsKey("ADD") ? k.get("ADD")[0] : null);
        }
    }

    /** n sums of ±2^bits with random int16 multipliers and shifts drawn from {@code shifts}. */
    private static LlamaVectorOps.Scaled scaled(java.util.Random rng, int n, int bits, int[] shifts, int exp) {
        long[] acc = new long[n];
        short[] mult = new short[n];
        int[] shift = new int[n];
        for (int i = 0; i < n; i++) {
            acc[i] = rng.nextInt(1 << (bits + 1)) - (1 << bits);
            mult[i] = (short) (rng.nextInt(1 << 14) + 100);
            shift[i] = shifts[rng.nextInt(shifts.length)];
        }
        return new LlamaVectorOps.Scaled(acc, mult, shift, exp);
    }

    static void assertSame(LlamaVectorOps.QVec want, LlamaVectorOps.QVec got) {
        assertArrayEquals(want.q(), got.q());
        assertEquals(want.mant(), got.mant());
        assertEquals(want.exp(), got.exp());
    }
}
