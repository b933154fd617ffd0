package org.chiltepin.hdl;

import static org.chiltepin.hdl.Hdl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spinal.core.Bool;
import spinal.core.UInt;

/** {@link VerilogNames} counts what it should, and the facade names no condition after a Java line. */
class VerilogNamesTest {
    @TempDir
    Path dir;

    /** Conditions of every kind: a field, an inline expression, a named decision, a named else-if. */
    static final class Decisions extends Block {
        final Bool clear = in(bool());
        final Bool inc = in(bool());
        final Bool dec = in(bool());
        final UInt count = out(uint(4));
        final UInt value = regInit(uint(4), uint(0, 4));
        final Bool full = eq(value, uint(15, 4));

        Decisions() {
            when(and(clear, not(inc)), () -> assign(value, uint(0, 4)))
                    .elseWhen("may_inc", and(inc, not(full)), () -> assign(value, add(value, uint(1, 4))))
                    .elseWhen(full, () -> assign(value, value));
            when("may_dec", and(dec, neq(value, uint(0, 4))), () -> assign(value, sub(value, uint(1, 4))));
            assign(count, value);
        }
    }

    @Test
    void countsAnonymousAndLineNumberNamesDistinctPerFile() throws IOException {
        Path a = Files.writeString(dir.resolve("a.v"), "wire _zz_1;\nwire _zz_1_b;\nassign x = _zz_1;\n"
                + "wire when_Foo_l12;\nwire _zz_when_Foo_l12;\nwire switch_Bar_l7_1;\nwire when_ready;\n");
        Path b = Files.writeString(dir.resolve("b.v"), "wire _zz_1;\n");
        VerilogNames.Count c = VerilogNames.of(List.of(a, b));
        assertEquals(2, c.files());
        assertEquals(8, c.lines());
        assertEquals(4, c.anonymous(), "_zz_1 and _zz_1_b and _zz_when_Foo_l12 in a, _zz_1 in b");
        assertEquals(Set.of("when_Foo_l12", "_zz_when_Foo_l12", "switch_Bar_l7_1"), c.lineNumberNames());
        assertEquals(3, c.lineNumber());
        assertEquals(3 * 1000.0 / 8, c.lineNumberPer1000(), 1e-9);
    }

    @Test
    void conditionsAreNamedByFieldOrByNameNeverByJavaLine() throws IOException {
        var emitted = Verilog.emit(Decisions::new, "decisions", dir);
        String v = Files.readString(dir.resolve("decisions.v"));
        assertEquals(0, VerilogNames.of(emitted.files()).lineNumber(), v);
        assertTrue(v.contains("if(may_inc)"), v);
        assertTrue(v.contains("if(may_dec)"), v);
        assertTrue(v.contains("if(full)"), v);
        assertFalse(v.contains("_l3"), v);
    }
}
