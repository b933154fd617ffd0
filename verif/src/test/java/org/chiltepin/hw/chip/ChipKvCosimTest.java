package org.chiltepin.hw.chip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.chip.ChipHarness.Report;
import org.chiltepin.verif.chip.ChipHarness.Stalls;
import org.chiltepin.verif.chip.ChipPrograms;
import org.chiltepin.verif.chip.ChipPrograms.Program;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.ChipReference.KvCommand;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.KvCacheReference;
import org.junit.jupiter.api.Test;

/** The chip with a KV tile (preset minimal-kv), Verilated, against the chip golden model. */
class ChipKvCosimTest {
    private static final Path WORK = Path.of("target", "sim-chip-kv");
    private static ChipHarness chip;

    static synchronized ChipHarness chip() {
        if (chip == null) {
            chip = ChipHarness.compile(ChipConfig.preset("minimal-kv"), WORK, Simulation.Options.DEFAULT);
        }
        return chip;
    }

    /**
     * Appends from memory, a gather into memory, GEMM loads of K and V rows straight from the KV
     * tile feeding a GEMM whose result is stored, then each illegal kind once.
     */
    @Test
    void appendGatherAndGemmLoadFromKv() {
        ChipHarness h = chip();
        ChipReference.Params p = ChipHarness.params(h.config());
        int kv = p.kvNode();
        int gemm = p.gemmNodes().iterator().next();
        long[] mem = new long[p.memWords()];
        java.util.Random rng = new java.util.Random(2);
        for (int i = 0; i < mem.length; i++) {
            mem[i] = rng.nextLong();
        }
        List<HostCommand> first = new ArrayList<>();
        List<HostCommand> second = new ArrayList<>();
        int tag = 0;
        first.add(new HostCommand(kv, 0, KvCommand.of(KvCacheReference.OP_ALLOC, tag++, 0, false, 0, 0)));
        for (int t = 0; t < 6; t++) {
            first.add(new HostCommand(kv, 100 + 2 * t, KvCommand.of(KvCacheReference.OP_APPEND, tag++, 0, false, 0, 0)));
        }
        first.add(new HostCommand(kv, 1000, KvCommand.of(KvCacheReference.OP_GATHER, tag++, 0, true, 1, 5)));
        first.add(new HostCommand(kv, 0, KvCommand.of(KvCacheReference.OP_QUERY, tag++, 0, false, 0, 0)));
        first.add(new HostCommand(kv, 0, KvCommand.of(KvCacheReference.OP_STATS, tag++, 0, false, 0, 0)));
        // a GEMM reads its A and B words straight from the K and V rows
        second.add(new HostCommand(gemm, ChipReference.kvAddress(false, 0, 0),
                GemmReference.Command.of(GemmReference.LOAD_A, tag++, false, 0, 0, 0, 6, 0, 0)));
        second.add(new HostCommand(gemm, ChipReference.kvAddress(true, 0, 0),
                GemmReference.Command.of(GemmReference.LOAD_B, tag++, false, 0, 0, 0, 6, 0, 0)));
        second.add(new HostCommand(gemm, 50, GemmReference.Command.of(GemmReference.LOAD_SCALE, tag++, false, 0, 0, 0, 2, 0, 0)));
        second.add(new HostCommand(gemm, 0, GemmReference.Command.of(GemmReference.COMPUTE, tag++, false, 0, 0, 0, 2, 2, 6)));
        second.add(new HostCommand(gemm, 2000, GemmReference.Command.of(GemmReference.STORE, tag++, false, 0, 0, 0, 2, 2, 0)));
        second.add(new HostCommand(gemm, ChipReference.kvAddress(false, 0, 5),
                GemmReference.Command.of(GemmReference.LOAD_A, tag++, false, 0, 0, 0, 2, 0, 0)));
        second.add(new HostCommand(gemm, ChipReference.kvAddress(false, 3, 0),
                GemmReference.Command.of(GemmReference.LOAD_B, tag++, false, 0, 0, 0, 1, 0, 0)));
        second.add(new HostCommand(kv, 101, KvCommand.of(KvCacheReference.OP_APPEND, tag++, 0, false, 0, 0)));
        second.add(new HostCommand(kv, 0, KvCommand.of(11, tag++, 0, false, 0, 0)));
        second.add(new HostCommand(kv, 0, KvCommand.of(KvCacheReference.OP_GATHER, tag++, 0, false, 0, 7)));
        second.add(new HostCommand(kv, 0, KvCommand.of(KvCacheReference.OP_FREE, tag++, 2, false, 0, 0)));
        Report r = h.run(List.of(first, second), mem, 1, Stalls.NONE);
        ChipCosimTest.assertPassed(r, "directed KV");
        assertEquals(first.size() + second.size(), r.responses());
        long[] s = r.statusCounts();
        assertEquals(2, s[ChipReference.BAD_KV], Arrays.toString(s));
        assertEquals(1, s[ChipReference.BAD_MEM], Arrays.toString(s));
        assertEquals(1, s[GemmReference.BAD_OPCODE], Arrays.toString(s));
        assertEquals(1, s[ChipReference.KV_STATUS + KvCacheReference.RANGE], Arrays.toString(s));
        assertEquals(1, s[ChipReference.KV_STATUS + KvCacheReference.BAD_SEQ], Arrays.toString(s));

        // a load from slow memory, then one from the KV tile: the KV rows must not overtake
        List<HostCommand> third = new ArrayList<>();
        third.add(new HostCommand(gemm, 200, GemmReference.Command.of(GemmReference.LOAD_A, tag++, false, 0, 0, 0, 6, 0, 0)));
        third.add(new HostCommand(gemm, ChipReference.kvAddress(true, 0, 0),
                GemmReference.Command.of(GemmReference.LOAD_A, tag++, false, 6, 0, 0, 6, 0, 0)));
        third.add(new HostCommand(gemm, 300, GemmReference.Command.of(GemmReference.LOAD_B, tag++, false, 0, 0, 0, 12, 0, 0)));
        third.add(new HostCommand(gemm, 0, GemmReference.Command.of(GemmReference.COMPUTE, tag++, false, 0, 0, 0, 2, 2, 12)));
        third.add(new HostCommand(gemm, 2100, GemmReference.Command.of(GemmReference.STORE, tag++, false, 0, 0, 0, 2, 2, 0)));
        Report slow = h.run(List.of(first, third), mem, 2, new Stalls(0, 0, 0, 40, 40, 0));
        ChipCosimTest.assertPassed(slow, "KV rows after a slow memory load");
    }

    /** Random programs mixing GEMM and KV work, GEMM loads from the KV tile and illegal commands, under stalls. */
    @Test
    void randomProgramsWithKvWork() {
        ChipHarness h = chip();
        int phases = Boolean.getBoolean("chiltepin.full") ? 40 : 6;
        Program prog = ChipPrograms.random(ChipHarness.params(h.config()), 4, phases, 120, true);
        Report r = h.run(prog.phases(), prog.memory(), 4, Stalls.RANDOM);
        ChipCosimTest.assertPassed(r, "random KV");
        assertEquals(prog.commands(), r.responses());
        long[] s = r.statusCounts();
        for (int st : new int[] {GemmReference.OK, GemmReference.BAD_OPCODE, ChipReference.BAD_MEM, ChipReference.BAD_KV,
            ChipReference.KV_STATUS + KvCacheReference.BAD_SEQ, ChipReference.KV_STATUS + KvCacheReference.RANGE}) {
            assertTrue(s[st] > 0, "status " + st + " produced: " + Arrays.toString(s));
        }
    }
}
