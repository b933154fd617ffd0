package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.chiltepin.gen.RegressCommand.Entry;
import org.chiltepin.gen.RegressCommand.Result;
import org.chiltepin.hw.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** The regression's matrix, sharding and reports, without running simulations. */
class RegressCommandTest {
    @TempDir
    Path dir;

    private static final List<Entry> FULL = RegressCommand.matrix(RegressCommand.PLANS, null, true,
            List.of(1, 2, 3, 4, 5), null);

    @Test
    void shardsPartitionTheMatrixDeterministically() {
        for (int n : new int[] {1, 2, 3, 7, FULL.size() + 3}) {
            List<Entry> union = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                List<Entry> s = RegressCommand.shard(FULL, i, n);
                assertEquals(s, RegressCommand.shard(FULL, i, n), "the same shard every time");
                assertTrue(Math.abs(s.size() - FULL.size() / (double) n) <= 1, "balanced: " + s.size());
                union.addAll(s);
            }
            assertEquals(FULL.size(), union.size(), "no entry in two shards");
            assertEquals(new HashSet<>(FULL), new HashSet<>(union), "every entry in some shard");
        }
    }

    @Test
    void matrixRunsOnlyPresetsABlockHasAndTheSuitesAsked() {
        List<Entry> m = RegressCommand.matrix(RegressCommand.PLANS, List.of("tiny", "small"), false, List.of(7),
                List.of("cosim"));
        assertEquals(List.of(new Entry("array", "tiny", 7, "cosim"), new Entry("array", "small", 7, "cosim"),
                new Entry("gemm", "tiny", 7, "cosim"), new Entry("noc", "tiny", 7, "cosim"),
                new Entry("kvcache", "tiny", 7, "cosim"), new Entry("vector", "tiny", 7, "cosim")), m);
        assertEquals(34 * 5, FULL.size(),
                "per seed: array 4 configs x 2 suites + gemm 4 x 2 + noc 2 x 2 + kvcache 4 x 2 + vector 3 x 2");
    }

    @Test
    void configurationFilesExtendThePresets() {
        assertTrue(RegressCommand.presetsOf("gemm").containsAll(List.of("tiny", "tiny-split")));
        assertEquals(List.of("--preset", "tiny"), RegressCommand.configArgs("gemm", "tiny"));
        assertEquals(List.of("--config", "verif/regress/gemm/tiny-split.json"), RegressCommand.configArgs("gemm", "tiny-split"));
        assertTrue(Files.exists(RegressCommand.repositoryRoot().resolve("verif/regress/gemm/tiny-split.json")));
    }

    @Test
    void badShardsAndOptionsAreUsageErrors() {
        for (String s : new String[] {"0/2", "3/2", "1/0", "x", "1-2"}) {
            assertThrows(ConfigException.class, () -> RegressCommand.parseShard(s), s);
        }
        assertEquals(2, RegressCommand.parseShard("2/5")[0]);
        assertEquals(2, ChiltepinTest.run("regress", "--shard", "4/3", "--list").exit());
        assertEquals(2, ChiltepinTest.run("regress", "--configs", "huge", "--list").exit());
        assertEquals(2, ChiltepinTest.run("regress", "--blocks", "dram", "--list").exit());
        var r = ChiltepinTest.run("regress", "--blocks", "array", "--seed-list", "5,9", "--shard", "2/2", "--list");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("array-tiny-s5-cocotb", "array-tiny-s9-cocotb"), r.out().lines().toList());
        assertEquals(0, ChiltepinTest.run("regress", "--blocks", "gemm", "--list").exit());
    }

    @Test
    void firstFailureIsTakenFromEitherSuitesOutput() {
        assertEquals("case 'x' C[0][1]: expected 3, got 4", RegressCommand.firstFailure(List.of("  failures    2; the first:",
                "    case 'x' C[0][1]: expected 3, got 4", "FAIL"), 1));
        assertEquals("29 failures; the first: ...", RegressCommand.firstFailure(List.of("  failure     29 failures; the first: ...",
                "FAIL"), 1));
        assertTrue(RegressCommand.firstFailure(List.of("boom"), 3).startsWith("exit 3; boom"));
    }

    @Test
    void reportsCarryEveryEntryAndEachFailuresReproduceCommand() throws Exception {
        Path log = dir.resolve("x.log");
        Files.writeString(log, "some output\nFAIL\n");
        List<Result> rs = List.of(
                new Result(new Entry("array", "tiny", 1, "cosim"), "PASS", 1.5, "Verilator 5.006", "", "", log, null),
                new Result(new Entry("array", "tiny", 2, "cocotb"), "FAIL", 2.5, "Icarus Verilog 11.0", "C[0][0] <bad> & worse",
                        "repro --seed 2", log, dir.resolve("w.fst")));
        var cov = Map.of("array-tiny", new Coverage.Summary(new Coverage.Count(9, 10), new Coverage.Count(50, 100)));
        RegressReport rep = new RegressReport("bin/chiltepin regress", rs, 10, 1, 5, 2, 12.0, cov, Instant.EPOCH);
        rep.writeJUnit(dir.resolve("junit.xml"));
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
        Element root = doc.getDocumentElement();
        assertEquals("2", root.getAttribute("tests"));
        assertEquals("1", root.getAttribute("failures"));
        var failures = doc.getElementsByTagName("failure");
        assertEquals(1, failures.getLength());
        assertEquals("C[0][0] <bad> & worse", ((Element) failures.item(0)).getAttribute("message"));
        assertTrue(failures.item(0).getTextContent().contains("reproduce: repro --seed 2"));
        String md = rep.markdown();
        assertTrue(md.startsWith("# Chiltepin regression: FAIL"), md);
        assertTrue(md.contains("reproduce: `repro --seed 2`") && md.contains("w.fst") && md.contains("90.0 % (9/10)"), md);
        String html = rep.html();
        assertTrue(html.contains("&lt;bad&gt; &amp; worse") && !html.contains("<bad>"), html);
    }

    @Test
    void coverageCountsLineBranchAndTogglePoints() throws IOException {
        Path dat = dir.resolve("coverage.dat");
        Files.writeString(dat, String.join("\n", "# SystemC::Coverage-3",
                "C '\u0001f\u0002a.v\u0001l\u000210\u0001page\u0002v_toggle/M\u0001o\u0002x' 3",
                "C '\u0001f\u0002a.v\u0001l\u000211\u0001page\u0002v_toggle/M\u0001o\u0002y' 0",
                "C '\u0001f\u0002a.v\u0001l\u000212\u0001page\u0002v_line/M\u0001o\u0002block' 1",
                "C '\u0001f\u0002a.v\u0001l\u000213\u0001page\u0002v_branch/M\u0001o\u0002if' 0", ""),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        Coverage.Summary s = Coverage.summarize(dat);
        assertEquals(new Coverage.Count(1, 2), s.line());
        assertEquals(new Coverage.Count(1, 2), s.toggle());
    }

    @Test
    void badOptionCombinationsAreRejectedBeforeAnythingRuns() throws IOException {
        Path out = dir.resolve("never");
        var r = ChiltepinTest.run("regress", "--blocks", "array,gemm", "--rtl", dir.toString(), "--out", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("chiltepin: invalid configuration: --rtl: is the Verilog of one block and config"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        r = ChiltepinTest.run("regress", "--timeout", "0", "--out", out.toString());
        assertEquals("chiltepin: invalid configuration: --timeout: must be >= 1, got 0", r.err().strip());
        Path file = Files.writeString(dir.resolve("f"), "x");
        r = ChiltepinTest.run("regress", "--out", file.toString());
        assertEquals(2, r.exit());
        assertEquals("chiltepin: invalid configuration: --out: must be a folder, not a file, got " + file, r.err().strip());
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void aReRunStartsWithoutTheEarlierRunsWaveformsLogsOrCliCopy() throws IOException {
        Path out = dir.resolve("reg");
        Files.createDirectories(out.resolve("waves"));
        Files.writeString(out.resolve("waves/array-tiny-s1-cosim.vcd"), "old failure");
        Files.createDirectories(out.resolve("logs"));
        Files.writeString(out.resolve("logs/old.log"), "old");
        Files.createDirectories(out.resolve("cli/lib"));
        Files.writeString(out.resolve("cli/lib/big.jar"), "x");
        Files.writeString(out.resolve("summary.md"), "kept until the new one replaces it");
        RegressCommand.freshOutput(out);
        assertEquals(List.of(), Files.list(out.resolve("waves")).toList());
        assertEquals(List.of(), Files.list(out.resolve("logs")).toList());
        assertTrue(!Files.exists(out.resolve("cli")));
        assertTrue(Files.exists(out.resolve("summary.md")));
    }
}
