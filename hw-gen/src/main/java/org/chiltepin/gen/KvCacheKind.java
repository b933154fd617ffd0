package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.hw.kvcache.KvCacheController;
import org.chiltepin.verif.kvcache.KvCacheHarness;
import org.chiltepin.verif.kvcache.KvCacheStimulus;
import picocli.CommandLine.Command;

/** The paged KV-cache memory controller (SRAM or AXI4 backend): generate, verify, bench. */
final class KvCacheKind extends BlockKind.Base<KvCacheConfig> {
    static final KvCacheKind INSTANCE = new KvCacheKind();

    private KvCacheKind() {
        super("kvcache", KvCacheConfig.class, KvCacheConfig.presets(), "kv_cache", KvCacheController::new);
        verifyWith(Verify::new);
        benchWith(KvCacheBench::new);
        goldenWith(KvCacheGolden::new);
        // Both backends in the full matrix: the AXI4 presets run cocotb against cocotbext-axi's AxiRam.
        regressWith(java.util.List.of("cosim", "cocotb"), java.util.List.of("tiny"),
                java.util.List.of("tiny", "default", "tiny-axi", "axi"), 400, 2000);
    }

    @Override
    public String describe(KvCacheConfig c) {
        return c.numPages() + " pages × " + c.pageTokens() + " tokens, " + c.maxSeqs() + " seqs × " + c.maxPagesPerSeq()
                + " pages, K/V rows " + c.kvHeads() + "×" + c.headDim() + " int8 (" + c.rowBits() + " bit), "
                + (c.axi() ? "AXI4 master backend (" + c.axiDataBits() + "-bit data)"
                        : c.banks() + (c.banks() == 1 ? " SRAM bank" : " SRAM banks"));
    }

    @Override
    public ObjectNode timing(KvCacheConfig c, ObjectNode t) {
        t.put("backend", c.axi() ? "AXI4 master" : "on-chip SRAM");
        t.put("initCycles", c.initCycles());
        if (c.axi()) {
            t.put("axiDataBits", c.axiDataBits());
            t.put("axiAddrBits", KvCacheConfig.AXI_ADDR_BITS);
            t.put("axiMaxBurstBeats", c.pageTokens());
            t.put("axiMemoryBytes", (long) c.numPages() * c.pageTokens() * c.axiWordBytes());
        } else {
            t.put("gatherFirstRowLatencyCycles", KvCacheController.GATHER_FIRST_ROW_LATENCY);
            t.put("dataSramBits", c.dataBits());
        }
        t.put("gatherRowsPerCycle", 1);
        t.put("appendRowsPerCycle", 1);
        t.put("maxTokensPerSequence", c.maxTokens());
        t.put("description", "gather (SRAM): first row 2 cycles after the command, then one row per cycle with no bubble at page "
                + "boundaries (next block-table entry prefetched); append: one per cycle, an append into a shared page "
                + "first copies it (rows already in the page + 5 cycles in all); free/fork: 2 cycles per page + 2; "
                + "truncate: 2 per page released + 3");
        return t;
    }

    @Command(description = {"Generate the KV-cache controller, build it with Verilator and run random operations over many",
            "sequences (alloc, append bursts across pages, gathers, truncate, free, fork with copy-on-write, query,",
            "stats, and illegal ones: bad ids, use after free, gathers past the end, full pool and table) under",
            "random valid/ready stalls; every response and every gathered row is compared with the golden model.",
            "Exit 0 only on PASS."})
    static final class Verify implements Verifier<KvCacheConfig, KvCacheHarness> {
        private static final String[] OPS = {"alloc", "append", "gather", "truncate", "free", "fork", "query", "stats"};
        private static final String[] STATUSES = {"ok", "no_pages", "bad_seq", "range", "table_full", "seq_full"};

        @Override
        public int defaultCases() {
            return 2000;
        }

        @Override
        public boolean coverage() {
            return true;
        }

        @Override
        public KvCacheHarness compile(BlockRun<KvCacheConfig> run) {
            return KvCacheHarness.compile(run.config(), run.work(), run.simulation());
        }

        @Override
        public Outcome run(KvCacheHarness harness, BlockRun<KvCacheConfig> run) {
            KvCacheConfig cfg = run.config();
            double p = run.stall();
            KvCacheHarness.Report r = harness.run(KvCacheStimulus.random(run.seed(), run.cases(), 1 << cfg.seqBits()),
                    run.seed(), new KvCacheHarness.Stalls(p, p, p), false);
            var o = run.out();
            o.printf("  stimulus    seed %d, %d random commands, stall probability %.2f (commands, responses, rows)%n",
                    run.seed(), run.cases(), p);
            if (cfg.axi()) {
                o.printf("  memory      AXI4 slave model: AR/AW/W refused with probability %.2f, burst data and write "
                        + "responses after 1..8 cycles%n", p);
            }
            o.printf("  operations  %s%n", counts(OPS, r.opCounts()));
            o.printf("  statuses    %s%n", counts(STATUSES, r.statusCounts()));
            o.printf("  coverage    %d copy-on-write appends%n", r.copiesOnWrite());
            o.printf("  compared    %d responses (every field), %d gathered rows (%d int8 values)%n", r.responses(),
                    r.rowsCompared(), r.rowsCompared() * cfg.lanes());
            return new Outcome(r.passed() && r.responses() == run.cases(), r.failures(), r.mismatches(), r.cycles(),
                    "kvcache_seed" + run.seed());
        }

        private static String counts(String[] names, long[] counts) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < names.length; i++) {
                b.append(i == 0 ? "" : ", ").append(names[i]).append(' ').append(counts[i]);
            }
            return b.toString();
        }
    }
}
