package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.KvCacheReference.Command;
import org.chiltepin.verif.golden.KvCacheReference.Response;
import org.chiltepin.verif.golden.KvCacheReference.Result;
import org.chiltepin.verif.kvcache.KvCacheHarness;
import org.chiltepin.verif.kvcache.KvCacheStimulus;

/**
 * {@code golden kvcache}: the random command stream {@code verify kvcache} drives for a seed (the
 * stimulus looks at the golden model's state, so it is run against the model here, command by
 * command), with the model's response to each command and the rows each gather returns.
 */
@picocli.CommandLine.Command(description = {"Write JSON test vectors for the KV-cache controller: the random commands of verify",
        "kvcache for the seed, the golden response to each and the gathered rows (verif/cocotb/kvcache reads them)."})
final class KvCacheGolden implements GoldenVectors<KvCacheConfig> {
    @Override
    public int defaultCases() {
        return 400;
    }

    @Override
    public String write(ObjectNode root, BlockRun<KvCacheConfig> run) {
        KvCacheConfig cfg = run.config();
        KvCacheReference model = new KvCacheReference(cfg.pageTokens(), cfg.numPages(), cfg.maxSeqs(), cfg.maxPagesPerSeq(),
                cfg.lanes());
        KvCacheHarness.Source source = KvCacheStimulus.random(run.seed(), run.cases(), 1 << cfg.seqBits());
        ArrayNode cmds = root.putArray("commands");
        int rows = 0;
        for (Command c = source.next(model); c != null; c = source.next(model)) {
            Result r = model.apply(c);
            ObjectNode n = cmds.addObject();
            n.put("op", c.op());
            n.put("seq", c.seq());
            n.put("kv", c.v() ? 1 : 0);
            n.put("first", c.first());
            n.put("count", c.count());
            bytes(n.putArray("k"), c.k());
            bytes(n.putArray("v"), c.vRow());
            Response e = r.response();
            ObjectNode rsp = n.putObject("response");
            rsp.put("status", e.status());
            rsp.put("op", e.op());
            rsp.put("seq", e.seq());
            rsp.put("length", e.length());
            rsp.put("pages", e.pages());
            rsp.put("free_pages", e.freePages());
            rsp.put("high_water", e.highWater());
            ArrayNode out = n.putArray("rows");
            for (byte[] row : r.rows()) {
                bytes(out.addArray(), row);
            }
            rows += r.rows().size();
        }
        return cmds.size() + " commands, " + rows + " gathered rows";
    }

    private static void bytes(ArrayNode into, byte[] b) {
        if (b != null) {
            for (byte x : b) {
                into.add(x);
            }
        }
    }
}
