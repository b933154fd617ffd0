package org.chiltepin.verif.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Command;
import org.junit.jupiter.api.Test;

/** The energy model's arithmetic and the SRAM / flit-hop counts of a hand-made program. */
class EnergyModelTest {
    private static final EnergyModel E = EnergyModel.HOROWITZ_45NM;

    @Test
    void tableIsTheCitedNumbers() {
        assertEquals(200_000 + 100_000, E.macAj(), "8-bit multiply 0.2 pJ + 32-bit add 0.1 pJ");
        assertEquals(10_000_000 / 8, E.sramByteAj(), "10 pJ per 64-bit access of an 8 KB cache");
        assertEquals(1_300_000_000 / 8, E.dramByteAj(), "1.3 nJ per 64-bit DRAM access");
        assertEquals(64 * 40_400, E.linkFlitHopAj(), "40.4 fJ/bit/mm, 64-bit flit, 1 mm per hop");
    }

    @Test
    void energyIsCountTimesEnergyPerEvent() {
        EnergyModel.Energy e = E.of(new EnergyModel.Events(1000, 100, 10, 8));
        assertEquals(300_000_000L, e.macAj()); // 300 pJ
        assertEquals(125_000_000L, e.sramAj()); // 125 pJ
        assertEquals(25_856_000L, e.linkAj()); // 25.856 pJ
        assertEquals(1_300_000_000L, e.dramAj()); // 1300 pJ
        assertEquals(1_750_856_000L, e.totalAj());
        assertEquals(1750.856, e.totalPj(), 1e-9);
        EnergyModel.Events sum = new EnergyModel.Events(1, 2, 3, 4).plus(new EnergyModel.Events(10, 20, 30, 40));
        assertEquals(new EnergyModel.Events(11, 22, 33, 44), sum);
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EnergyModel.Events(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EnergyModel("x", 0, -1, 0, 0));
        assertThrows(ArithmeticException.class, () -> E.of(new EnergyModel.Events(0, 0, 0, Long.MAX_VALUE / 1000)));
    }

    /**
     * Default chip (3×3: control (0,0), memory (1,0), GEMM tile node 5 at (2,1)): LOAD_A of 16
     * words, an 8×16×8 COMPUTE, a STORE of 8 words. Control ↔ tile is 3 hops, memory ↔ tile 2.
     */
    @Test
    void programEventsByHand() {
        ChipConfig chip = ChipConfig.preset("default");
        int node = 5;
        List<HostCommand> program = List.of(
                new HostCommand(node, 0, Command.of(GemmReference.LOAD_A, 0, false, 0, 0, 0, 16, 0, 0)),
                new HostCommand(node, 0, Command.of(GemmReference.COMPUTE, 1, false, 0, 0, 0, 8, 8, 16)),
                new HostCommand(node, 32, Command.of(GemmReference.STORE, 2, false, 0, 0, 0, 8, 8, 0)));
        ChipEvents.Counts c = new ChipEvents(chip).of(program);
        // flit-hops: each command 3·3 + 2·3 = 15; LOAD_A: request 1·2 + reply 17·2; STORE: request 9·2 + reply 1·2
        assertEquals(3 * 15 + (2 + 34) + (18 + 2), c.linkFlitHops());
        // SRAM: LOAD_A 16·8; COMPUTE one pass: 16·(8 + 8) operand bytes + 8·8·4 accumulator bytes; STORE 8·8·4
        assertEquals(128 + (256 + 256) + 256, c.sramBytes());
    }
}
