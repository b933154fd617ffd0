package org.chiltepin.hw.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.chiltepin.hw.ConfigException;
import org.junit.jupiter.api.Test;

class GemmConfigTest {
    private static String error(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void rejectsIllegalValuesNamingFieldRuleAndValue() {
        assertEquals("rows: must be a power of two in [1, 32], got 3", error(() -> new GemmConfig(3, 4, 64, 64, 64, 64)));
        assertEquals("cols: must be a power of two in [1, 32], got 0", error(() -> new GemmConfig(4, 0, 64, 64, 64, 64)));
        assertEquals("aDepth: must be a power of two in [16, 65536], got 100", error(() -> new GemmConfig(4, 4, 100, 64, 64, 64)));
        assertEquals("bDepth: must be a power of two in [16, 65536], got 131072",
                error(() -> new GemmConfig(4, 4, 64, 131072, 64, 64)));
        assertEquals("accDepth: must be a power of two in [64, 65536], got 32", error(() -> new GemmConfig(32, 4, 64, 64, 32, 64)));
        assertEquals("scaleDepth: must be a power of two in [32, 65536], got 16", error(() -> new GemmConfig(4, 16, 64, 64, 64, 16)));
        assertEquals("preset: must be one of [default, tiny, fpga-small, large, ws, tiny-ws], got big", error(() -> GemmConfig.preset("big")));
        assertEquals("transposeLoad: must be false in the FPGA profile, got true", error(() -> new GemmConfig(2, 2, 16, 16, 16, 16,
                2, GemmConfig.Dataflow.OUTPUT_STATIONARY, true, true)));
    }

    /** The transposing LOAD_B: on every full preset (the chip's), off in the FPGA profile. */
    @Test
    void transposeLoadIsOnExceptInTheFpgaProfile() {
        GemmConfig.presets().forEach((name, c) -> assertEquals(!c.fpgaProfile(), c.transposeLoad(), name));
        assertEquals(false, GemmConfig.preset("tiny").withFpgaProfile(true).transposeLoad());
    }

    @Test
    void derivedValues() {
        GemmConfig c = GemmConfig.preset("default");
        assertEquals(8, c.dataBytes());
        assertEquals(64, c.macsPerCycle());
        assertEquals(3, new GemmConfig(1, 2, 16, 16, 16, 16).dataBytes(), "a scale entry needs 3 bytes");
        assertEquals(8, c.array().rows());
        assertEquals(32, c.array().accWidth());
    }
}
