package org.chiltepin.verif.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.chiltepin.verif.golden.KvCacheReference.Command;
import org.chiltepin.verif.golden.KvCacheReference.Result;
import org.junit.jupiter.api.Test;

/** The golden KV-cache model against hand-worked examples from the specification. */
class KvCacheReferenceTest {
    private static byte[] row(int v) {
        return new byte[] {(byte) v, (byte) (v + 1)};
    }

    private final KvCacheReference m = new KvCacheReference(4, 6, 3, 4, 2);

    @Test
    void appendTakesAPageOnlyWhenTheLastIsFull() {
        assertEquals(0, m.apply(Command.alloc()).response().seq());
        for (int t = 0; t < 5; t++) {
            Result r = m.apply(Command.append(0, row(t), row(100 + t)));
            assertEquals(KvCacheReference.OK, r.response().status());
            assertEquals(t + 1, r.response().length());
            assertEquals(t < 4 ? 1 : 2, r.response().pages());
        }
        assertEquals(4, m.freePages());
        Result g = m.apply(Command.gather(0, true, 2, 3));
        assertEquals(3, g.rows().size());
        assertArrayEquals(row(102), g.rows().get(0));
        assertArrayEquals(row(104), g.rows().get(2));
        assertEquals(KvCacheReference.RANGE, m.apply(Command.gather(0, false, 3, 3)).response().status());
        assertEquals(KvCacheReference.OK, m.apply(Command.gather(0, false, 5, 0)).response().status());
    }

    @Test
    void forkSharesAndTheFirstWriteCopies() {
        m.apply(Command.alloc());
        for (int t = 0; t < 6; t++) {
            m.apply(Command.append(0, row(t), row(t)));
        }
        assertEquals(4, m.freePages());
        Result f = m.apply(Command.fork(0));
        assertEquals(1, f.response().seq());
        assertEquals(6, f.response().length());
        assertEquals(4, m.freePages(), "fork shares, it does not copy");
        m.apply(Command.append(1, row(50), row(50)));
        assertEquals(3, m.freePages(), "the shared half page was copied");
        m.apply(Command.append(0, row(60), row(60)));
        assertEquals(3, m.freePages(), "the parent's page is its own again");
        assertArrayEquals(row(60), m.apply(Command.gather(0, false, 6, 1)).rows().get(0));
        assertArrayEquals(row(50), m.apply(Command.gather(1, false, 6, 1)).rows().get(0));
        assertArrayEquals(row(5), m.apply(Command.gather(1, false, 5, 1)).rows().get(0));
        m.apply(Command.free(0));
        assertEquals(4, m.freePages(), "only the parent's private page returns");
        assertEquals(KvCacheReference.BAD_SEQ, m.apply(Command.query(0)).response().status());
        assertEquals(3, m.highWater(), "two pages, then one copy");
    }

    @Test
    void errorsChangeNothing() {
        assertEquals(KvCacheReference.BAD_SEQ, m.apply(Command.append(0, row(1), row(1))).response().status());
        m.apply(Command.alloc());
        m.apply(Command.alloc());
        m.apply(Command.alloc());
        assertEquals(KvCacheReference.TABLE_FULL, m.apply(Command.alloc()).response().status());
        assertEquals(KvCacheReference.TABLE_FULL, m.apply(Command.fork(1)).response().status());
        for (int t = 0; t < 16; t++) {
            assertEquals(KvCacheReference.OK, m.apply(Command.append(0, row(t), row(t))).response().status());
        }
        assertEquals(KvCacheReference.SEQ_FULL, m.apply(Command.append(0, row(0), row(0))).response().status());
        for (int t = 0; t < 8; t++) {
            m.apply(Command.append(1, row(t), row(t)));
        }
        assertEquals(0, m.freePages());
        var r = m.apply(Command.append(2, row(0), row(0))).response();
        assertEquals(KvCacheReference.NO_PAGES, r.status());
        assertEquals(0, r.length());
        assertEquals(KvCacheReference.RANGE, m.apply(Command.truncate(1, 9)).response().status());
        assertEquals(8, m.length(1));
        assertEquals(KvCacheReference.OK, m.apply(Command.truncate(1, 3)).response().status());
        assertEquals(1, m.freePages());
        assertTrue(m.live(2));
        assertEquals(6, m.highWater());
    }
}
