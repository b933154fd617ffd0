package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.golden.LlamaInt8Weights;
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

    private static ChipLlama engine() {
        Checkpoint c = BundledModel.checkpoint();
        ChipConfig chip = ChipConfig.preset("default");
        return new ChipLlama(new LlamaInt8Weights(c), chip,
                () -> ChipHarness.compile(chip, WORK, Simulation.Options.DEFAULT), "default");
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
        }
        assertTrue(e.matches());
    }

    /** The minimal chip's 4096-word memory cannot hold the classifier as bit planes: one-line error, nothing built. */
    @Test
    void tooSmallChipIsRejectedBeforeBuilding() {
        ChipConfig chip = ChipConfig.preset("minimal");
        ConfigException e = assertThrows(ConfigException.class, () -> new ChipLlama(
                new LlamaInt8Weights(BundledModel.checkpoint()), chip, () -> fail("must not build"), "minimal"));
        assertTrue(e.getMessage().contains("--chip"), e.getMessage());
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
