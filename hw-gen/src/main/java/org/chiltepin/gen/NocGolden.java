package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import picocli.CommandLine.Command;

/**
 * {@code golden noc}: vectors for verif/cocotb/noc. Isolated request packets with the zero-load
 * latency of the golden model ((hops + 1)·router delay + flits + interface overhead, from the
 * {@code s_axis} handshake to the {@code m_axis} handshake), then {@code --cases} random packets
 * on both networks (random source, destination, length, payload) that the testbench offers all at
 * once under random stalls and checks per (network, source, destination): each delivered once,
 * intact and in order.
 */
@Command(description = {"Write JSON test vectors for the mesh: isolated packets with their golden zero-load latency,",
        "and random traffic on the request and response networks (verif/cocotb/noc reads them)."})
final class NocGolden implements GoldenVectors<NocConfig> {
    /** Isolated packets measured for the zero-load latency. */
    static final int ISOLATED = 24;

    @Override
    public int defaultCases() {
        return 200;
    }

    @Override
    public String write(ObjectNode root, BlockRun<NocConfig> run) {
        NocConfig cfg = run.config();
        RandomGenerator rng = new MersenneTwister(run.seed());
        root.put("routerDelay", NocConfig.ROUTER_DELAY);
        root.put("interfaceOverhead", NocConfig.NI_OVERHEAD);
        ArrayNode iso = root.putArray("isolated");
        for (int i = 0; i < ISOLATED; i++) {
            ObjectNode p = packet(iso.addObject(), cfg, rng, 0, i);
            int hops = NocReference.hops(cfg.k(), p.get("src").asInt(), p.get("dst").asInt());
            p.put("hops", hops);
            p.put("latency", Math.round(NocReference.zeroLoadLatency(hops, 1 + p.get("data").size(), NocConfig.ROUTER_DELAY,
                    NocConfig.NI_OVERHEAD)));
        }
        ArrayNode traffic = root.putArray("traffic");
        for (int i = 0; i < run.cases(); i++) {
            packet(traffic.addObject(), cfg, rng, rng.nextInt(2), ISOLATED + i);
        }
        return ISOLATED + " isolated packets, " + run.cases() + " traffic packets";
    }

    private static ObjectNode packet(ObjectNode p, NocConfig cfg, RandomGenerator rng, int network, int tag) {
        p.put("network", network);
        p.put("src", rng.nextInt(cfg.nodes()));
        p.put("dst", rng.nextInt(cfg.nodes()));
        p.put("tag", tag);
        ArrayNode data = p.putArray("data");
        int len = rng.nextInt(cfg.maxPayloadFlits() + 1);
        for (int w = 0; w < len; w++) {
            data.add(rng.nextLong() >>> (64 - Math.min(63, cfg.flitWidth())));
        }
        return p;
    }
}
