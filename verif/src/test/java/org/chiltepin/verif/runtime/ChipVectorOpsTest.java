package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaIntReference;
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
        assertEquals(36, kv.capacity(), "positions the default chip's KV tile holds");
        for (String op : new String[] {"embedNorm", "qkvHeads", "attend", "quantize", "addNorm", "siluMul", "rescale",
            "argmax"}) {
            assertTrue(s.commandsPerOp.getOrDefault(op, 0L) > 0, op + " ran on the vector tile: " + s.commandsPerOp);
        }
        // chained (docs/llm.md §6.4): per layer Q/K/V, the heads' probabilities, their output, two residual adds with
        // their RMSNorm, SiLU·b; per position the embedding with its RMSNorm, the classifier's rescale and argmax
        assertEquals(2 * (5 * 6 + 3), s.programs, "vector programs of two positions: " + s.commandsPerOp);
        assertEquals(5 * 8 * (1 + 2), s.repackBytes, "the probabilities (1, then 2 a head and layer) re-laid into p·V operands");
    }
}
