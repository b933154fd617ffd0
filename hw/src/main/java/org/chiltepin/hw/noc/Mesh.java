package org.chiltepin.hw.noc;

import static org.chiltepin.hdl.Hdl.*;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.E;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.L;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.N;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.S;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.W;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import spinal.core.Bool;
import spinal.lib.Stream;

/**
 * A k × m 2D-mesh network on chip: two identical, separate physical networks, one for requests
 * and one for responses, each a {@link Router} and a {@link NetworkInterface} per node. Keeping
 * responses on their own network means a node that stops taking requests (because its responses
 * cannot leave yet) never blocks the responses it waits for: no protocol-level deadlock.
 *
 * <h2>Ports</h2>
 * Node n is at x = n mod k, y = n div k (y grows southwards). For every node n:
 * <ul>
 *   <li>{@code s_axis_req_n_*}, {@code s_axis_resp_n_*} (valid/ready, in): messages to send on the
 *       request / response network ({@link NetworkInterface.Message} without source);</li>
 *   <li>{@code m_axis_req_n_*}, {@code m_axis_resp_n_*} (valid/ready, out): messages delivered to
 *       node n, with their source;</li>
 *   <li>{@code dropped_req_n}, {@code dropped_resp_n} (out): the message taken in this cycle was
 *       dropped (destination outside the mesh or length above {@code maxPayloadFlits}).</li>
 * </ul>
 * Plus {@code clk} and the synchronous, active-high {@code reset}.
 *
 * <h2>Behaviour</h2>
 * XY (or YX) dimension-order wormhole routing with credit flow control; routers at the edges are
 * built without the ports that would face outside the mesh. Messages between one source and one
 * destination on one network are delivered in order (deterministic routing, FIFO buffers), each
 * exactly once. Zero-load latency, from {@code s_axis} handshake to {@code m_axis} handshake, is
 * {@link NocConfig#zeroLoadLatency}(hops, length) = (hops + 1) · 1 + (1 + length) + 2 cycles.
 * Parameters and legal ranges: {@link NocConfig}; the routing's channel-dependency graph is
 * checked acyclic when the configuration is built.
 */
public final class Mesh extends Block {
    private final NocConfig config;
    public final Stream<Message>[] sAxisReq;
    public final Stream<Message>[] sAxisResp;
    public final Stream<Message>[] mAxisReq;
    public final Stream<Message>[] mAxisResp;
    public final Bool[] droppedReq;
    public final Bool[] droppedResp;
    final Router[] reqRouter;
    final Router[] respRouter;
    final NetworkInterface[] reqNi;
    final NetworkInterface[] respNi;

    @SuppressWarnings("unchecked")
    public Mesh(NocConfig config) {
        this.config = config;
        int n = config.nodes();
        sAxisReq = new Stream[n];
        sAxisResp = new Stream[n];
        mAxisReq = new Stream[n];
        mAxisResp = new Stream[n];
        droppedReq = new Bool[n];
        droppedResp = new Bool[n];
        for (int i = 0; i < n; i++) {
            sAxisReq[i] = slaveStream(type(() -> new Message(config, false)));
            mAxisReq[i] = masterStream(type(() -> new Message(config, true)));
            droppedReq[i] = out(bool());
        }
        for (int i = 0; i < n; i++) {
            sAxisResp[i] = slaveStream(type(() -> new Message(config, false)));
            mAxisResp[i] = masterStream(type(() -> new Message(config, true)));
            droppedResp[i] = out(bool());
        }
        reqRouter = new Router[n];
        respRouter = new Router[n];
        reqNi = new NetworkInterface[n];
        respNi = new NetworkInterface[n];
        buildNetwork(reqRouter, reqNi, sAxisReq, mAxisReq, droppedReq);
        buildNetwork(respRouter, respNi, sAxisResp, mAxisResp, droppedResp);
    }

    public NocConfig config() {
        return config;
    }

    private void buildNetwork(Router[] routers, NetworkInterface[] nis, Stream<Message>[] in, Stream<Message>[] out,
            Bool[] dropped) {
        int k = config.k();
        int m = config.m();
        ChannelDependencyGraph cdg = ChannelDependencyGraph.of(k, m, config.yFirst() ? "yx" : "xy");
        Map<String, boolean[][]> variants = new HashMap<>();
        for (int y = 0; y < m; y++) {
            for (int x = 0; x < k; x++) {
                boolean[] present = {y > 0, x < k - 1, y < m - 1, x > 0};
                boolean[][] turns = cdg.turns(x, y);
                boolean[][] known = variants.putIfAbsent(Router.moduleNameFor(present), turns);
                if (known != null && !Arrays.deepEquals(known, turns)) {
                    throw new IllegalStateException("routers named " + Router.moduleNameFor(present) + " differ in their turns");
                }
                int i = y * k + x;
                Router r = build(() -> new Router(config, present, turns));
                NetworkInterface ni = build(() -> new NetworkInterface(config));
                routers[i] = r;
                nis[i] = ni;
                assign(r.myX, uint(x, config.xBits()));
                assign(r.myY, uint(y, config.yBits()));
                assign(ni.myX, uint(x, config.xBits()));
                assign(ni.myY, uint(y, config.yBits()));
                ni.sAxis.connectFrom(in[i]);
                out[i].connectFrom(ni.mAxis);
                assign(dropped[i], ni.dropped);
                // NI <-> local port
                assign(r.inValid[L], ni.injValid);
                assign(r.inLast[L], ni.injLast);
                assign(r.inData[L], ni.injData);
                assign(ni.injCredit, r.inCredit[L]);
                assign(ni.ejValid, r.outValid[L]);
                assign(ni.ejLast, r.outLast[L]);
                assign(ni.ejData, r.outData[L]);
                assign(r.outCredit[L], ni.ejCredit);
            }
        }
        // router <-> router links, both directions
        for (int y = 0; y < m; y++) {
            for (int x = 0; x < k; x++) {
                Router r = routers[y * k + x];
                if (x < k - 1) {
                    link(r, E, routers[y * k + x + 1], W);
                    link(routers[y * k + x + 1], W, r, E);
                }
                if (y < m - 1) {
                    link(r, S, routers[(y + 1) * k + x], N);
                    link(routers[(y + 1) * k + x], N, r, S);
                }
            }
        }
    }

    /** Output {@code op} of {@code from} drives input {@code ip} of {@code to}; credits flow back. */
    private static void link(Router from, int op, Router to, int ip) {
        assign(to.inValid[ip], from.outValid[op]);
        assign(to.inLast[ip], from.outLast[op]);
        assign(to.inData[ip], from.outData[op]);
        assign(from.outCredit[op], to.inCredit[ip]);
    }
}
