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
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.golden.VectorMachine.Command;
import org.junit.jupiter.api.Test;

/** The chip with a vector tile (preset minimal-vec), Verilated, against the chip golden model. */
class ChipVectorCosimTest {
    private static final Path WORK = Path.of("target", "sim-chip-vec");
    private static ChipHarness chip;

    static synchronized ChipHarness chip() {
        if (chip == null) {
            chip = ChipHarness.compile(ChipConfig.preset("minimal-vec"), WORK, Simulation.Options.DEFAULT);
        }
        return chip;
    }

    /**
     * LOADs from memory, every compute command, STOREs to memory (whole and partial rows), then
     * each illegal kind once and a STORE of the whole scratchpad (the illegal ones changed
     * nothing); without stalls and again under random stalls on the host, response and memory.
     */
    @Test
    void everyCommandThroughMemoryAndEachIllegalKind() {
        ChipHarness h = chip();
        ChipReference.Params p = ChipHarness.params(h.config());
        int vec = p.vectorNode();
        int words = p.vector().words();
        long[] mem = new long[p.memWords()];
        java.util.Random rng = new java.util.Random(3);
        for (int i = 0; i < mem.length; i++) {
            // elements of ±2^14: in the range the lanes' arithmetic is exercised without saturating everywhere
            mem[i] = (rng.nextInt(1 << 15) - (1 << 14)) & 0xFFFFFFFFL | (long) (rng.nextInt(1 << 15) - (1 << 14)) << 32;
        }
        int[] tag = {0};
        List<HostCommand> run = new ArrayList<>();
        // the whole scratchpad first (its SRAM starts undefined), 8 READs
        run.add(cmd(vec, 3000, VectorMachine.LOAD, 0, tag, 0, 0, 0, words, 0, 0));
        run.add(cmd(vec, 100, VectorMachine.LOAD, 0, tag, 0, 0, 0, 16, 0, 0));
        run.add(cmd(vec, 200, VectorMachine.LOAD, 0, tag, 16, 0, 0, 16, 0, 0));
        run.add(cmd(vec, 301, VectorMachine.LOAD, 0, tag, 32, 0, 0, 5, 0, 0));
        run.add(cmd(vec, 0, VectorMachine.ADD, 0, tag, 48, 0, 16, 16, 3, 1));
        run.add(cmd(vec, 0, VectorMachine.MUL, 1, tag, 64, 0, 16, 16, 0, 8));
        run.add(cmd(vec, 0, VectorMachine.SCALE, 2, tag, 80, 0, 0, 16, -5, 2));
        run.add(cmd(vec, 0, VectorMachine.MAX, 0, tag, 200, 0, 0, 16, 0, 0));
        run.add(cmd(vec, 0, VectorMachine.EXP, 0, tag, 96, 0, 200, 16, 100, 4));
        run.add(cmd(vec, 0, VectorMachine.SILU, 0, tag, 112, 0, 0, 16, 0, 8));
        run.add(cmd(vec, 0, VectorMachine.SUM, 0, tag, 204, 0, 0, 16, 0, 2));
        run.add(cmd(vec, 0, VectorMachine.NORM, 0, tag, 128, 0, 204, 16, 0, 4));
        run.add(cmd(vec, 0, VectorMachine.RMS, 0, tag, 208, 16, 33, 16, 7, 3));
        run.add(cmd(vec, 0, VectorMachine.QUANT, 2, tag, 144, 32, 212, 5, 0, 0));
        run.add(cmd(vec, 0, VectorMachine.ROPE, 0, tag, 160, 0, 16, 16, 0, 14));
        run.add(cmd(vec, 1000, VectorMachine.STORE, 0, tag, 0, 48, 0, 16, 0, 0));
        run.add(cmd(vec, 1100, VectorMachine.STORE, 0, tag, 0, 144, 0, 5, 0, 0));
        run.add(cmd(vec, 1200, VectorMachine.STORE, 0, tag, 0, 160, 0, 16, 0, 0));
        List<HostCommand> bad = new ArrayList<>();
        bad.add(cmd(vec, 500, VectorMachine.LOAD, 0, tag, 0, 0, 0, 16, 0, 0)); // a legal one first: the tile is busy
        bad.add(cmd(vec, 0, 0, 0, tag, 0, 0, 0, 4, 0, 0)); // BAD_OPCODE: opcode 0
        bad.add(cmd(vec, 0, 14, 0, tag, 0, 0, 0, 4, 0, 0)); // BAD_OPCODE: opcode 14
        bad.add(cmd(vec, 0, VectorMachine.ADD, 3, tag, 48, 0, 16, 4, 0, 0)); // BAD_OPCODE: sat 3
        bad.add(cmd(vec, 0, VectorMachine.ADD, 0, tag, 48, 0, 16, 0, 0, 0)); // BAD_SIZE: len 0
        bad.add(cmd(vec, 1300, VectorMachine.STORE, 0, tag, 0, 0, 0, words + 4, 0, 0)); // BAD_SIZE: past the scratchpad
        bad.add(cmd(vec, 0, VectorMachine.ADD, 0, tag, 250, 0, 16, 16, 0, 0)); // BAD_RANGE: unaligned, past the end
        bad.add(cmd(vec, 600, VectorMachine.LOAD, 0, tag, 3, 0, 0, 8, 0, 0)); // BAD_RANGE: nothing read
        bad.add(cmd(vec, p.memWords() - 6, VectorMachine.LOAD, 0, tag, 0, 0, 0, 16, 0, 0)); // BAD_MEM
        bad.add(cmd(vec, p.memWords() - 1, VectorMachine.STORE, 0, tag, 0, 0, 0, 4, 0, 0)); // BAD_MEM
        bad.add(cmd(vec, 2000, VectorMachine.STORE, 0, tag, 0, 0, 0, words, 0, 0));
        Report r = h.run(List.of(run, bad), mem, 1, Stalls.NONE);
        ChipCosimTest.assertPassed(r, "directed vector");
        assertEquals(run.size() + bad.size(), r.responses());
        long[] s = r.statusCounts();
        assertEquals(run.size() + 2, s[VectorMachine.OK], Arrays.toString(s));
        assertEquals(3, s[VectorMachine.BAD_OPCODE], Arrays.toString(s));
        assertEquals(2, s[VectorMachine.BAD_SIZE], Arrays.toString(s));
        assertEquals(2, s[VectorMachine.BAD_RANGE], Arrays.toString(s));
        assertEquals(2, s[ChipReference.BAD_MEM], Arrays.toString(s));

        Report stalled = h.run(List.of(run, bad), mem, 2, Stalls.RANDOM);
        ChipCosimTest.assertPassed(stalled, "directed vector under random stalls");
        assertEquals(run.size() + bad.size(), stalled.responses());
    }

    /**
     * The packing STOREs (docs/chip.md §3.3) on 4 lanes: int8 saturated, one a word (whole and
     * partial rows, a QUANT's result) and eight a word (a row a word on 4 lanes), then their
     * illegal forms — past memory on their own range, pack 3, a pack on a LOAD, an unaligned
     * source, len 0 — which change nothing; every response and memory word against the golden model.
     */
    @Test
    void packingStoresAndTheirIllegalForms() {
        ChipHarness h = chip();
        ChipReference.Params p = ChipHarness.params(h.config());
        int vec = p.vectorNode();
        int words = p.vector().words();
        long[] mem = new long[p.memWords()];
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < mem.length; i++) {
            // elements of ±2^9: past int8 both ways, so the saturation is exercised
            mem[i] = (rng.nextInt(1 << 10) - (1 << 9)) & 0xFFFFFFFFL | (long) (rng.nextInt(1 << 10) - (1 << 9)) << 32;
        }
        int[] tag = {0};
        List<HostCommand> run = new ArrayList<>();
        run.add(cmd(vec, 3000, VectorMachine.LOAD, 0, tag, 0, 0, 0, words, 0, 0));
        run.add(cmd(vec, 0, VectorMachine.QUANT, 0, tag, 64, 0, 100, 21, 0, 0));
        run.add(pack(vec, 1000, tag, 0, 16, VectorMachine.PACK_A));
        run.add(pack(vec, 1030, tag, 64, 21, VectorMachine.PACK_A)); // a partial last row: zero words past len
        run.add(pack(vec, 1060, tag, 0, 16, VectorMachine.PACK_BYTES));
        run.add(pack(vec, 1070, tag, 64, 21, VectorMachine.PACK_BYTES));
        run.add(pack(vec, 1100, tag, 0, words, VectorMachine.PACK_A)); // 256 words, 16 WRITEs
        List<HostCommand> bad = new ArrayList<>();
        bad.add(cmd(vec, 500, VectorMachine.LOAD, 0, tag, 0, 0, 0, 16, 0, 0)); // a legal one first
        bad.add(pack(vec, p.memWords() - 15, tag, 0, 16, VectorMachine.PACK_A)); // BAD_MEM: 16 words (int32 would fit)
        bad.add(pack(vec, p.memWords() - 3, tag, 0, 16, VectorMachine.PACK_BYTES)); // BAD_MEM: 4 words
        bad.add(pack(vec, 1400, tag, 0, 16, 3)); // BAD_OPCODE: pack 3
        bad.add(new HostCommand(vec, 1400, new Command(VectorMachine.LOAD, 0, tag[0]++, 0, 0, 0, 16, 0, 0,
                VectorMachine.PACK_BYTES))); // BAD_OPCODE: a pack on a LOAD, nothing read
        bad.add(pack(vec, 1400, tag, 2, 8, VectorMachine.PACK_A)); // BAD_RANGE: unaligned source
        bad.add(pack(vec, 1400, tag, 0, 0, VectorMachine.PACK_BYTES)); // BAD_SIZE: len 0
        bad.add(cmd(vec, 2000, VectorMachine.STORE, 0, tag, 0, 0, 0, words, 0, 0));
        Report r = h.run(List.of(run, bad), mem, 1, Stalls.NONE);
        ChipCosimTest.assertPassed(r, "packing stores");
        long[] s = r.statusCounts();
        assertEquals(run.size() + 2, s[VectorMachine.OK], Arrays.toString(s));
        assertEquals(2, s[VectorMachine.BAD_OPCODE], Arrays.toString(s));
        assertEquals(1, s[VectorMachine.BAD_SIZE], Arrays.toString(s));
        assertEquals(1, s[VectorMachine.BAD_RANGE], Arrays.toString(s));
        assertEquals(2, s[ChipReference.BAD_MEM], Arrays.toString(s));
        Report stalled = h.run(List.of(run, bad), mem, 2, Stalls.RANDOM);
        ChipCosimTest.assertPassed(stalled, "packing stores under random stalls");
    }

    private static HostCommand pack(int node, long memAddr, int[] tag, int srcA, int len, int pack) {
        return new HostCommand(node, memAddr, new Command(VectorMachine.STORE, 0, tag[0]++, 0, srcA, 0, len, 0, 0, pack));
    }

    /** Random programs mixing GEMM and vector work and illegal commands, under random stalls. */
    @Test
    void randomProgramsWithVectorWork() {
        ChipHarness h = chip();
        int phases = Boolean.getBoolean("chiltepin.full") ? 40 : 4;
        Program prog = ChipPrograms.random(ChipHarness.params(h.config()), 5, phases, 120, true);
        long vectorCommands = prog.phases().stream().flatMap(List::stream).filter(c -> c.vec() != null).count();
        assertTrue(vectorCommands > 50, "vector commands: " + vectorCommands);
        Report r = h.run(prog.phases(), prog.memory(), 5, Stalls.RANDOM);
        ChipCosimTest.assertPassed(r, "random vector");
        assertEquals(prog.commands(), r.responses());
        long[] s = r.statusCounts();
        for (int st : new int[] {VectorMachine.OK, VectorMachine.BAD_OPCODE, VectorMachine.BAD_SIZE, VectorMachine.BAD_RANGE,
            ChipReference.BAD_MEM}) {
            assertTrue(s[st] > 0, "status " + st + " produced: " + Arrays.toString(s));
        }
    }

    private static HostCommand cmd(int node, long memAddr, int op, int sat, int[] tag, int dst, int srcA, int srcB, int len,
            int mult, int shift) {
        return new HostCommand(node, memAddr, new Command(op, sat, tag[0]++, dst, srcA, srcB, len, mult, shift));
    }
}
