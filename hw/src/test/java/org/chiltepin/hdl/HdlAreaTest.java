package org.chiltepin.hdl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HdlAreaTest {
    @TempDir
    Path dir;

    @Test
    void areaFieldsAreNamedFlatOrAfterTheFieldHoldingTheArea() throws IOException {
        var emitted = Verilog.emit(LibToys.Areas::new, "areas", dir);
        String v = Files.readString(dir.resolve("areas.v"));
        assertTrue(v.contains("reg        [3:0]    lo_held;"), v);
        assertTrue(v.contains("reg        [3:0]    hi_held;"), v);
        assertTrue(v.contains("lo_twice"), "a flat area inside a prefixed one takes the prefix:\n" + v);
        assertTrue(v.contains("hi_twice"), v);
        assertFalse(v.contains("_zz_"), v);
        assertTrue(emitted.files().size() == 1, "areas stay in the block's module");
    }
}
