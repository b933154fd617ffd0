package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Supplier;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.noc.Mesh;
import org.chiltepin.hw.noc.NocConfig;

/** The 2D-mesh network on chip. */
final class NocKind implements BlockKind<NocConfig> {
    static final NocKind INSTANCE = new NocKind();

    @Override
    public String name() {
        return "noc";
    }

    @Override
    public Class<NocConfig> configType() {
        return NocConfig.class;
    }

    @Override
    public Map<String, NocConfig> presets() {
        return NocConfig.presets();
    }

    @Override
    public String defaultTop() {
        return "noc_mesh";
    }

    @Override
    public Supplier<? extends Block> top(NocConfig config) {
        return () -> new Mesh(config);
    }

    @Override
    public String describe(NocConfig c) {
        return c.k() + "×" + c.m() + " mesh, " + c.routing().toUpperCase() + " wormhole, " + c.flitWidth() + "-bit flits, "
                + c.bufferDepth() + "-flit buffers, request + response networks";
    }

    @Override
    public ObjectNode timing(NocConfig c, ObjectNode t) {
        t.put("routerDelayCycles", NocConfig.ROUTER_DELAY);
        t.put("interfaceOverheadCycles", NocConfig.NI_OVERHEAD);
        t.put("zeroLoadLatency", "(hops + 1) * " + NocConfig.ROUTER_DELAY + " + (1 + length) + " + NocConfig.NI_OVERHEAD
                + " cycles from s_axis handshake to m_axis handshake");
        t.put("linkFlitsPerCycle", 1);
        t.put("description", "XY dimension-order wormhole routing, credit flow control, round-robin arbitration; "
                + "separate request and response networks; messages per (source, destination) delivered in order");
        return t;
    }
}
