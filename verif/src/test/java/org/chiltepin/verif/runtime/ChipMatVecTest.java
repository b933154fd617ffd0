package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.golden.LlamaInt8Weights.QMatrix;
import org.junit.jupiter.api.Test;

/**
 * ChipMatVec on the co-simulated minimal chip (2 GEMM tiles, 2×2 arrays; the Verilated model
 * ChipCosimTest builds): single GEMVs, a group sharing x, and a batch, every int32 result
 * against {@link QMatrix#multiply}.
 */
class ChipMatVecTest {
    private static final Path WORK = Path.of("target", "sim-chip");

    private static QMatrix random(Random rng, int rows, int cols) {
        byte[] w = new byte[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (rng.nextInt(255) - 127);
        }
        return new QMatrix(rows, cols, w, new short[rows], 0, 0);
    }

    private static byte[] vector(Random rng, int n) {
        byte[] x = new byte[n];
        for (int i = 0; i < n; i++) {
            x[i] = (byte) (rng.nextInt(256) - 128);
        }
        return x;
    }

    @Test
    void gemvsGroupsAndBatchesEqualTheDirectProduct() {
        ChipConfig config = ChipConfig.preset("minimal");
        ChipMatVec mv = new ChipMatVec(config, () -> ChipHarness.compile(config, WORK, Simulation.Options.DEFAULT));
        Random rng = new Random(3);
        QMatrix a = random(rng, 11, 12);
        QMatrix b = random(rng, 3, 12);
        QMatrix c = random(rng, 9, 5);
        mv.requireFits(a, "minimal");
        mv.requireFits(b, "minimal");
        mv.group(a, b);
        byte[] x = vector(rng, 12);
        assertArrayEquals(a.multiply(x), mv.multiply(a, x));
        assertArrayEquals(b.multiply(x), mv.multiply(b, x), "the group's second matrix, from the same program");
        assertEquals(1, mv.total().programs);
        assertEquals(2, mv.total().gemvs);
        byte[][] xs = {vector(rng, 5), vector(rng, 5), vector(rng, 5)};
        long[][] ys = mv.matmul(c, xs);
        for (int i = 0; i < xs.length; i++) {
            assertArrayEquals(c.multiply(xs[i]), ys[i], "batch row " + i);
        }
        long[][][] both = mv.matmul(List.of(a, b), new byte[][] {x, vector(rng, 12)});
        assertArrayEquals(b.multiply(x), both[1][0]);
        assertEquals(0, mv.total().mismatches);
        assertEquals(3, mv.total().programs);
        assertEquals((long) 11 * 12 + 3 * 12 + 9 * 5 * 3 + 2 * (11 * 12 + 3 * 12), mv.total().usefulMacs);
        assertTrue(mv.total().bytesWritten > 0 && mv.total().cycles > 0);
    }
}
