package org.chiltepin.hw.kvcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.KvCacheReference.Command;
import org.chiltepin.verif.kvcache.KvCacheHarness;
import org.chiltepin.verif.kvcache.KvCacheHarness.Report;
import org.chiltepin.verif.kvcache.KvCacheHarness.Stalls;
import org.chiltepin.verif.kvcache.KvCacheStimulus;
import org.junit.jupiter.api.Test;

/** The emitted KV-cache controller, Verilated, against the golden model. */
class KvCacheControllerCosimTest {
    private static final Path WORK = Path.of("target", "sim");
    private static final Map<KvCacheConfig, KvCacheHarness> COMPILED = new HashMap<>();

    static synchronized KvCacheHarness harness(KvCacheConfig config) {
        return COMPILED.computeIfAbsent(config, c -> KvCacheHarness.compile(c, WORK, Simulation.Options.DEFAULT));
    }

    static void assertPassed(Report r, String what) {
        assertTrue(r.passed(), what + ": " + r.failures() + " failures, first: " + String.join("\n", r.mismatches()));
    }

    static KvCacheHarness.Source harnessSource(List<Command> cmds) {
        return KvCacheHarness.Source.of(cmds);
    }

    static byte[] tag(KvCacheConfig c, int t) {
        return KvCacheStimulus.tagged(c.lanes(), t);
    }

    @Test
    void directedBasicsAcrossPages() {
        KvCacheConfig c = KvCacheConfig.preset("tiny");
        List<Command> cmds = new ArrayList<>();
        cmds.add(Command.stats());
        cmds.add(Command.alloc());
        for (int t = 0; t < 10; t++) {
            cmds.add(Command.append(0, tag(c, t + 1), tag(c, -t - 1)));
        }
        cmds.add(Command.query(0));
        cmds.add(Command.gather(0, false, 0, 10));
        cmds.add(Command.gather(0, true, 3, 6));
        cmds.add(Command.gather(0, true, 5, 6));
        cmds.add(Command.stats());
        Report r = harness(c).run(cmds, 1, Stalls.NONE);
        assertPassed(r, "directed");
        assertEquals(cmds.size(), r.responses());
        assertEquals(16, r.rowsCompared());
    }

    @Test
    void randomOperationsOnTinyWithRandomBackpressure() {
        KvCacheConfig c = KvCacheConfig.preset("tiny");
        int n = Boolean.getBoolean("chiltepin.full") ? 50000 : 5000;
        Report r = harness(c).run(KvCacheStimulus.random(11, n, 1 << c.seqBits()), 11, Stalls.RANDOM, false);
        assertPassed(r, "tiny random");
        assertEquals(n, r.responses());
        for (int op = 0; op < 8; op++) {
            assertTrue(r.opCounts()[op] > 0, "opcode " + op + " exercised");
        }
        for (int st = 0; st <= KvCacheReference.SEQ_FULL; st++) {
            assertTrue(r.statusCounts()[st] > 0, "status " + st + " produced: " + java.util.Arrays.toString(r.statusCounts()));
        }
        assertTrue(r.copiesOnWrite() > 10, "copy-on-write exercised: " + r.copiesOnWrite());
    }

    @Test
    void randomOperationsOnDefaultWithRandomBackpressure() {
        KvCacheConfig c = KvCacheConfig.preset("default");
        int n = Boolean.getBoolean("chiltepin.full") ? 50000 : 5000;
        Report r = harness(c).run(KvCacheStimulus.random(12, n, 1 << c.seqBits()), 12, Stalls.RANDOM, false);
        assertPassed(r, "default random");
        assertEquals(n, r.responses());
        assertTrue(r.rowsCompared() > n / 2, "gathers streamed rows: " + r.rowsCompared());
        assertTrue(r.statusCounts()[KvCacheReference.NO_PAGES] > 0, "pool exhausted at least once");
        assertTrue(r.copiesOnWrite() > 5, "copy-on-write exercised: " + r.copiesOnWrite());
    }

    @Test
    void gatherStreamsOneRowPerCycleAcrossPageBoundariesAndAppendTakesOneRowPerCycle() {
        KvCacheConfig c = KvCacheConfig.preset("default");
        int max = c.maxTokens();
        List<Command> cmds = new ArrayList<>();
        cmds.add(Command.alloc());
        for (int t = 0; t < max; t++) {
            cmds.add(Command.append(0, tag(c, t), tag(c, -t)));
        }
        cmds.add(Command.gather(0, false, 0, max));
        cmds.add(Command.gather(0, true, c.pageTokens() - 1, 2 * c.pageTokens() + 3));
        cmds.add(Command.gather(0, true, 5, max - 5));
        Report r = harness(c).run(KvCacheHarness.Source.of(cmds), 3, Stalls.NONE, true);
        assertPassed(r, "throughput");
        var t = r.timings();
        // Appends: accepted on consecutive edges, page openings included.
        long firstAccept = t.get(1).accepted();
        long lastAccept = t.get(max).accepted();
        assertEquals(max - 1, lastAccept - firstAccept, "append of " + max + " rows takes " + max + " cycles");
        for (int i = cmds.size() - 3; i < cmds.size(); i++) {
            var g = t.get(i);
            assertEquals(g.command().count(), g.rows());
            // No bubble between the first and the last row, whatever the page boundaries crossed.
            assertEquals(g.rows() - 1, g.lastRow() - g.firstRow(), g.command() + " streamed without a bubble");
            // Stamps count edges: a command presented in the cycle after edge `offered` and a row
            // transferred at edge `firstRow` are firstRow - offered - 1 cycles apart.
            assertEquals(KvCacheController.GATHER_FIRST_ROW_LATENCY, g.firstRow() - g.offered() - 1,
                    g.command() + " first-row latency");
        }
        var whole = t.get(max + 1);
        double rate = (double) whole.rows() / (whole.lastRow() - whole.offered());
        assertTrue(rate >= 0.95, "gather of " + max + " rows including setup: " + rate + " rows/cycle");
    }

    /** The cycle counts docs/kvcache.md and the Javadoc give, measured (edges from presentation to acceptance). */
    @Test
    void documentedCommandLatencies() {
        KvCacheConfig c = KvCacheConfig.preset("default");
        int p = c.pageTokens();
        int slot = 5;
        List<Command> cmds = new ArrayList<>();
        cmds.add(Command.alloc());                                   // 0
        for (int t = 0; t < 2 * p + slot; t++) {
            cmds.add(Command.append(0, tag(c, t), tag(c, t)));
        }
        int fork = cmds.size();
        cmds.add(Command.fork(0));                                   // 1 shares 3 pages
        int cow = cmds.size();
        cmds.add(Command.append(1, tag(c, 99), tag(c, 99)));        // copies `slot` rows
        int truncate = cmds.size();
        cmds.add(Command.truncate(1, 1));                            // releases 2 pages
        int free = cmds.size();
        cmds.add(Command.free(0));                                   // walks 3 pages
        int query = cmds.size();
        cmds.add(Command.query(1));
        Report r = harness(c).run(KvCacheHarness.Source.of(cmds), 4, Stalls.NONE, true);
        assertPassed(r, "latencies");
        var t = r.timings();
        // One cycle: presented and accepted in the same cycle (1 edge).
        assertEquals(1, t.get(1).accepted() - t.get(1).offered(), "append");
        assertEquals(1, t.get(query).accepted() - t.get(query).offered(), "query");
        assertEquals(KvCacheController.walkCycles(3), t.get(fork).accepted() - t.get(fork).offered(), "fork of 3 pages");
        assertEquals(KvCacheController.copyOnWriteAppendCycles(slot), t.get(cow).accepted() - t.get(cow).offered(),
                "append that copies " + slot + " rows");
        assertEquals(KvCacheController.walkCycles(2) + 1, t.get(truncate).accepted() - t.get(truncate).offered(),
                "truncate releasing 2 pages");
        assertEquals(KvCacheController.walkCycles(3), t.get(free).accepted() - t.get(free).offered(), "free of 3 pages");
    }

    @Test
    void axiBackendDirectedBasicsAgainstTheAxiMemoryModel() {
        KvCacheConfig c = KvCacheConfig.preset("tiny-axi");
        List<Command> cmds = new ArrayList<>();
        cmds.add(Command.alloc());
        for (int t = 0; t < 10; t++) {
            cmds.add(Command.append(0, tag(c, t + 1), tag(c, -t - 1)));
        }
        cmds.add(Command.gather(0, false, 0, 10));
        cmds.add(Command.gather(0, true, 3, 6));
        cmds.add(Command.fork(0));
        cmds.add(Command.append(1, tag(c, 50), tag(c, 51)));
        cmds.add(Command.gather(1, false, 0, 11));
        cmds.add(Command.gather(0, true, 0, 10));
        Report r = harness(c).run(cmds, 1, Stalls.RANDOM);
        assertPassed(r, "axi directed");
        assertEquals(cmds.size(), r.responses());
        assertEquals(10 + 6 + 11 + 10, r.rowsCompared());
    }

    @Test
    void axiBackendRandomOperationsWithRandomMemoryLatencyAndBackpressure() {
        KvCacheConfig c = KvCacheConfig.preset("tiny-axi");
        int n = Boolean.getBoolean("chiltepin.full") ? 50000 : 4000;
        Report r = harness(c).run(KvCacheStimulus.random(21, n, 1 << c.seqBits()), 21, Stalls.RANDOM, false);
        assertPassed(r, "tiny-axi random");
        assertEquals(n, r.responses());
        assertTrue(r.copiesOnWrite() > 10, "copy-on-write exercised: " + r.copiesOnWrite());
    }

    /**
     * With a memory that never stalls and answers every burst after 8 cycles, the AXI backend
     * also streams.
     * The 128-bit {@code axi} preset (data wider than 64 bits) runs with -Dchiltepin.full=true.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"tiny-axi", "axi"})
    void axiBackendGatherStreamsAcrossPagesAndAppendTakesOneRowPerCycle(String preset) {
        org.junit.jupiter.api.Assumptions.assumeTrue(preset.equals("tiny-axi") || Boolean.getBoolean("chiltepin.full"),
                "the axi preset runs with -Dchiltepin.full=true");
        KvCacheConfig c = KvCacheConfig.preset(preset);
        int max = c.maxTokens();
        List<Command> cmds = new ArrayList<>();
        cmds.add(Command.alloc());
        for (int t = 0; t < max; t++) {
            cmds.add(Command.append(0, tag(c, t), tag(c, -t)));
        }
        cmds.add(Command.gather(0, false, 0, max));
        cmds.add(Command.gather(0, true, c.pageTokens() - 1, 2 * c.pageTokens() + 3));
        Report r = harness(c).run(KvCacheHarness.Source.of(cmds), 3, new Stalls(0, 0, 0, 0, 8, 8), true);
        assertPassed(r, "axi throughput");
        var t = r.timings();
        assertEquals(max - 1, t.get(max).accepted() - t.get(1).accepted(), "append of " + max + " rows, one per cycle");
        for (int i = cmds.size() - 2; i < cmds.size(); i++) {
            var g = t.get(i);
            assertEquals(g.command().count(), g.rows());
            double stream = (double) g.rows() / (g.lastRow() - g.firstRow() + 1);
            assertTrue(stream >= 0.95, g.command() + ": " + stream + " rows/cycle");
        }
    }
}
