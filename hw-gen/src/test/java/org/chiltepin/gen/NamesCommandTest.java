package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The naming gate: no name in the Verilog of any preset of any block in {@link Chiltepin#BLOCKS}
 * comes from a Java line number ({@code when_File_lNNN}), and {@code chiltepin names} says so.
 */
class NamesCommandTest {
    static Stream<BlockKind<?>> blocks() {
        return Chiltepin.BLOCKS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void noNameComesFromAJavaLineInAnyPreset(BlockKind<?> kind) throws IOException {
        List<NamesCommand.Row> rows = NamesCommand.rows(kind);
        assertEquals(kind.presets().size(), rows.size());
        for (NamesCommand.Row r : rows) {
            assertTrue(r.count().lines() > 0, r.toString());
            assertEquals(0, r.count().lineNumber(), kind.name() + " " + r.preset() + ": " + r.count().lineNumberNames());
        }
    }

    @org.junit.jupiter.api.Test
    void theCommandPrintsOneRowPerPresetAndExitsZero() {
        ChiltepinTest.Result r = ChiltepinTest.run("names", "--block", "kvcache");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1 + org.chiltepin.hw.kvcache.KvCacheConfig.presets().size(), r.out().strip().lines().count(), r.out());
        assertEquals(2, ChiltepinTest.run("names", "--block", "nope").exit());
    }
}
