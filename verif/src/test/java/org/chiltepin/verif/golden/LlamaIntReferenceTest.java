package org.chiltepin.verif.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chiltepin.verif.llm.Agreement;
import org.chiltepin.verif.llm.BundledModel;
import org.chiltepin.verif.llm.Checkpoint;
import org.chiltepin.verif.llm.FloatLlama;
import org.chiltepin.verif.llm.FloatLlamaTest;
import org.junit.jupiter.api.Test;

/** The integer golden model against the float reference on the bundled stories260K. */
class LlamaIntReferenceTest {
    static final Checkpoint MODEL = BundledModel.checkpoint();
    static final LlamaInt8Weights WEIGHTS = new LlamaInt8Weights(MODEL);

    static LlamaIntReference golden() {
        return new LlamaIntReference(WEIGHTS, new LlamaVectorProgram(MODEL.config().seqLen(), MODEL.config().headSize()));
    }

    @Test
    void teacherForcedTop1AgreesWithTheFloatReferenceAtLeast98PercentOver200Positions() {
        int[] tokens = FloatLlamaTest.referenceIds()[0]; // run.c's 200 positions from the empty prompt
        assertEquals(200, tokens.length);
        Agreement.Result r = Agreement.teacherForced(new FloatLlama(MODEL), golden(), tokens);
        System.out.printf("teacher-forced top-1: %d/%d = %.1f %%%n", r.agreed(), r.positions(), r.percent());
        assertTrue(r.percent() >= 98.0, "agreement " + r.agreed() + "/" + r.positions());
    }

    @Test
    void sameTokensGiveTheSameLogitsEveryTime() {
        LlamaIntReference a = golden();
        LlamaIntReference b = golden();
        int[] tokens = {1, 403, 407, 261, 378};
        for (int pos = 0; pos < tokens.length; pos++) {
            assertArrayEquals(a.logits(tokens[pos], pos), b.logits(tokens[pos], pos));
        }
    }

    @Test
    void weightsAreInt8WithInt16ScalesAndTheQueryRowsCarryTheAttentionScale() {
        LlamaInt8Weights.QMatrix q = WEIGHTS.wq[0];
        int maxMult = 0;
        for (short m : q.mult()) {
            maxMult = Math.max(maxMult, m);
        }
        assertTrue(maxMult >= 16384 && maxMult <= 32767, "largest multiplier " + maxMult);
        for (byte w : q.w()) {
            assertTrue(w >= -127, "weights are symmetric, -128 unused");
        }
        // row 0 of wq: scale·127 is its largest |weight| divided by sqrt(8)
        double amax = 0;
        for (int i = 0; i < 64; i++) {
            amax = Math.max(amax, Math.abs(MODEL.wq[0][i]));
        }
        double scale = q.mult()[0] * Math.pow(2, q.exp());
        assertEquals(amax / 127 / Math.sqrt(8), scale, scale / 2 * 1 / q.mult()[0]);
    }
}
