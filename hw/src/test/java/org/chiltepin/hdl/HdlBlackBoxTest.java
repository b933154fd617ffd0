package org.chiltepin.hdl;

import static org.chiltepin.hdl.Hdl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spinal.core.Bits;
import spinal.core.Bool;

/** Black boxes (vendor primitives) and clock domains of the facade: what a board top needs. */
class HdlBlackBoxTest {
    @TempDir
    Path dir;

    static final class Prim extends HdlBlackBox {
        final Bits a = input(bits(4), "A");
        final Bits o = output(bits(4), "O");

        Prim() {
            super("VENDOR_PRIM");
            parameter("MODE", bitsLiteral(2, 2));
            parameter("DIV", 7);
            parameter("PATH", "SIMPLE");
        }
    }

    static final class User extends Block {
        final Bits x = in(bits(4));
        final Bits y = out(bits(4));
        final Prim prim = HdlBlackBox.place(Prim::new);

        User() {
            assign(prim.a, x);
            assign(y, prim.o);
        }
    }

    static final class Counter extends Block {
        final Bool q = out(bool());
        final Bool t = regInit(bool(), bool(false));

        Counter() {
            assign(t, not(t));
            assign(q, t);
        }
    }

    static final class ClockedTop extends Block {
        final Bool osc = named(in(bool()), "OSC");
        final Bool q = out(bool());
        final Bool clk = bool();
        final Bool reset = bool();
        final Counter counter;

        ClockedTop() {
            assign(clk, osc);
            assign(reset, bool(false));
            counter = Clocks.on(Clocks.synchronous(clk, reset), () -> build(Counter::new));
            assign(q, counter.q);
        }
    }

    @Test
    void aChildBuiltInAnotherDomainIsClockedByItsSignals() throws Exception {
        var e = Verilog.emit(ClockedTop::new, "clocked", dir);
        assertEquals(List.of("OSC", "q"), e.ports().stream().map(Verilog.Port::name).toList(), "no clk/reset ports of its own");
        String v = Files.readString(dir.resolve("clocked.v"));
        assertTrue(v.contains(".clk   (clk        )") && v.contains(".reset (reset      )") && v.contains("assign clk = OSC;"), v);
    }

    static final class BootTop extends Block {
        final Bool osc = named(in(bool()), "OSC");
        final Bool q = out(bool());
        final Bool t = Clocks.on(Clocks.boot(osc), () -> regInit(bool(), bool(true)));

        BootTop() {
            assign(t, not(t));
            assign(q, t);
        }
    }

    @Test
    void aBootDomainRegisterStartsAtItsInitWithoutAReset() throws Exception {
        Verilog.emit(BootTop::new, "boot", dir);
        String v = Files.readString(dir.resolve("boot.v"));
        assertTrue(v.contains("t = 1'b1;") && v.contains("always @(posedge OSC)") && !v.contains("reset"), v);
    }

    @Test
    void blackBoxIsInstantiatedByNameWithItsParameters() throws Exception {
        var e = Verilog.emit(User::new, "user", dir);
        assertEquals(List.of(dir.resolve("user.v")), e.files(), "nothing is written for the black box");
        String v = Files.readString(dir.resolve("user.v"));
        for (String s : List.of("VENDOR_PRIM #(", ".MODE (2'b10   )", ".DIV  (7       )", ".PATH (\"SIMPLE\")", ") prim (",
                ".A (x[3:0]     )", "assign y = prim_O;")) {
            assertTrue(v.contains(s), s + " in\n" + v);
        }
    }
}
