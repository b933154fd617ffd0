package org.chiltepin.hw.kvcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chiltepin.hdl.Verilog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The core's state machine as the Verilog shows it: states and opcodes by name, decisions named. */
class KvCacheCoreTest {
    /** Distinct anonymous names allowed per preset (before the core was split out: 42 to 195). */
    private static final int MAX_ANONYMOUS = 8;

    @TempDir
    Path dir;

    static List<String> presets() {
        return List.copyOf(KvCacheConfig.presets().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void statesAndOpcodesAreNamedAndNoNameComesFromAJavaLine(String preset) throws IOException {
        KvCacheConfig config = KvCacheConfig.preset(preset);
        Verilog.emit(() -> new KvCacheController(config), "kv_cache", dir);
        String v = Files.readString(dir.resolve("kv_cache.v"));
        for (KvState s : KvState.values()) {
            boolean present = s != KvState.GATHER_SETUP || config.axi();
            assertEquals(present, v.contains("localparam KvState_" + s + " = "), s + " in preset " + preset);
        }
        for (KvOp op : KvOp.values()) {
            assertTrue(v.contains("KvOp_" + op + " : begin"), "a case for " + op + " in preset " + preset);
        }
        assertTrue(v.contains("case(state)"), v);
        assertTrue(v.contains("assign page_shared = "), "decisions keep their Java names");
        Set<String> lineNames = matches(v, "\\w*when_\\w+_l\\d+\\w*");
        assertTrue(lineNames.isEmpty(), "names from Java line numbers: " + lineNames);
        Set<String> anonymous = matches(v, "\\b_zz_\\w+");
        assertTrue(anonymous.size() <= MAX_ANONYMOUS, anonymous.size() + " anonymous names: " + anonymous);
    }

    @Test
    void opcodeConstantsAreTheEnumerationsOrder() {
        assertEquals(List.of(KvCacheController.OP_ALLOC, KvCacheController.OP_APPEND, KvCacheController.OP_GATHER,
                KvCacheController.OP_TRUNCATE, KvCacheController.OP_FREE, KvCacheController.OP_FORK,
                KvCacheController.OP_QUERY, KvCacheController.OP_STATS),
                List.of(KvOp.ALLOC.ordinal(), KvOp.APPEND.ordinal(), KvOp.GATHER.ordinal(), KvOp.TRUNCATE.ordinal(),
                        KvOp.FREE.ordinal(), KvOp.FORK_SEQ.ordinal(), KvOp.QUERY.ordinal(), KvOp.STATS.ordinal()));
        assertFalse(KvOp.values().length > 8, "the op field is 3 bits");
    }

    private static Set<String> matches(String text, String regex) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }
}
