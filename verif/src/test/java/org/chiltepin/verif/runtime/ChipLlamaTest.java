package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaVectorOps.QVec;
import org.chiltepin.verif.golden.LlamaVectorOps.Wide;
import org.chiltepin.verif.golden.LlamaVectorProgram;
import org.chiltepin.verif.llm.BundledModel;
import org.chiltepin.verif.llm.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * stories260K's weight GEMVs on the co-simulated default chip (all 5 layers and the classifier),
 * token-exact with the integer golden model.
 */
class ChipLlamaTest {
    private static final Path WORK = Path.of("target", "sim-chip-llama");

    private static final ChipConfig CHIP = ChipConfig.preset("default");
    /** One Verilated build of the default chip for every test here. */
    private static final Supplier<ChipHarness> BUILD = ChipRunner.once(
            () -> ChipHarness.compile(CHIP, WORK, Simulation.Options.DEFAULT));

    private static ChipLlama engine() {
        Checkpoint c = BundledModel.checkpoint();
        return new ChipLlama(new LlamaInt8Weights(c), CHIP, BUILD, "default");
    }

    private static void decode(int steps) {
        ChipLlama e = engine();
        int token = 1; // BOS
        for (int pos = 0; pos < steps; pos++) {
            token = e.step(token, pos);
        }
        assertEquals(steps, e.tokens().size());
        for (ChipLlama.Token t : e.tokens()) {
            assertEquals(t.goldenId(), t.chipId(), "position " + t.pos());
            assertEquals(0, t.stats().mismatches, "GEMV int32 results at position " + t.pos());
            assertEquals(36, t.stats().gemvs, "7 GEMVs per layer and the classifier");
            assertTrue(t.stats().cycles > 0);
            assertEquals(0, t.vector().mismatches, "vector-tile results at position " + t.pos());
            assertTrue(t.vector().programs > 0 && t.vector().cycles > 0);
            assertEquals(0, t.kv().mismatches(), "K rows, scores and p·V sums at position " + t.pos());
            assertEquals(5 * 4, t.kv().scoreCommands(), "per layer LOAD_A, transposing LOAD_B, COMPUTE, READ_ACC");
            assertTrue(t.kv().scoreCycles() > 0 && t.kv().scoreMacs() > 0, "the scores ran on a GEMM tile");
        }
        assertTrue(e.matches());
    }

    /** The minimal chip's 4096-word memory cannot hold the 259 328 weight bytes: one-line error, nothing built. */
    @Test
    void tooSmallChipIsRejectedBeforeBuilding() {
        ChipConfig chip = ChipConfig.preset("minimal");
        ConfigException e = assertThrows(ConfigException.class, () -> new ChipLlama(
                new LlamaInt8Weights(BundledModel.checkpoint()), chip, () -> fail("must not build"), "minimal"));
        assertTrue(e.getMessage().contains("--chip"), e.getMessage());
    }

    /**
     * A few vectors through every operation's vector-tile program on the co-simulated chip: results
     * equal to {@link LlamaVectorProgram}'s (ties in argmax, a rescale with several shifts and a
     * left shift, saturating residuals).
     */
    @Test
    void vectorOpsOnTheChipAreBitExact() {
        LlamaVectorProgram ref = new LlamaVectorProgram(16, 8);
        ChipVectorOps ops = new ChipVectorOps(ChipRunner.sim(CHIP, BUILD), ref);
        Random rng = new Random(7);
        long[] v = new long[64];
        int[] x = new int[64];
        short[] gain = new short[64];
        for (int i = 0; i < 64; i++) {
            v[i] = rng.nextInt(1 << 20) - (1 << 19);
            x[i] = rng.nextInt(1 << 22) - (1 << 21);
            gain[i] = (short) (rng.nextInt(1 << 14) + 1000);
        }
        x[3] = Integer.MAX_VALUE - 5; // the residual add saturates
        Wide w = new Wide(v, -20);
        assertSame(ref.quantize(w), ops.quantize(w));
        short[] mult = new short[24];
        int[] shift = new int[24];
        for (int i = 0; i < 24; i++) {
            mult[i] = (short) (rng.nextInt(65536) - 32768);
            shift[i] = new int[] {3, 9, -2, 30}[i % 4];
        }
        long[] part = Arrays.copyOf(v, 24);
        assertArrayEquals(ref.rescale(part, mult, shift), ops.rescale(part, mult, shift));
        assertSame(ref.rmsnorm(x, 16, gain, 14), ops.rmsnorm(x, 16, gain, 14));
        long[] r1 = v.clone();
        long[] r2 = v.clone();
        ref.rope(r1, 8, 32, 8, 5);
        ops.rope(r2, 8, 32, 8, 5);
        assertArrayEquals(r1, r2);
        assertArrayEquals(ref.softmax(v, 20, -24), ops.softmax(v, 20, -24));
        Wide a = new Wide(Arrays.copyOf(v, 40), -16);
        Wide b = new Wide(Arrays.copyOfRange(v, 10, 50), -18);
        assertSame(ref.siluMul(a, b), ops.siluMul(a, b));
        int[] x1 = x.clone();
        int[] x2 = x.clone();
        ref.addResidual(x1, 16, w);
        ops.addResidual(x2, 16, w);
        assertArrayEquals(x1, x2);
        long[] ties = new long[40];
        ties[11] = 9;
        ties[30] = 9;
        assertEquals(11, ops.argmax(ties));
        assertEquals(ref.argmax(v), ops.argmax(v));
        assertEquals(0, ops.total().mismatches);
        assertEquals(9, ops.total().programs, "one chip program per operation");
    }

    /**
     * The chained programs (docs/llm.md §6.4: residual add + RMSNorm, Q/K/V with RoPE and per-head
     * QUANT, all heads' softmax, SiLU·b, the heads' QUANT) on the co-simulated chip, their int8
     * results through the packing STOREs: bit-exact with {@link LlamaVectorProgram}.
     */
    @Test
    void chainedProgramsOnTheChipAreBitExact() {
        LlamaVectorProgram ref = new LlamaVectorProgram(16, 8);
        ChipVectorOpsTest.chained(new ChipVectorOps(ChipRunner.sim(CHIP, BUILD), ref), ref);
    }

    private static void assertSame(QVec want, QVec got) {
        assertArrayEquals(want.q(), got.q());
        assertEquals(want.mant(), got.mant());
        assertEquals(want.exp(), got.exp());
    }

    @Test
    void oneTokenThroughAllLayers() {
        decode(1);
    }

    @Test
    @EnabledIfSystemProperty(named = "chiltepin.full", matches = "true")
    void fourTokens() {
        decode(4);
    }
}
