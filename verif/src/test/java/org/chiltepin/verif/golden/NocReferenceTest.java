package org.chiltepin.verif.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chiltepin.verif.golden.NocReference.Packet;
import org.junit.jupiter.api.Test;

class NocReferenceTest {
    private static Packet p(int src, int dst, long tag, long... payload) {
        return new Packet(0, src, dst, tag, payload);
    }

    @Test
    void acceptsInOrderExactlyOnceDelivery() {
        NocReference ref = new NocReference(2, 2);
        ref.sent(p(0, 3, 1, 10, 11));
        ref.sent(p(0, 3, 2, 12));
        ref.sent(p(1, 3, 1));
        assertNull(ref.delivered(3, p(1, 3, 1)));   // other sources may overtake
        assertNull(ref.delivered(3, p(0, 3, 1, 10, 11)));
        assertNull(ref.delivered(3, p(0, 3, 2, 12)));
        assertEquals(0, ref.outstanding());
        assertEquals(0, ref.errorCount());
    }

    @Test
    void detectsEveryKindOfFault() {
        NocReference ref = new NocReference(2, 2);
        ref.sent(p(0, 3, 1, 10));
        ref.sent(p(0, 3, 2, 20));
        assertTrue(ref.delivered(2, p(0, 3, 1, 10)).startsWith("misrouted"));
        assertTrue(ref.delivered(3, p(0, 3, 2, 20)).startsWith("out of order"));
        assertTrue(ref.delivered(3, p(0, 3, 1, 99)).startsWith("corrupted"));
        assertNull(ref.delivered(3, p(0, 3, 1, 10)));
        assertNull(ref.delivered(3, p(0, 3, 2, 20)));
        assertTrue(ref.delivered(3, p(0, 3, 2, 20)).startsWith("unexpected"), "a duplicate");
        ref.sent(p(1, 0, 7));
        assertEquals(1, ref.outstanding(), "a lost packet stays outstanding");
        assertEquals(1, ref.undelivered(10).size());
        // the response network is a separate order
        ref.sent(new Packet(1, 1, 0, 7, new long[0]));
        assertTrue(ref.delivered(0, new Packet(1, 1, 0, 7, new long[] {1})).startsWith("corrupted"));
        assertEquals(5, ref.errorCount());
    }

    @Test
    void uniformThroughputBoundIsFourOverKForEvenSquareMeshes() {
        for (int k = 4; k <= 8; k += 2) {
            assertEquals(4.0 / k, NocReference.uniformThroughputBound(k, k), 1e-12, "k = " + k);
            assertEquals(NocReference.dallyTowlesBound(k), NocReference.uniformThroughputBound(k, k), 1e-12);
        }
        // Odd k: the middle channel carries (k²−1)/(4k) per unit rate.
        assertEquals(4.0 * 5 / 24, NocReference.uniformThroughputBound(5, 5), 1e-12);
        // Injection and ejection limit small meshes to one flit per node per cycle (4/k = 2 for k = 2).
        assertEquals(1.0, NocReference.uniformThroughputBound(1, 1), 1e-12);
        assertEquals(1.0, NocReference.uniformThroughputBound(2, 2), 1e-12);
    }

    @Test
    void boundsOfOtherTrafficMatrices() {
        int n = 16;
        double[][] allToOne = new double[n][n];
        double[][] complement = new double[n][n];
        for (int s = 0; s < n; s++) {
            allToOne[s][0] = 1;
            complement[s][15 - s] = 1;
        }
        // All to one: node 0's ejection channel takes 16 sources.
        assertEquals(1.0 / 16, NocReference.throughputBound(4, 4, allToOne), 1e-12);
        // Bit complement on 4×4: two sources of a row cross the middle channel of that row.
        assertEquals(0.5, NocReference.throughputBound(4, 4, complement), 1e-12);
    }

    @Test
    void averageHopsMatchTheClosedForm() {
        for (int k = 1; k <= 8; k++) {
            assertEquals(2.0 * (k * k - 1) / (3.0 * k), NocReference.averageHopsUniform(k, k), 1e-12, "k = " + k);
        }
        assertEquals(6, NocReference.hops(4, 0, 15));
        assertEquals(3, NocReference.hops(4, 1, 13));
        assertEquals(3 * 1 + 5 + 2, NocReference.zeroLoadLatency(2, 5, 1, 2), 1e-12);
    }
}
