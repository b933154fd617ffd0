package org.chiltepin.hw.noc;

import static org.chiltepin.hw.noc.ChannelDependencyGraph.E;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.L;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.N;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.S;
import static org.chiltepin.hw.noc.ChannelDependencyGraph.W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.chiltepin.hdl.Simulation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One interior router of a 3×3 mesh at (1, 1), driven directly: per-hop latency, round-robin
 * fairness between inputs competing for one output, wormhole (no interleaving of packets), and
 * credit flow control (never more flits outstanding than the receiver's buffer).
 */
class RouterTest {
    private static final NocConfig CFG = new NocConfig(3, 3, 32, 4, 4, "xy");
    private static Simulation<Router> sim;

    @BeforeAll
    static void compile() {
        boolean[][] turns = ChannelDependencyGraph.of(3, 3, "xy").turns(1, 1);
        sim = Simulation.compile(() -> new Router(CFG, new boolean[] {true, true, true, true}, turns),
                Path.of("target", "sim"), Simulation.Options.DEFAULT);
    }

    /** A head flit to (x, y) with the sending input's number in the top bits. */
    private static long head(int x, int y, int from) {
        return x | (long) y << 2 | (long) from << 28;
    }

    @Test
    void aFlitCrossesAnIdleRouterInOneCycle() {
        sim.run("hop", 1, c -> {
            Router r = c.dut();
            c.set(r.myX, 1);
            c.set(r.myY, 1);
            c.set(r.inValid[W], true);
            c.set(r.inLast[W], true);
            c.set(r.inData[W], head(2, 1, 3));
            c.tick();                                   // written into the west buffer at this edge
            c.set(r.inValid[W], false);
            assertFalse(c.get(r.outValid[E]));
            c.tick();                                   // leaves east at the next edge
            assertTrue(c.get(r.outValid[E]));
            assertEquals(head(2, 1, 3), c.get(r.outData[E]));
            assertTrue(c.get(r.inCredit[W]), "the credit goes back as the flit leaves");
            c.tick();
            assertFalse(c.get(r.outValid[E]));
        });
    }

    @Test
    void fourInputsShareTheLocalOutputRoundRobinAsWholePacketsWithinTheCredits() {
        sim.run("fair", 2, c -> {
            Router r = c.dut();
            c.set(r.myX, 1);
            c.set(r.myY, 1);
            int[] inputs = {N, E, S, W};
            int[] credits = {4, 4, 4, 4, 0};
            int[] sentFlits = new int[5];
            int[] count = new int[5];
            int sinkHeld = 0;
            int owner = -1;
            int length = 3; // head + 2 body flits
            for (int cycle = 0; cycle < 1200; cycle++) {
                for (int p : inputs) {
                    boolean send = credits[p] > 0;
                    c.set(r.inValid[p], send);
                    if (send) {
                        int i = sentFlits[p] % length;
                        c.set(r.inData[p], i == 0 ? head(1, 1, p) : (long) p << 28 | i);
                        c.set(r.inLast[p], i == length - 1);
                        credits[p]--;
                        sentFlits[p]++;
                    }
                }
                // The local sink holds at most bufferDepth flits and frees one slot in two cycles of three.
                c.tick();
                for (int p : inputs) {
                    if (c.get(r.inCredit[p])) {
                        credits[p]++;
                    }
                }
                if (c.get(r.outValid[L])) {
                    sinkHeld++;
                    assertTrue(sinkHeld <= CFG.bufferDepth(), "a flit was sent without a credit at cycle " + cycle);
                    int from = (int) (c.get(r.outData[L]) >>> 28);
                    if (owner >= 0) {
                        assertEquals(owner, from, "packets interleaved on the output at cycle " + cycle);
                    }
                    owner = c.get(r.outLast[L]) ? -1 : from;
                    count[from]++;
                }
                boolean free = sinkHeld > 0 && cycle % 3 != 0;
                if (free) {
                    sinkHeld--;
                }
                c.set(r.outCredit[L], free);
            }
            int total = count[N] + count[E] + count[S] + count[W];
            assertTrue(total > 750, "the output runs at the sink's pace (2 of 3 cycles): " + total);
            for (int p : inputs) {
                assertTrue(Math.abs(count[p] - total / 4) <= length, "round-robin share of input " + p + ": "
                        + java.util.Arrays.toString(count));
            }
        });
    }
}
