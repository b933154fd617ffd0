package org.chiltepin.verif.golden;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Packet-level specification of the network on chip, written from the issue, not from the design:
 * every packet sent is delivered exactly once, intact, to its destination, and packets from one
 * source to one destination on one network arrive in the order they were sent. Plus the analytic
 * models the measurements are compared with: hop counts, zero-load latency, and the channel-load
 * bound on throughput under uniform traffic with dimension-order routing (Dally and Towles, ch. 3).
 *
 * <p>Nodes are numbered n = y·k + x on a k × m mesh.
 */
public final class NocReference {
    /** A packet as sent: network (0 request, 1 response), source, destination, tag, payload. */
    public record Packet(int network, int src, int dst, long tag, long[] payload) {
        public int flits() {
            return 1 + payload.length;
        }

        boolean sameAs(Packet o) {
            return network == o.network && src == o.src && dst == o.dst && tag == o.tag && Arrays.equals(payload, o.payload);
        }

        @Override
        public String toString() {
            return (network == 0 ? "req" : "resp") + " " + src + "->" + dst + " tag " + tag + " " + Arrays.toString(payload);
        }
    }

    private final int k;
    private final int m;
    private final Map<Long, Deque<Packet>> pending = new HashMap<>();
    private long sent;
    private long delivered;
    private final List<String> errors = new ArrayList<>();
    private long errorCount;

    public NocReference(int k, int m) {
        this.k = k;
        this.m = m;
    }

    private long key(int network, int src, int dst) {
        return ((long) network * k * m + src) * k * m + dst;
    }

    /** A packet entered the network. */
    public void sent(Packet p) {
        pending.computeIfAbsent(key(p.network, p.src, p.dst), x -> new ArrayDeque<>()).add(p);
        sent++;
    }

    /**
     * A packet left the network at node {@code at}. Returns null when it is the next packet expected
     * from its source to this destination, else a description of the fault (misrouted, unknown,
     * duplicated or out of order, corrupted).
     */
    public String delivered(int at, Packet p) {
        String fault = check(at, p);
        if (fault != null) {
            errorCount++;
            if (errors.size() < 20) {
                errors.add(fault);
            }
        }
        return fault;
    }

    private String check(int at, Packet p) {
        if (p.dst != at) {
            return "misrouted: " + p + " left at node " + at;
        }
        Deque<Packet> q = pending.get(key(p.network, p.src, p.dst));
        if (q == null || q.isEmpty()) {
            return "unexpected (duplicate or never sent): " + p;
        }
        Packet head = q.peek();
        if (head.sameAs(p)) {
            q.poll();
            delivered++;
            return null;
        }
        for (Packet e : q) {
            if (e.tag == p.tag && e.sameAs(p)) {
                return "out of order: " + p + " arrived before " + head;
            }
        }
        return "corrupted or duplicated: got " + p + ", expected " + head;
    }

    public long sentCount() {
        return sent;
    }

    public long deliveredCount() {
        return delivered;
    }

    /** Packets sent and not (yet) delivered. */
    public long outstanding() {
        return sent - delivered;
    }

    public long errorCount() {
        return errorCount;
    }

    /** The first faults found, described. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Up to {@code max} packets still undelivered: lost, if the run is over. */
    public List<Packet> undelivered(int max) {
        List<Packet> out = new ArrayList<>();
        for (Deque<Packet> q : pending.values()) {
            for (Packet p : q) {
                if (out.size() < max) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ analytic models

    /** Manhattan distance: the hop count of any minimal route, dimension-order routing included. */
    public static int hops(int k, int src, int dst) {
        return Math.abs(src % k - dst % k) + Math.abs(src / k - dst / k);
    }

    /**
     * Zero-load latency of a packet of {@code flits} flits over {@code hops} hops through a pipeline
     * of {@code routerDelay} cycles per router ({@code hops + 1} routers, source and destination
     * included), plus {@code interfaceOverhead} cycles in the two network interfaces:
     * T0 = (hops + 1)·tr + flits + tNI. Serialization is one flit per cycle.
     */
    public static double zeroLoadLatency(double hops, int flits, int routerDelay, int interfaceOverhead) {
        return (hops + 1) * routerDelay + flits + interfaceOverhead;
    }

    /** Average hop count under uniform random traffic (destination uniform over all k·m nodes, itself included). */
    public static double averageHopsUniform(int k, int m) {
        long total = 0;
        int n = k * m;
        for (int s = 0; s < n; s++) {
            for (int d = 0; d < n; d++) {
                total += hops(k, s, d);
            }
        }
        return (double) total / ((long) n * n);
    }

    /**
     * Throughput bound of uniform random traffic with dimension-order routing, in flits per node per
     * cycle: 1 / (the largest load on any channel per unit injection rate), where every node sends to
     * every node (itself included) with probability 1/(k·m) and a channel carries one flit per cycle.
     * Node injection and ejection (one flit per cycle each) also bound it at 1. For a k × k mesh with
     * k even this is 4/k (Dally and Towles, Principles and Practices of Interconnection Networks, §3.3).
     */
    public static double uniformThroughputBound(int k, int m) {
        int n = k * m;
        double[][] rate = new double[n][n];
        for (double[] row : rate) {
            java.util.Arrays.fill(row, 1.0 / n);
        }
        return throughputBound(k, m, rate);
    }

    /**
     * Channel-load bound of any traffic matrix under XY routing, in flits per node per cycle:
     * {@code rate[s][d]} is the fraction of node s's traffic sent to d (each row sums to 1). Every
     * router-to-router channel, every injection channel and every ejection channel carries at most
     * one flit per cycle; the bound is 1 / (largest channel load per unit injection rate).
     */
    public static double throughputBound(int k, int m, double[][] rate) {
        int n = k * m;
        // load[node][dir] with dir 0 N, 1 E, 2 S, 3 W, 4 ejection, per unit injection rate.
        double[][] load = new double[n][5];
        for (int s = 0; s < n; s++) {
            for (int d = 0; d < n; d++) {
                double r = rate[s][d];
                if (r == 0) {
                    continue;
                }
                int x = s % k;
                int y = s / k;
                int tx = d % k;
                int ty = d / k;
                while (x != tx) {
                    load[y * k + x][tx > x ? 1 : 3] += r;
                    x += tx > x ? 1 : -1;
                }
                while (y != ty) {
                    load[y * k + x][ty > y ? 2 : 0] += r;
                    y += ty > y ? 1 : -1;
                }
                load[d][4] += r;
            }
        }
        double max = 1.0; // each node's injection channel
        for (double[] node : load) {
            for (double l : node) {
                max = Math.max(max, l);
            }
        }
        return 1.0 / max;
    }

    /** The textbook bound for a k × k mesh under uniform traffic: 4/k flits per node per cycle (k even). */
    public static double dallyTowlesBound(int k) {
        return 4.0 / k;
    }
}
