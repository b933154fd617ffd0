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
 * The vector tile's command programs for the model's operations, run on the chip golden model
 * (fast; the co-simulated RTL runs them in {@link ChipLlamaTest}): bit-exact with
 * {@link LlamaVectorProgram} through whole decode steps.
 */
class ChipVectorOpsTest {

    @Test
    void everyOperationOfTwoPositionsIsBitExactOnTheChipModel() {
        LlamaInt8Weights w = new LlamaInt8Weights(BundledModel.checkpoint());
        LlamaConfig c = w.config;
        ChipVectorOps ops = new ChipVectorOps(ChipRunner.golden(ChipConfig.preset("default")),
                new LlamaVectorProgram(c.seqLen(), c.headSize()));
        LlamaIntReference chip = new LlamaIntReference(w, ops);
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
        for (String op : new String[] {"rmsnorm", "rescale", "rope", "quantize", "softmax", "siluMul", "addResidual",
            "argmax"}) {
            assertTrue(s.commandsPerOp.getOrDefault(op, 0L) > 0, op + " ran on the vector tile: " + s.commandsPerOp);
        }
    }
}
