package org.chiltepin.hw.kvcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The free-page pool on its own: fill after reset, a stack (last given, first taken), counts, high water. */
class FreePoolTest {
    private static final int PAGES = KvParts.CONFIG.numPages();

    @Test
    void fillsThenTakesAndGivesPagesAsAStackAndKeepsTheHighWaterMark() {
        KvParts.sim().run("pool", 1, c -> {
            var d = c.dut();
            c.set(d.fill, true);
            for (int p = 0; p < PAGES; p++) {
                c.tick();
                assertEquals(p == PAGES - 1, c.get(d.fillLast), "fill step " + p);
            }
            c.set(d.fill, false);
            c.tick();
            assertEquals(PAGES, c.get(d.count));
            assertEquals(PAGES - 1, c.get(d.topPage), "the last page filled is on top");
            assertEquals(0, c.get(d.mark));

            Deque<Integer> stack = new ArrayDeque<>();
            for (int p = 0; p < PAGES; p++) {
                stack.push(p);
            }
            Random rng = new Random(7);
            int high = 0;
            for (int step = 0; step < 400; step++) {
                boolean take = !stack.isEmpty() && (stack.size() == PAGES || rng.nextBoolean());
                int given = take ? 0 : pickHeld(stack, rng);
                c.set(d.take, take);
                c.set(d.give, !take);
                c.set(d.givePage, given);
                c.tick();
                assertEquals(stack.size(), c.get(d.count), "count at step " + step);
                assertEquals(stack.isEmpty(), c.get(d.empty));
                if (take) {
                    assertEquals((long) stack.pop(), c.get(d.topPage), "taken page at step " + step);
                } else {
                    stack.push(given);
                }
                high = Math.max(high, PAGES - stack.size());
                c.set(d.take, false);
                c.set(d.give, false);
                c.tick();
                assertEquals(high, c.get(d.mark), "high water at step " + step);
                assertEquals(stack.size(), c.get(d.count));
                if (!stack.isEmpty()) {
                    assertEquals((long) stack.peek(), c.get(d.topPage), "top at step " + step);
                }
            }
            assertTrue(high == PAGES, "the run emptied the pool at least once");
        });
    }

    /** A page not in the pool (one the test holds), to give back. */
    private static int pickHeld(Deque<Integer> stack, Random rng) {
        int p;
        do {
            p = rng.nextInt(PAGES);
        } while (stack.contains(p));
        return p;
    }
}
