package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Axi4Port;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.chip.ChipConfig.TileKind;
import org.chiltepin.hw.chip.ControlTile.HostCommand;
import org.chiltepin.hw.chip.ControlTile.HostResponse;
import org.chiltepin.hw.noc.Mesh;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import spinal.core.Bits;
import spinal.lib.Stream;
import spinal.lib.bus.amba4.axi.Axi4;

/**
 * The chip (block name {@code chip}, docs/chip.md): a {@link Mesh} with a {@link ControlTile}, a
 * {@link MemoryTile}, {@link GemmTile}s, a {@link KvTile} and a {@link VectorTile} on the nodes {@link ChipConfig#tiles} names.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code clk}, {@code reset}: rising edge, synchronous active-high reset;</li>
 *   <li>{@code s_axis_cmd_*}: host commands ({@code node}, {@code mem_addr}, {@code cmd}), see
 *       {@link ControlTile};</li>
 *   <li>{@code m_axis_resp_*}: one response per command ({@code node}, {@code tag},
 *       {@code opcode}, {@code status}, {@code value});</li>
 *   <li>{@code m_axi_*}: the memory tile's AXI4 master to external memory (64-bit data).</li>
 * </ul>
 * Latency: a command crosses the mesh to its tile and its completion back (each
 * {@link org.chiltepin.hw.noc.NocConfig#zeroLoadLatency} at zero load) around the tile's own time.
 */
public final class Chip extends Block {
    private final ChipConfig config;
    public final Stream<HostCommand> sAxisCmd;
    public final Stream<HostResponse> mAxisResp;
    public final Axi4 mAxi;
    final Mesh mesh;
    final ControlTile control;
    final MemoryTile memory;
    final GemmTile[] gemm;
    /** The KV tile, or null. */
    final KvTile kv;
    /** The vector tile, or null. */
    final VectorTile vector;

    public Chip(ChipConfig config) {
        this.config = config;
        moduleName("chip");
        sAxisCmd = slaveStream(type(HostCommand::new));
        mAxisResp = masterStream(type(HostResponse::new));
        mAxi = Axi4Port.master(Axi4Port.config(config.memAddrBits() + 3, ChipConfig.FLIT_WIDTH));
        mesh = build(() -> new Mesh(config.noc()));
        control = build(() -> new ControlTile(config));
        memory = build(() -> new MemoryTile(config));
        gemm = new GemmTile[config.gemmNodes().size()];
        int g = 0;
        KvTile kvTile = null;
        VectorTile vectorTile = null;
        for (int n = 0; n < config.nodes(); n++) {
            TileKind kind = config.tiles().get(n);
            switch (kind) {
                case CONTROL -> {
                    control.sAxisCmd.connectFrom(sAxisCmd);
                    mAxisResp.connectFrom(control.mAxisResp);
                    mesh.sAxisReq[n].connectFrom(control.reqOut);
                    control.respIn.connectFrom(mesh.mAxisResp[n]);
                    idle(mesh.sAxisResp[n]);
                    assign(mesh.mAxisReq[n].ready(), bool(true));
                    // the control tile never receives requests and never sends responses
                    unused("control_req_in", mesh.mAxisReq[n].valid(), mesh.mAxisReq[n].payload(),
                            mesh.sAxisResp[n].ready());
                }
                case MEMORY -> {
                    memory.reqIn.connectFrom(mesh.mAxisReq[n]);
                    mesh.sAxisResp[n].connectFrom(memory.respOut);
                    idle(mesh.sAxisReq[n]);
                    assign(mesh.mAxisResp[n].ready(), bool(true));
                    Axi4Port.connect(memory.mAxi, mAxi);
                    // the memory tile never sends requests and never receives responses
                    unused("memory_resp_in", mesh.mAxisResp[n].valid(), mesh.mAxisResp[n].payload(),
                            mesh.sAxisReq[n].ready());
                }
                case GEMM -> {
                    GemmTile t = build(() -> new GemmTile(config));
                    gemm[g++] = t;
                    t.reqIn.connectFrom(mesh.mAxisReq[n]);
                    mesh.sAxisReq[n].connectFrom(t.reqOut);
                    t.respIn.connectFrom(mesh.mAxisResp[n]);
                    mesh.sAxisResp[n].connectFrom(t.respOut);
                }
                case KV -> {
                    KvTile t = build(() -> new KvTile(config));
                    kvTile = t;
                    t.reqIn.connectFrom(mesh.mAxisReq[n]);
                    mesh.sAxisReq[n].connectFrom(t.reqOut);
                    t.respIn.connectFrom(mesh.mAxisResp[n]);
                    mesh.sAxisResp[n].connectFrom(t.respOut);
                }
                case VECTOR -> {
                    VectorTile t = build(() -> new VectorTile(config));
                    vectorTile = t;
                    t.reqIn.connectFrom(mesh.mAxisReq[n]);
                    mesh.sAxisReq[n].connectFrom(t.reqOut);
                    t.respIn.connectFrom(mesh.mAxisResp[n]);
                    mesh.sAxisResp[n].connectFrom(t.respOut);
                }
                default -> {
                    idle(mesh.sAxisReq[n]);
                    idle(mesh.sAxisResp[n]);
                    assign(mesh.mAxisReq[n].ready(), bool(true));
                    assign(mesh.mAxisResp[n].ready(), bool(true));
                    // an empty node: nothing sends to it, nothing receives from it
                    unused("empty_node_" + n, mesh.mAxisReq[n].valid(), mesh.mAxisReq[n].payload(),
                            mesh.mAxisResp[n].valid(), mesh.mAxisResp[n].payload(),
                            mesh.sAxisReq[n].ready(), mesh.sAxisResp[n].ready());
                }
            }
        }
        kv = kvTile;
        vector = vectorTile;
        // tiles address only existing nodes (ControlTile answers BAD_TILE itself): nothing is dropped
        unused("mesh_dropped", mesh.droppedReq);
        unused("mesh_dropped_resp", mesh.droppedResp);
    }

    public ChipConfig config() {
        return config;
    }

    /** A network input nothing sends on. */
    private static void idle(Stream<Message> s) {
        assign(s.valid(), bool(false));
        Message m = s.payload();
        ChipMessage.drive(m, uint(0, widthOf(m.destX)), uint(0, widthOf(m.destY)), bitsLiteral(0, widthOf(m.tag)),
                uint(0, widthOf(m.length)), new Bits[0]);
    }
}
