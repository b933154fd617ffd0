package org.chiltepin.hw.kvcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sequence slots on their own: lowest free id, allocated ids, ids beyond maxSeqs never valid. */
class SequenceSlotsTest {
    private static final int SLOTS = KvParts.CONFIG.maxSeqs();
    private static final int IDS = 1 << KvParts.CONFIG.seqBits();

    @Test
    void allocatesTheLowestFreeIdAndKnowsWhichIdsAreAllocated() {
        KvParts.sim().run("slots", 2, c -> {
            var d = c.dut();
            boolean[] valid = new boolean[SLOTS];
            Random rng = new Random(11);
            int full = 0;
            for (int step = 0; step < 300; step++) {
                int lowest = -1;
                for (int s = SLOTS - 1; s >= 0; s--) {
                    if (!valid[s]) {
                        lowest = s;
                    }
                }
                for (int id = 0; id < IDS; id++) {
                    c.set(d.seq, id);
                    c.tick();
                    assertEquals(id < SLOTS && valid[id], c.get(d.ok), "seq_ok of id " + id + " at step " + step);
                    assertEquals(lowest >= 0, c.get(d.anyFree), "some slot free at step " + step);
                    assertEquals(Math.max(lowest, 0), c.get(d.lowest), "lowest free id at step " + step);
                }
                full += lowest < 0 ? 1 : 0;
                if (lowest >= 0 && rng.nextInt(3) > 0) {
                    c.set(d.allocate, true);
                    c.set(d.allocId, lowest);
                    valid[lowest] = true;
                } else {
                    int id = rng.nextInt(SLOTS);
                    c.set(d.retire, true);
                    c.set(d.seq, id);
                    valid[id] = false;
                }
                c.tick();
                c.set(d.allocate, false);
                c.set(d.retire, false);
            }
            assertTrue(full > 0, "the run filled every slot at least once");
        });
    }
}
