package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Supplier;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.hw.kvcache.KvCacheController;

/** The paged KV-cache memory controller (SRAM backend). */
final class KvCacheKind implements BlockKind<KvCacheConfig> {
    static final KvCacheKind INSTANCE = new KvCacheKind();

    @Override
    public String name() {
        return "kvcache";
    }

    @Override
    public Class<KvCacheConfig> configType() {
        return KvCacheConfig.class;
    }

    @Override
    public Map<String, KvCacheConfig> presets() {
        return KvCacheConfig.presets();
    }

    @Override
    public String defaultTop() {
        return "kv_cache";
    }

    @Override
    public Supplier<? extends Block> top(KvCacheConfig config) {
        return () -> new KvCacheController(config);
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
}
