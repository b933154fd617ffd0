package org.chiltepin.hw.kvcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.KvCacheReference.Command;
import org.chiltepin.verif.kvcache.KvCacheHarness.Report;
import org.chiltepin.verif.kvcache.KvCacheHarness.Stalls;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adversarial isolation tests: pages freed by one sequence and reused by another, every gather
 * that could expose stale rows, forks and copy-on-write, truncation, use after free and an
 * exhausted pool. Every response and row is compared with the golden model by the harness; on
 * top of that these tests check, from their own arithmetic, which rows and statuses must appear.
 * Each row written carries a tag (all lanes equal) naming the sequence and phase that wrote it.
 */
class KvCacheControllerIsolationTest {
    /** Both backends share the tiny geometry, so the same commands and expectations apply. */
    private static final KvCacheConfig TINY = KvCacheConfig.preset("tiny");

    private static Command append(int seq, int tag) {
        return Command.append(seq, KvCacheControllerCosimTest.tag(TINY, tag), KvCacheControllerCosimTest.tag(TINY, tag + 64));
    }

    private static Report run(String preset, List<Command> cmds, int seed) {
        KvCacheConfig c = KvCacheConfig.preset(preset);
        assertEquals(TINY.numPages(), c.numPages());
        assertEquals(TINY.maxTokens(), c.maxTokens());
        Report r = KvCacheControllerCosimTest.harness(c).run(KvCacheControllerCosimTest.harnessSource(cmds), seed,
                Stalls.RANDOM, true);
        KvCacheControllerCosimTest.assertPassed(r, "isolation");
        assertEquals(cmds.size(), r.responses());
        return r;
    }

    /** The tag of each gathered row (all its lanes must be equal). */
    private static List<Integer> tags(Report r) {
        List<Integer> t = new ArrayList<>();
        for (long[] row : r.rows()) {
            for (long v : row) {
                assertEquals(row[0], v, "a row mixes values from different writes");
            }
            t.add((int) row[0]);
        }
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "tiny-axi"})
    void freedPagesReusedByAnotherSequenceNeverExposeStaleRows(String preset) {
        int p = TINY.pageTokens();
        int max = TINY.maxTokens();
        List<Command> cmds = new ArrayList<>();
        cmds.add(Command.alloc());                       // A = 0
        for (int t = 0; t < max; t++) {
            cmds.add(append(0, 1));                      // A fills every slot of its pages with tag 1
        }
        cmds.add(Command.free(0));
        cmds.add(Command.alloc());                       // B = 0 again, on A's freed pages
        int bLen = p + p / 2;                            // B's second page is half stale
        for (int t = 0; t < bLen; t++) {
            cmds.add(append(0, 2));
        }
        int legal = 0;
        int legalRows = 0;
        int illegal = 0;
        for (boolean v : new boolean[] {false, true}) {
            for (int first = 0; first <= max + 1; first++) {
                for (int count = 0; first + count <= max + 2; count++) {
                    cmds.add(Command.gather(0, v, first, count));
                    if (first + count <= bLen) {
                        legal++;
                        legalRows += count;
                    } else {
                        illegal++;
                    }
                }
            }
        }
        // Truncate into the first page, then look again past the new end and refill.
        cmds.add(Command.truncate(0, 1));
        for (int first = 0; first <= bLen; first++) {
            cmds.add(Command.gather(0, false, first, 2));
            illegal++;
        }
        cmds.add(append(0, 3));
        cmds.add(Command.gather(0, false, 0, 2));
        cmds.add(Command.gather(0, true, 0, 2));
        // Ids never allocated and a freed one: every use fails.
        for (int id : new int[] {1, 2, 3}) {
            cmds.add(Command.gather(id, false, 0, 1));
            cmds.add(append(id, 9));
            cmds.add(Command.query(id));
            cmds.add(Command.truncate(id, 0));
            cmds.add(Command.fork(id));
            cmds.add(Command.free(id));
        }
        Report r = run(preset, cmds, 5);
        List<Integer> tags = tags(r);
        assertEquals(legalRows + 4, tags.size());
        List<Integer> bRows = tags.subList(0, legalRows);
        for (int t = 0; t < bRows.size(); t++) {
            int tag = bRows.get(t);
            assertTrue(tag == 2 || tag == 66, "row " + t + " of B's gathers has tag " + tag + " (1/65 would be A's)");
        }
        assertEquals(List.of(2, 3, 66, 67), tags.subList(legalRows, legalRows + 4));
        assertEquals(illegal, r.statusCounts()[KvCacheReference.RANGE]);
        assertEquals(18, r.statusCounts()[KvCacheReference.BAD_SEQ]);
        assertTrue(legal > 50);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "tiny-axi"})
    void forkSharesPagesAndCopyOnWriteKeepsParentAndChildApart(String preset) {
        int p = TINY.pageTokens();
        List<Command> cmds = new ArrayList<>();
        cmds.add(Command.alloc());                       // parent 0
        for (int t = 0; t < p + 2; t++) {
            cmds.add(append(0, 1));
        }
        cmds.add(Command.fork(0));                       // child 1 shares both pages
        cmds.add(Command.stats());
        cmds.add(append(1, 2));                          // copy-on-write of the half page
        cmds.add(append(0, 3));                          // parent's page is its own again: no copy
        cmds.add(Command.gather(0, false, 0, p + 3));    // 1.. 1 3
        cmds.add(Command.gather(1, false, 0, p + 3));    // 1.. 1 2
        cmds.add(Command.fork(1));                       // grandchild 2
        cmds.add(Command.truncate(2, 1));                // keeps one row of the shared first page
        cmds.add(append(2, 4));                          // copy-on-write of the first page
        cmds.add(Command.gather(2, false, 0, 2));        // 1 4
        cmds.add(Command.gather(1, false, 0, p + 3));    // 1.. 1 2: untouched
        cmds.add(Command.free(0));
        cmds.add(Command.gather(0, false, 0, 1));        // use after free: BAD_SEQ
        cmds.add(Command.gather(1, true, 0, p + 3));     // 65.. 65 66
        cmds.add(Command.gather(2, true, 0, 2));         // 65 68
        cmds.add(Command.free(1));
        cmds.add(Command.free(2));
        cmds.add(Command.stats());
        Report r = run(preset, cmds, 6);
        List<Integer> expected = new ArrayList<>();
        for (int t = 0; t < p + 2; t++) {
            expected.add(1);
        }
        List<Integer> parent = new ArrayList<>(expected);
        parent.add(3);
        List<Integer> child = new ArrayList<>(expected);
        child.add(2);
        List<Integer> want = new ArrayList<>(parent);
        want.addAll(child);
        want.addAll(List.of(1, 4));
        want.addAll(child);
        for (int t : child) {
            want.add(t + 64);
        }
        want.addAll(List.of(65, 68));
        assertEquals(want, tags(r));
        assertEquals(1, r.statusCounts()[KvCacheReference.BAD_SEQ]);
        // After everything is freed the pool is whole again.
        var last = r.timings().get(r.timings().size() - 1).response();
        assertEquals(TINY.numPages(), last.freePages());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "tiny-axi"})
    void exhaustedPoolAndFullTableFailCleanlyAndLeaveEveryoneIntact(String preset) {
        int max = TINY.maxTokens();
        int seqs = TINY.numPages() / TINY.maxPagesPerSeq();   // 3 full sequences use every page
        List<Command> cmds = new ArrayList<>();
        for (int s = 0; s < seqs; s++) {
            cmds.add(Command.alloc());
            for (int t = 0; t < max; t++) {
                cmds.add(append(s, 10 + s));
            }
        }
        cmds.add(append(0, 20));                         // SEQ_FULL
        cmds.add(Command.alloc());                       // 3
        cmds.add(append(3, 21));                         // NO_PAGES: pool empty
        cmds.add(Command.alloc());                       // TABLE_FULL
        cmds.add(Command.fork(0));                       // TABLE_FULL
        cmds.add(Command.free(3));
        cmds.add(Command.fork(0));                       // 3 shares 0's pages
        cmds.add(Command.truncate(3, max - 1));          // its last page is shared and partial
        cmds.add(append(3, 22));                         // NO_PAGES: the copy needs a page
        cmds.add(Command.stats());
        for (int s = 0; s < seqs; s++) {
            cmds.add(Command.gather(s, false, 0, max));
        }
        cmds.add(Command.gather(3, false, 0, max - 1));
        cmds.add(Command.free(1));
        cmds.add(append(3, 23));                         // now the copy succeeds
        cmds.add(Command.gather(3, false, max - 2, 2));
        cmds.add(Command.gather(0, false, max - 2, 2));
        Report r = run(preset, cmds, 7);
        assertEquals(2, r.statusCounts()[KvCacheReference.NO_PAGES]);
        assertEquals(2, r.statusCounts()[KvCacheReference.TABLE_FULL]);
        assertEquals(1, r.statusCounts()[KvCacheReference.SEQ_FULL]);
        List<Integer> want = new ArrayList<>();
        for (int s = 0; s < seqs; s++) {
            for (int t = 0; t < max; t++) {
                want.add(10 + s);
            }
        }
        for (int t = 0; t < max - 1; t++) {
            want.add(10);
        }
        want.addAll(List.of(10, 23, 10, 10));
        assertEquals(want, tags(r));
        var stats = r.timings().stream().filter(t -> t.command().op() == KvCacheReference.OP_STATS).findFirst()
                .orElseThrow().response();
        assertEquals(0, stats.freePages());
        assertEquals(TINY.numPages(), stats.highWater());
    }
}
