package org.chiltepin.verif.noc;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.noc.Mesh;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.golden.NocReference.Packet;

/** The mesh's directed runs, one packet at a time: zero-load latency and illegal input ({@link MeshHarness}). */
final class MeshDirected {
    private MeshDirected() {
    }

    /**
     * Zero-load measurement: sends {@code count} random packets (random source, destination and length)
     * one at a time through the request network with always-ready sinks, each after the previous one
     * was delivered, and measures each from its {@code s_axis} handshake to its {@code m_axis}
     * handshake. Also checks each delivery against the scoreboard.
     */
    static List<MeshHarness.Isolated> isolated(Simulation<Mesh> sim, NocConfig config, int count, int seed) {
        List<MeshHarness.Isolated> out = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        sim.run("noc_isolated" + seed, seed, c -> {
            Mesh dut = c.dut();
            RandomGenerator rng = new MersenneTwister(seed);
            NocReference ref = new NocReference(config.k(), config.m());
            int n = config.nodes();
            int k = config.k();
            for (int i = 0; i < n; i++) {
                c.set(dut.mAxisReq[i].ready(), true);
            }
            for (int p = 0; p < count; p++) {
                int src = rng.nextInt(n);
                int dst = rng.nextInt(n);
                int len = rng.nextInt(config.maxPayloadFlits() + 1);
                long[] words = new long[len];
                for (int w = 0; w < len; w++) {
                    words[w] = rng.nextLong() >>> (64 - Math.min(63, config.flitWidth()));
                }
                Packet pk = new Packet(0, src, dst, p, words);
                Message msg = dut.sAxisReq[src].payload();
                c.set(msg.destX, dst % k);
                c.set(msg.destY, dst / k);
                c.set(msg.length, len);
                c.set(msg.tag, p);
                for (int w = 0; w < len; w++) {
                    c.set(msg.data[w], words[w]);
                }
                c.set(dut.sAxisReq[src].valid(), true);
                c.tick();
                long guard = 0;
                while (!c.get(dut.sAxisReq[src].ready())) {
                    c.tick();
                    if (++guard > 1000) {
                        faults.add("source " + src + " never ready");
                        return;
                    }
                }
                long accepted = c.count();
                ref.sent(pk);
                c.set(dut.sAxisReq[src].valid(), false);
                Message got = dut.mAxisReq[dst].payload();
                while (true) {
                    c.tick();
                    if (c.get(dut.mAxisReq[dst].valid())) {
                        break;
                    }
                    if (++guard > 1000) {
                        faults.add("packet " + pk + " not delivered");
                        return;
                    }
                }
                long[] data = new long[(int) Math.min(c.get(got.length), config.maxPayloadFlits())];
                for (int w = 0; w < data.length; w++) {
                    data[w] = c.get(got.data[w]);
                }
                Packet back = new Packet(0, (int) (c.get(got.srcY) * k + c.get(got.srcX)),
                        (int) (c.get(got.destY) * k + c.get(got.destX)), c.get(got.tag), data);
                String fault = ref.delivered(dst, back);
                if (fault != null) {
                    faults.add(fault);
                }
                int hops = NocReference.hops(k, src, dst);
                out.add(new MeshHarness.Isolated(src, dst, hops, len, c.count() - accepted,
                        NocReference.zeroLoadLatency(hops, 1 + len, NocConfig.ROUTER_DELAY, NocConfig.NI_OVERHEAD)));
                c.tick(2);
            }
        });
        if (!faults.isEmpty()) {
            throw new AssertionError("isolated packets: " + faults);
        }
        return out;
    }

    /**
     * Illegal input: offers messages the mesh cannot deliver (a destination outside the mesh when
     * k or m is not a power of two, and a length above maxPayloadFlits) and then a legal one.
     * Returns the faults found: each illegal message must be taken with {@code dropped} high and
     * never delivered, and the legal one must still arrive.
     */
    static List<String> illegalInput(Simulation<Mesh> sim, NocConfig config, int seed) {
        List<String> faults = new ArrayList<>();
        sim.run("noc_illegal" + seed, seed, c -> {
            Mesh dut = c.dut();
            int n = config.nodes();
            int k = config.k();
            for (int i = 0; i < n; i++) {
                c.set(dut.mAxisReq[i].ready(), true);
            }
            int src = n - 1;
            List<long[]> bad = new ArrayList<>(); // {destX, destY, length}
            if (Integer.bitCount(config.k()) != 1 || config.k() == 1) {
                if ((1 << config.xBits()) > config.k()) {
                    bad.add(new long[] {config.k(), 0, 1});
                }
            }
            if ((1 << config.yBits()) > config.m()) {
                bad.add(new long[] {0, config.m(), 1});
            }
            if ((1 << config.lenBits()) - 1 > config.maxPayloadFlits()) {
                bad.add(new long[] {0, 0, config.maxPayloadFlits() + 1});
            }
            bad.add(new long[] {0, 0, 0}); // legal: must arrive at node 0
            Message msg = dut.sAxisReq[src].payload();
            for (long[] b : bad) {
                boolean legal = b[0] < config.k() && b[1] < config.m() && b[2] <= config.maxPayloadFlits();
                c.set(msg.destX, b[0]);
                c.set(msg.destY, b[1]);
                c.set(msg.length, b[2]);
                c.set(msg.tag, 5);
                c.set(dut.sAxisReq[src].valid(), true);
                c.tick();
                int guard = 0;
                while (!c.get(dut.sAxisReq[src].ready()) && ++guard < 100) {
                    c.tick();
                }
                boolean dropped = c.get(dut.droppedReq[src]);
                c.set(dut.sAxisReq[src].valid(), false);
                if (dropped == legal) {
                    faults.add("message to (" + b[0] + "," + b[1] + ") of length " + b[2] + ": dropped = " + dropped);
                }
                boolean arrived = false;
                for (int t = 0; t < 50; t++) {
                    c.tick();
                    for (int i = 0; i < n; i++) {
                        if (c.get(dut.mAxisReq[i].valid())) {
                            arrived = true;
                            if (!legal || i != 0) {
                                faults.add("message to (" + b[0] + "," + b[1] + ") of length " + b[2] + " came out at node " + i);
                            }
                        }
                    }
                }
                if (legal && !arrived) {
                    faults.add("the legal message after the illegal ones was not delivered");
                }
            }
        });
        return faults;
    }
}
