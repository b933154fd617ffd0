package org.chiltepin.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HdlEnum} and {@link Switch}: named localparams, case statements, and what they compute. */
class HdlEnumTest {
    @TempDir
    Path dir;

    @Test
    void statesAndOpcodesAppearByNameAndTheVerilogIsLintClean() throws IOException {
        var emitted = Verilog.emit(LibToys.Sequencer::new, "sequencer", dir);
        String v = Files.readString(dir.resolve("sequencer.v"));
        for (String p : new String[] {"localparam Phase_IDLE = 2'd0;", "localparam Phase_LOAD = 2'd1;",
                "localparam Phase_RUN = 2'd2;", "localparam Phase_DONE = 2'd3;", "localparam Op_CLEAR = 2'd3;"}) {
            assertTrue(v.contains(p), p + " in\n" + v);
        }
        assertTrue(v.contains("case(state)"), v);
        assertTrue(v.contains("Phase_RUN : begin"), v);
        assertTrue(v.contains("Phase_DONE : begin"), "every case by name, the last one too:\n" + v);
        assertTrue(v.contains("case(opcode)"), v);
        assertTrue(v.contains("assign done = (state == Phase_DONE);"), v);
        assertFalse(v.contains("_string"), "no debug string registers");
        assertFalse(v.matches("(?s).*when_\\w+_l\\d+.*"), "decisions are named fields, not Java lines:\n" + v);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "sequencer");
        assertTrue(lint.ok(), lint.output());
    }

    /** A Verilator build of its own (~25 CPU-seconds): the KV-cache co-simulations run enumerations by default. */
    @Test
    void theStateMachineRunsAsWritten() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("chiltepin.full"),
                "the toy state machine is simulated with -Dchiltepin.full=true");
        Simulation<LibToys.Sequencer> sim = Simulation.compile(LibToys.Sequencer::new, dir.resolve("sim"),
                Simulation.Options.DEFAULT);
        sim.run("sequence", 1, c -> {
            var d = c.dut();
            c.set(d.start, 10);
            c.set(d.code, LibToys.Op.DEC.ordinal());
            c.tick(3);
            assertEquals(0, c.get(d.value), "IDLE waits for go");
            c.set(d.go, true);
            c.tick(); // IDLE -> LOAD
            c.set(d.go, false);
            c.tick(); // LOAD: count := 10
            for (int i = 0; i < 4; i++) {
                c.tick(); // RUN: four decrements
                assertFalse(c.get(d.done));
            }
            c.tick();
            assertTrue(c.get(d.done), "DONE after four RUN cycles");
            assertEquals(6, c.get(d.value));
            c.tick();
            assertFalse(c.get(d.done), "back in IDLE");
            c.set(d.code, LibToys.Op.CLEAR.ordinal());
            c.set(d.go, true);
            c.tick(4);
            assertEquals(0, c.get(d.value), "CLEAR decoded from the raw opcode bits");
        });
    }

    @Test
    void rawBitsOfTheWrongWidthAreRejected() {
        HdlException e = assertThrows(HdlException.class, () -> Verilog.elaborate(WrongWidth::new));
        assertTrue(e.getMessage().contains("needs 2 bits, got 3"), e.getMessage());
        assertTrue(e.getMessage().contains("HdlEnumTest.java"), e.getMessage());
    }

    @Test
    void aSubsetOfTheConstantsIsAnEnumerationOfItsOwn() throws IOException {
        Verilog.emit(TwoPhases::new, "two_phases", dir);
        String v = Files.readString(dir.resolve("two_phases.v"));
        assertTrue(v.contains("localparam Phase_IDLE = 1'd0;") && v.contains("localparam Phase_RUN = 1'd1;"), v);
        assertFalse(v.contains("Phase_LOAD"), v);
        HdlException e = assertThrows(HdlException.class, () -> Verilog.elaborate(() -> new TwoPhases(true)));
        assertTrue(e.getMessage().contains("has no LOAD here"), e.getMessage());
    }

    static final class TwoPhases extends Block {
        final spinal.core.Bool go = Hdl.in(Hdl.bool());
        final spinal.core.Bool running = Hdl.out(Hdl.bool());
        final HdlEnum<LibToys.Phase> phases =
                HdlEnum.of(LibToys.Phase.class, java.util.EnumSet.of(LibToys.Phase.IDLE, LibToys.Phase.RUN));
        final spinal.core.SpinalEnumCraft<spinal.core.SpinalEnum> state = phases.regInit(LibToys.Phase.IDLE);

        TwoPhases() {
            this(false);
        }

        TwoPhases(boolean useMissing) {
            Hdl.when(go, () -> phases.set(state, useMissing ? LibToys.Phase.LOAD : LibToys.Phase.RUN));
            Hdl.assign(running, phases.is(state, LibToys.Phase.RUN));
        }
    }

    /** A signal may not share its enumeration's name (SpinalHDL reserves it, case-insensitively). */
    static final class WrongWidth extends Block {
        final spinal.core.UInt raw = Hdl.in(Hdl.uint(3));
        final spinal.core.SpinalEnumCraft<spinal.core.SpinalEnum> op =
                HdlEnum.of(LibToys.Op.class).fromBits(Hdl.asBits(raw));
    }
}
