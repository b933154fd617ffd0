package org.chiltepin.hw.noc;

import static org.chiltepin.hdl.Hdl.*;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.L;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.PORT;

import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hdl.Block;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;

/**
 * A 2D-mesh wormhole router with up to five ports (N, E, S, W and the local network interface L),
 * dimension-order routing (XY, or YX when configured), credit-based flow control and round-robin
 * output arbitration.
 *
 * <h2>Ports</h2>
 * For every port p it has ({@code p} = {@code n}, {@code e}, {@code s}, {@code w}, {@code l}); a
 * router at the mesh edge has no port towards the outside, so the emitted module has no tied-off
 * or unused signal:
 * <ul>
 *   <li>{@code in_p_valid}, {@code in_p_last}, {@code in_p_data} ({@code flitWidth} bits), in: a flit
 *       arrives; the sender may send only with a credit, so the input buffer never overflows;</li>
 *   <li>{@code in_p_credit}, out: one flit left this input's buffer (one credit back to the sender);</li>
 *   <li>{@code out_p_valid}, {@code out_p_last}, {@code out_p_data}, out: a flit leaves;</li>
 *   <li>{@code out_p_credit}, in: the receiver freed one buffer slot;</li>
 *   <li>{@code my_x}, {@code my_y}: this router's coordinates (constant inputs, so that all routers
 *       with the same ports share one module).</li>
 * </ul>
 *
 * <h2>Microarchitecture</h2>
 * Each input has a {@code bufferDepth}-flit FIFO. In the cycle a flit is at the head of its FIFO,
 * its output is computed (a head flit from its destination field; body flits follow the output
 * their head reserved), the output's arbiter picks one input, and the flit crosses the switch to
 * the output link combinationally, to be written into the next router's FIFO at the clock edge.
 * An output is held by one packet from its head to its {@code last} flit (wormhole); a free output
 * is granted round-robin among the head flits requesting it, and only while its credit counter
 * (initialised to {@code bufferDepth}, the receiver's buffer size) is non-zero.
 *
 * <h2>Timing</h2>
 * One cycle per router at zero load ({@link NocConfig#ROUTER_DELAY}): a flit written into this
 * router's buffer at edge t is written into the next router's buffer at edge t + 1. A credit
 * returns in the cycle its flit leaves, so the credit loop is one cycle and a buffer of 2 sustains
 * one flit per cycle per link. Only the turns the routing function uses at this position
 * ({@link ChannelDependencyGraph#turns}) are built into the switch.
 */
public final class Router extends Block {
    final UInt myX;
    final UInt myY;
    final Bool[] inValid = new Bool[5];
    final Bool[] inLast = new Bool[5];
    final Bits[] inData = new Bits[5];
    final Bool[] inCredit = new Bool[5];
    final Bool[] outValid = new Bool[5];
    final Bool[] outLast = new Bool[5];
    final Bits[] outData = new Bits[5];
    final Bool[] outCredit = new Bool[5];

    /** The module name of a router with the given ports, e.g. {@code Router_es} for the north-west corner. */
    static String moduleNameFor(boolean[] present) {
        StringBuilder b = new StringBuilder("Router_");
        for (int p = 0; p < L; p++) {
            if (present[p]) {
                b.append(PORT[p]);
            }
        }
        return b.length() == 7 ? "Router_local" : b.toString();
    }

    /**
     * @param config  mesh parameters (widths, buffer depth, routing order)
     * @param present which of N, E, S, W exist here (L always does)
     * @param turns   {@code turns[in][out]}: the input-to-output connections to build
     */
    public Router(NocConfig config, boolean[] present, boolean[][] turns) {
        moduleName(moduleNameFor(present));
        int w = config.flitWidth();
        int depth = config.bufferDepth();
        int ptrBits = Integer.numberOfTrailingZeros(depth);
        int cntBits = NocConfig.bitsFor(depth);
        int xb = config.xBits();
        int yb = config.yBits();
        boolean[] has = {present[0], present[1], present[2], present[3], true};

        myX = in(uint(xb));
        myY = in(uint(yb));
        for (int p = 0; p < 5; p++) {
            if (!has[p]) {
                continue;
            }
            String n = PORT[p];
            inValid[p] = named(in(bool()), "in_" + n + "_valid");
            inLast[p] = named(in(bool()), "in_" + n + "_last");
            inData[p] = named(in(bits(w)), "in_" + n + "_data");
            inCredit[p] = named(out(bool()), "in_" + n + "_credit");
            outValid[p] = named(out(bool()), "out_" + n + "_valid");
            outLast[p] = named(out(bool()), "out_" + n + "_last");
            outData[p] = named(out(bits(w)), "out_" + n + "_data");
            outCredit[p] = named(in(bool()), "out_" + n + "_credit");
        }

        // ---- input buffers
        Bool[] headValid = new Bool[5];
        Bool[] headLast = new Bool[5];
        Bits[] headData = new Bits[5];
        Bool[] pop = new Bool[5];
        UInt[] dx = new UInt[5];
        UInt[] dy = new UInt[5];
        for (int p = 0; p < 5; p++) {
            if (!has[p]) {
                continue;
            }
            String n = PORT[p];
            Mem<Bits> fifo = named(mem(bits(w + 1), depth), "fifo_" + n);
            UInt wr = named(regInit(uint(ptrBits), uint(0, ptrBits)), "fifo_" + n + "_wr");
            UInt rd = named(regInit(uint(ptrBits), uint(0, ptrBits)), "fifo_" + n + "_rd");
            UInt count = named(regInit(uint(cntBits), uint(0, cntBits)), "fifo_" + n + "_count");
            Bits word = named(bits(w + 1), "head_" + n + "_word");
            assign(word, readAsync(fifo, rd));
            headValid[p] = named(bool(), "head_" + n + "_valid");
            assign(headValid[p], neq(count, uint(0, cntBits)));
            headLast[p] = bit(word, w);
            headData[p] = slice(word, w - 1, 0);
            dx[p] = asUInt(slice(word, xb - 1, 0));
            dy[p] = asUInt(slice(word, xb + yb - 1, xb));
            pop[p] = named(bool(), "pop_" + n);
            write(fifo, wr, concat(inLast[p], inData[p]), inValid[p]);
            Bool push = inValid[p];
            Bool popped = pop[p];
            when(push, () -> assign(wr, add(wr, uint(1, ptrBits))));
            when(popped, () -> assign(rd, add(rd, uint(1, ptrBits))));
            when(and(push, not(popped)), () -> assign(count, add(count, uint(1, cntBits))))
                    .elseWhen(and(popped, not(push)), () -> assign(count, sub(count, uint(1, cntBits))));
            assign(inCredit[p], popped);
        }

        // ---- wormhole state: owner[p][o] = the packet entering on p holds output o
        Bool[][] ownerOf = new Bool[5][5];
        Bool[] midPacket = new Bool[5];
        for (int o = 0; o < 5; o++) {
            for (int p = 0; p < 5; p++) {
                if (has[o] && has[p] && turns[p][o]) {
                    ownerOf[p][o] = named(regInit(bool(), bool(false)), "owner_" + PORT[o] + "_" + PORT[p]);
                    midPacket[p] = midPacket[p] == null ? ownerOf[p][o] : or(midPacket[p], ownerOf[p][o]);
                }
            }
        }
        Bool[] atHead = new Bool[5];
        for (int p = 0; p < 5; p++) {
            if (has[p]) {
                atHead[p] = named(bool(), "head_" + PORT[p] + "_is_head");
                assign(atHead[p], midPacket[p] == null ? headValid[p] : and(headValid[p], not(midPacket[p])));
            }
        }

        // ---- per output: arbitration, credits, switch
        List<List<Bool>> goOfInput = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            goOfInput.add(new ArrayList<>());
        }
        for (int o = 0; o < 5; o++) {
            if (!has[o]) {
                continue;
            }
            String on = PORT[o];
            List<Integer> inputs = new ArrayList<>();
            for (int p = 0; p < 5; p++) {
                if (has[p] && turns[p][o]) {
                    inputs.add(p);
                }
            }
            UInt credits = named(regInit(uint(cntBits), uint(depth, cntBits)), "credits_" + on);
            Bool hasCredit = named(bool(), "has_credit_" + on);
            assign(hasCredit, neq(credits, uint(0, cntBits)));
            Bool sent = named(bool(), "sent_" + on);
            if (inputs.isEmpty()) {
                // Nothing ever leaves here (e.g. no turn reaches this port): keep the port quiet.
                assign(outValid[o], bool(false));
                assign(outLast[o], bool(false));
                assign(outData[o], bits(w).getZero());
                assign(sent, bool(false));
            } else {
                int n = inputs.size();
                Bool[] owner = new Bool[n];
                Bool[] req = new Bool[n];
                Bool[] go = new Bool[n];
                Bool busy = null;
                for (int j = 0; j < n; j++) {
                    int p = inputs.get(j);
                    owner[j] = ownerOf[p][o];
                    busy = busy == null ? owner[j] : or(busy, owner[j]);
                }
                Bool free = named(bool(), "free_" + on);
                assign(free, not(busy));
                for (int j = 0; j < n; j++) {
                    int p = inputs.get(j);
                    req[j] = named(bool(), "req_" + on + "_" + PORT[p]);
                    assign(req[j], and(and(atHead[p], free), routeIs(config, o, dx[p], dy[p])));
                }
                Bool[] grant = roundRobin(req, on, inputs, hasCredit);
                Bool any = null;
                for (int j = 0; j < n; j++) {
                    int p = inputs.get(j);
                    go[j] = named(bool(), "go_" + on + "_" + PORT[p]);
                    assign(go[j], and(hasCredit, or(and(owner[j], headValid[p]), grant[j])));
                    goOfInput.get(p).add(go[j]);
                    any = any == null ? go[j] : or(any, go[j]);
                    Bool g = go[j];
                    Bool ownerReg = owner[j];
                    Bool last = headLast[p];
                    when(g, () -> assign(ownerReg, not(last)));
                }
                assign(sent, any);
                assign(outValid[o], sent);
                Bits data = null;
                Bool lastOut = null;
                for (int j = 0; j < n; j++) {
                    int p = inputs.get(j);
                    data = data == null ? headData[p] : mux(go[j], headData[p], data);
                    lastOut = lastOut == null ? and(go[j], headLast[p]) : or(and(go[j], headLast[p]), lastOut);
                }
                assign(outData[o], data);
                assign(outLast[o], lastOut);
            }
            Bool back = outCredit[o];
            when(and(sent, not(back)), () -> assign(credits, sub(credits, uint(1, cntBits))))
                    .elseWhen(and(back, not(sent)), () -> assign(credits, add(credits, uint(1, cntBits))));
        }

        // ---- an input pops when one of its outputs took its head flit
        for (int p = 0; p < 5; p++) {
            if (!has[p]) {
                continue;
            }
            Bool any = bool(false);
            for (Bool g : goOfInput.get(p)) {
                any = or(any, g);
            }
            assign(pop[p], any);
        }
    }

    /** Whether a head flit with destination (dx, dy) leaves through output o under the configured order. */
    private Bool routeIs(NocConfig config, int o, UInt dx, UInt dy) {
        boolean yFirst = config.yFirst();
        Bool xHere = eq(dx, myX);
        Bool yHere = eq(dy, myY);
        return switch (o) {
            case ChannelDependencyGraph.E -> yFirst ? and(yHere, gt(dx, myX)) : gt(dx, myX);
            case ChannelDependencyGraph.W -> yFirst ? and(yHere, lt(dx, myX)) : lt(dx, myX);
            case ChannelDependencyGraph.S -> yFirst ? gt(dy, myY) : and(xHere, gt(dy, myY));
            case ChannelDependencyGraph.N -> yFirst ? lt(dy, myY) : and(xHere, lt(dy, myY));
            default -> and(xHere, yHere);
        };
    }

    /**
     * Round-robin arbiter: the requester after the last one granted wins. The pointer moves only when
     * a grant is used, i.e. once per packet.
     */
    private Bool[] roundRobin(Bool[] req, String on, List<Integer> inputs, Bool hasCredit) {
        int n = req.length;
        Bool[] grant = new Bool[n];
        if (n == 1) {
            grant[0] = req[0];
            return grant;
        }
        int pb = NocConfig.bitsFor(n - 1);
        UInt last = named(regInit(uint(pb), uint(0, pb)), "rr_" + on);
        for (int j = 0; j < n; j++) {
            Bool g = bool(false);
            for (int s = 0; s < n; s++) {
                // Pointer s: order s+1, s+2, ..., s+n (mod n); j wins if no one before it asks.
                Bool win = req[j];
                for (int step = 1; step < n; step++) {
                    int i = (s + step) % n;
                    if (i == j) {
                        break;
                    }
                    win = and(win, not(req[i]));
                }
                g = or(g, and(eq(last, uint(s, pb)), win));
            }
            grant[j] = named(bool(), "grant_" + on + "_" + PORT[inputs.get(j)]);
            assign(grant[j], g);
        }
        Bool any = grant[0];
        for (int j = 1; j < n; j++) {
            any = or(any, grant[j]);
        }
        UInt next = uint(0, pb);
        for (int j = 1; j < n; j++) {
            next = mux(grant[j], uint(j, pb), next);
        }
        UInt chosen = next;
        when(and(any, hasCredit), () -> assign(last, chosen));
        return grant;
    }
}
