package org.chiltepin.hw.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.chip.ChipHarness.Report;
import org.chiltepin.verif.chip.ChipHarness.Stalls;
import org.chiltepin.verif.chip.ChipPrograms;
import org.chiltepin.verif.chip.ChipPrograms.Program;
import org.chiltepin.verif.chip.ChipWorkloads;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.GemmReference;
import org.junit.jupiter.api.Test;

/** The emitted chip (minimal preset), Verilated, against the chip golden model. */
class ChipCosimTest {
    private static final Path WORK = Path.of("target", "sim-chip");
    private static ChipHarness minimal;

    static synchronized ChipHarness minimal() {
        if (minimal == null) {
            minimal = ChipHarness.compile(ChipConfig.preset("minimal"), WORK, Simulation.Options.DEFAULT);
        }
        return minimal;
    }

    static void assertPassed(Report r, String what) {
        assertTrue(r.passed(), what + ": " + r.failures() + " failures, first: " + String.join("\n", r.mismatches()));
    }

    /**
     * One GEMM per tile through memory (results by STORE and by READ_ACC), then each misaddressed
     * kind once; no stalls.
     */
    @Test
    void directedGemmsAndErrors() {
        ChipHarness h = minimal();
        ChipReference.Params p = ChipHarness.params(h.config());
        long[] mem = new long[p.memWords()];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < mem.length; i++) {
            mem[i] = rng.nextLong();
        }
        java.util.List<ChipReference.HostCommand> cmds = new java.util.ArrayList<>();
        int tag = 0;
        for (int node : new int[] {2, 3}) {
            cmds.add(new ChipReference.HostCommand(node, 10, GemmReference.Command.of(GemmReference.LOAD_A, tag++, false, 0, 0, 0, 6, 0, 0)));
            cmds.add(new ChipReference.HostCommand(node, 30, GemmReference.Command.of(GemmReference.LOAD_B, tag++, false, 0, 0, 0, 6, 0, 0)));
            cmds.add(new ChipReference.HostCommand(node, 50, GemmReference.Command.of(GemmReference.LOAD_SCALE, tag++, false, 0, 0, 0, 4, 0, 0)));
            cmds.add(new ChipReference.HostCommand(node, 0, GemmReference.Command.of(GemmReference.COMPUTE, tag++, false, 0, 0, 0, 4, 4, 3)));
            cmds.add(new ChipReference.HostCommand(node, 2048 + 100 * node, GemmReference.Command.of(GemmReference.STORE, tag++, false, 0, 0, 0, 4, 4, 0)));
            cmds.add(new ChipReference.HostCommand(node, 3000 + 100 * node, GemmReference.Command.of(GemmReference.READ_ACC, tag++, false, 0, 0, 0, 4, 3, 0)));
        }
        cmds.add(new ChipReference.HostCommand(1, 0, GemmReference.Command.of(GemmReference.FENCE, tag++, false, 0, 0, 0, 0, 0, 0)));
        cmds.add(new ChipReference.HostCommand(2, 4095, GemmReference.Command.of(GemmReference.LOAD_A, tag++, false, 0, 0, 0, 2, 0, 0)));
        cmds.add(new ChipReference.HostCommand(3, 4090, GemmReference.Command.of(GemmReference.READ_ACC, tag++, false, 0, 0, 0, 4, 3, 0)));
        Report r = h.run(java.util.List.of(cmds), mem, 1, Stalls.NONE);
        assertPassed(r, "directed");
        assertEquals(cmds.size(), r.responses());
    }

    /**
     * Tile → tile: tile 2's GEMM result goes into its result buffer, tile 3 loads it as B straight
     * from there and stores its own result to memory; then each illegal tile-buffer address once
     * (own buffer, a non-GEMM node, a STORE into another tile's buffer, past the buffer); with and
     * without stalls.
     */
    @Test
    void tileToTileChainAndErrors() {
        ChipHarness h = minimal();
        ChipReference.Params p = ChipHarness.params(h.config());
        long[] mem = new long[p.memWords()];
        java.util.Random rng = new java.util.Random(2);
        for (int i = 0; i < mem.length; i++) {
            mem[i] = rng.nextLong();
        }
        int[] tag = {0};
        java.util.function.BiFunction<Long, int[], ChipReference.HostCommand> gemm = (addr, f) -> new ChipReference.HostCommand(
                f[0], addr, GemmReference.Command.of(f[1], tag[0]++, false, f[2], f[3], f[4], f[5], f[6], f[7]));
        var first = java.util.List.of(
                gemm.apply(10L, new int[] {2, GemmReference.LOAD_A, 0, 0, 0, 6, 0, 0}),
                gemm.apply(30L, new int[] {2, GemmReference.LOAD_B, 0, 0, 0, 6, 0, 0}),
                gemm.apply(50L, new int[] {2, GemmReference.LOAD_SCALE, 0, 0, 0, 4, 0, 0}),
                gemm.apply(0L, new int[] {2, GemmReference.COMPUTE, 0, 0, 0, 4, 4, 3}),
                gemm.apply(ChipReference.tileAddress(2, 5), new int[] {2, GemmReference.STORE, 0, 0, 0, 4, 4, 0}));
        var second = java.util.List.of(
                gemm.apply(ChipReference.tileAddress(2, 5), new int[] {3, GemmReference.LOAD_B, 0, 0, 0, 8, 0, 0}),
                gemm.apply(70L, new int[] {3, GemmReference.LOAD_A, 0, 0, 0, 8, 0, 0}),
                gemm.apply(90L, new int[] {3, GemmReference.LOAD_SCALE, 0, 0, 0, 2, 0, 0}),
                gemm.apply(0L, new int[] {3, GemmReference.COMPUTE, 0, 0, 0, 2, 2, 8}),
                gemm.apply(3000L, new int[] {3, GemmReference.STORE, 0, 0, 0, 2, 2, 0}),
                gemm.apply(ChipReference.tileAddress(3, 0), new int[] {3, GemmReference.LOAD_A, 0, 0, 0, 2, 0, 0}),
                gemm.apply(ChipReference.tileAddress(1, 0), new int[] {3, GemmReference.LOAD_B, 0, 0, 0, 2, 0, 0}),
                gemm.apply(ChipReference.tileAddress(3, 0), new int[] {2, GemmReference.STORE, 0, 0, 0, 4, 4, 0}),
                gemm.apply(ChipReference.tileAddress(3, 250), new int[] {2, GemmReference.LOAD_A, 0, 0, 0, 10, 0, 0}),
                gemm.apply(ChipReference.tileAddress(2, 5), new int[] {3, GemmReference.LOAD_A, 8, 0, 0, 8, 0, 0}));
        for (Stalls stalls : new Stalls[] {Stalls.NONE, Stalls.RANDOM}) {
            Report r = h.run(java.util.List.of(first, second), mem, 2, stalls);
            assertPassed(r, "tile to tile");
            assertEquals(first.size() + second.size(), r.responses());
            long[] s = r.statusCounts();
            assertEquals(3, s[ChipReference.BAD_TILE], Arrays.toString(s));
            assertEquals(1, s[ChipReference.BAD_MEM], Arrays.toString(s));
            assertEquals(first.size() + second.size() - 4, s[GemmReference.OK], Arrays.toString(s));
        }
    }

    @Test
    void randomProgramsWithIllegalCommandsAndStalls() {
        ChipHarness h = minimal();
        int phases = Boolean.getBoolean("chiltepin.full") ? 60 : 6;
        Program prog = ChipPrograms.random(ChipHarness.params(h.config()), 3, phases, 120, true);
        Report r = h.run(prog.phases(), prog.memory(), 3, Stalls.RANDOM);
        assertPassed(r, "random");
        assertEquals(prog.commands(), r.responses());
        assertEquals(h.config().memWords(), r.wordsCompared());
        long[] s = r.statusCounts();
        for (int st : new int[] {GemmReference.OK, GemmReference.BAD_OPCODE, GemmReference.BAD_SIZE, GemmReference.BAD_RANGE,
            ChipReference.BAD_TILE, ChipReference.BAD_MEM}) {
            assertTrue(s[st] > 0, "status " + st + " produced: " + Arrays.toString(s));
        }
        assertTrue(r.bytesWritten() > 0 && r.bytesRead() > 0, "memory moved both ways");
    }

    /** The benchmark programs, small: a GEMM split by rows over both tiles and a GEMV stream split by columns. */
    @Test
    void splitGemmAndGemvStreamMatchGolden() {
        ChipHarness h = minimal();
        ChipConfig c = h.config();
        for (int g : new int[] {1, 3}) {
            int m = g == 1 ? 16 : 1;
            var wl = ChipWorkloads.gemms(ChipHarness.params(c), c.k(), c.gemmNodes(), 0, 1, g, m, 16, 16, 5);
            Report r = h.run(java.util.List.of(wl.commands()), wl.memory(), 5, Stalls.RANDOM);
            assertPassed(r, g == 1 ? "gemm" : "gemv stream");
            assertEquals(wl.commands().size(), r.responses());
            assertEquals((long) g * m * 16 * 16, wl.macs());
            assertTrue(r.bytesWritten() >= (long) g * m * 16 / c.gemm().cols() * 8, "results stored");
        }
    }

    /** The benchmark's two-layer chain, small: through memory and tile → tile, same results, fewer memory bytes. */
    @Test
    void twoLayerChainThroughMemoryAndTileToTile() {
        ChipHarness h = minimal();
        ChipConfig c = h.config();
        long[] bytes = new long[2];
        for (int i = 0; i < 2; i++) {
            var ch = ChipWorkloads.chain(ChipHarness.params(c), c.k(), 2, 3, 0, 1, 16, 4, 7, i == 1);
            Report r = h.run(ch.phases(), ch.memory(), 7, Stalls.RANDOM);
            assertPassed(r, i == 1 ? "chain tile to tile" : "chain through memory");
            assertEquals(ch.phases().stream().mapToLong(java.util.List::size).sum(), r.responses());
            bytes[i] = r.bytesRead() + r.bytesWritten();
        }
        // the intermediate (4 blocks × 16 words) is neither written nor read through the memory port
        assertEquals(bytes[0] - 2 * 4 * 16 * 8, bytes[1]);
    }

    /** Back-to-back legal work with a slow memory and no idle host: no loss, no duplicate, no deadlock. */
    @Test
    void saturationWithSlowMemory() {
        ChipHarness h = minimal();
        Program prog = ChipPrograms.random(ChipHarness.params(h.config()), 9, 2, 256, false);
        Report r = h.run(prog.phases(), prog.memory(), 9, new Stalls(0, 0.5, 0.3, 20, 40, 3));
        assertPassed(r, "saturation");
        assertEquals(prog.commands(), r.responses());
    }
}
