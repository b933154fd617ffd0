package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.golden.LlamaVectorProgram;
import org.chiltepin.verif.llm.BundledModel;
import org.chiltepin.verif.llm.LlamaConfig;
import org.junit.jupiter.api.Test;

/** Page accounting of forked against copied prompts, checked against hand-counted pages, and the throughput model. */
class BatchedDecodeTest {
    private static final LlamaInt8Weights W = new LlamaInt8Weights(BundledModel.checkpoint());

    /**
     * 4 sequences, a 6-token prompt, 4 positions per page, 3 generated tokens (positions 6, 7, 8).
     * Forked: the prompt fills pages 0 and half of 1 (2 pages), FORK shares both. Position 6 is
     * slot 2 of the shared page 1: sequences 0, 1, 2 copy it (copy-on-write), sequence 3 is then its
     * only holder and writes in place: 2 + 3 = 5 pages. Position 8 starts a page in each: 9.
     * Copied: 4 × 2 = 8 pages after the prompt, 4 × 3 = 12 at the end.
     */
    @Test
    void forkSharesThePromptsPagesAndCopiesOnTheFirstWriteIntoASharedPage() {
        int[] prompt = {1, 403, 407, 261, 378, 432};
        BatchedDecode.Result r = BatchedDecode.run(W, prompt, 4, 3, 4);
        assertEquals(new BatchedDecode.Pages(2, 9, 9), r.forked());
        assertEquals(new BatchedDecode.Pages(8, 12, 12), r.copied());
        assertEquals(200, r.rowBytes()); // 5 layers × (32 + 2·4)
        assertEquals(9 * 2 * 4 * 200, r.bytes(r.forked().atEnd()));
        assertEquals(12 * 2 * 4 * 200, r.bytes(r.copied().atEnd()));
        assertTrue(r.rowsCheck(), "every sequence gathers the prompt's rows and then its own");
        assertEquals(4, r.distinct());
        // sequence 0 is the greedy continuation
        LlamaIntReference g = new LlamaIntReference(W, new LlamaVectorProgram(512, 8));
        int t = 0;
        for (int pos = 0; pos < prompt.length; pos++) {
            t = g.step(prompt[pos], pos);
        }
        int[] greedy = {t, g.step(t, 6), 0};
        greedy[2] = g.step(greedy[1], 7);
        assertArrayEquals(greedy, r.continuations().get(0));
        // one sequence: forked and copied hold the same pages (3 pages for 9 positions)
        BatchedDecode.Result one = BatchedDecode.run(W, prompt, 1, 3, 4);
        assertEquals(new BatchedDecode.Pages(2, 3, 3), one.forked());
        assertEquals(one.forked(), one.copied());
    }

    /**
     * The decode steps in lockstep, every matrix's B rows in one batched call: the same tokens and
     * pages as one sequence at a time, and 36 batched calls per step (7 matrices × 5 layers +
     * the classifier), each with all B rows.
     */
    @Test
    void lockstepBatchesEveryGemvOfAStepAndChangesNothing() {
        int[] prompt = {1, 403, 407, 261, 378, 432};
        java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        BatchedDecode.Result batched = BatchedDecode.run(W, prompt, 3, 3, 4, (m, xs) -> {
            calls.incrementAndGet();
            rows.addAndGet(xs.length);
            return java.util.Arrays.stream(xs).map(m::multiply).toArray(long[][]::new);
        });
        BatchedDecode.Result alone = BatchedDecode.run(W, prompt, 3, 3, 4);
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(alone.continuations().get(b), batched.continuations().get(b));
        }
        assertEquals(alone.forked(), batched.forked());
        assertEquals(alone.copied(), batched.copied());
        assertEquals(2 * 36, calls.get()); // 2 decode steps (the first generated token comes from the prompt)
        assertEquals(3 * calls.get(), rows.get());
    }

    /**
     * B = 2 at position 10: weights 259328 B + 2 × KV 2·5·40·12 = 9600 B per step at 8 B/cycle =
     * 33616 cycles for 2 tokens. A measured token of 1000 cycles, 8000 port bytes (6000 of them
     * weight loads), 2 560 000 array MACs on 256 MACs/cycle: port (6000 + 2·2000 + 9600) / 8 = 2450
     * cycles, array 2·10000 = 20000 cycles: 20000.
     */
    @Test
    void throughputSharesTheWeightsAndNotTheKv() {
        LlamaConfig c = W.config;
        ChipMatVec.Stats one = new ChipMatVec.Stats();
        one.cycles = 1000;
        one.bytesRead = 7000;
        one.bytesWritten = 1000;
        one.loadBBytes = 6000;
        one.arrayMacs = 2_560_000;
        BatchedDecode.Throughput t = BatchedDecode.throughput(c, 2, 10, 1, 1000, 8, one, 256);
        assertEquals(2e9 / 33616, t.rooflineTokensPerSecond(), 1e-6);
        assertEquals(2e9 / 20000, t.simTokensPerSecond(), 1e-6);
        assertNull(BatchedDecode.throughput(c, 2, 10, 1, 1000, 8, null, 0).simTokensPerSecond());
    }
}
