package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Supplier;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.gemm.GemmEngine;

/** The GEMM engine: array core, scratchpads, accumulators, requantization, command stream. */
final class GemmKind implements BlockKind<GemmConfig> {
    static final GemmKind INSTANCE = new GemmKind();

    @Override
    public String name() {
        return "gemm";
    }

    @Override
    public Class<GemmConfig> configType() {
        return GemmConfig.class;
    }

    @Override
    public Map<String, GemmConfig> presets() {
        return GemmConfig.presets();
    }

    @Override
    public String defaultTop() {
        return "gemm_engine";
    }

    @Override
    public Supplier<? extends Block> top(GemmConfig config) {
        return () -> new GemmEngine(config);
    }

    @Override
    public String describe(GemmConfig c) {
        return c.rows() + "×" + c.cols() + " int8 " + c.dataflow() + " array, A " + c.aDepth() + " / B " + c.bDepth() + " / acc " + c.accDepth()
                + " words, " + c.scaleDepth() + " channels";
    }

    @Override
    public ObjectNode timing(GemmConfig c, ObjectNode t) {
        t.put("dataflow", c.dataflow().toString());
        t.put("macsPerCycle", c.macsPerCycle());
        t.put("dataBytesPerBeat", c.dataBytes());
        t.put("commandBits", 128);
        t.put("computeDrainCycles", c.rows() + c.cols() + 3);
        t.put("storeLatencyCycles", 4);
        t.put("description", "COMPUTE streams ceil(M/rows)*ceil(N/cols) array passes of K beats back to back and "
                + "responds when its last row is in the accumulators; load, compute and output units run concurrently "
                + "on non-overlapping address ranges; see docs/gemm.md for the command encoding");
        return t;
    }
}
