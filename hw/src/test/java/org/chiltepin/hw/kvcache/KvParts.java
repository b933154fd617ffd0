package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import java.nio.file.Path;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.Simulation;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * A test bench block around the controller's {@link FreePool} and {@link SequenceSlots}, driven
 * from ports, so their behaviour is tested without the state machine. maxSeqs = 5 (not a power
 * of two: ids 5..7 exist on the wire but never as slots), numPages = 6. Compiled once per JVM.
 */
final class KvParts extends Block {
    static final KvCacheConfig CONFIG = new KvCacheConfig(4, 6, 5, 4, 1, 4, 1);

    final Bool fill = in(bool());
    final Bool take = in(bool());
    final Bool give = in(bool());
    final UInt givePage = in(uint(CONFIG.pageBits()));
    final Bool allocate = in(bool());
    final UInt allocId = in(uint(CONFIG.seqBits()));
    final Bool retire = in(bool());
    final UInt seq = in(uint(CONFIG.seqBits()));
    final UInt topPage = out(uint(CONFIG.pageBits()));
    final UInt count = out(uint(CONFIG.poolBits()));
    final UInt mark = out(uint(CONFIG.poolBits()));
    final Bool empty = out(bool());
    final Bool fillLast = out(bool());
    final Bool ok = out(bool());
    final Bool anyFree = out(bool());
    final UInt lowest = out(uint(CONFIG.seqBits()));
    final FreePool pool;
    final SequenceSlots slots;

    KvParts() {
        pool = new FreePool(CONFIG);
        slots = new SequenceSlots(CONFIG, seq);
        when(fill, pool::fill);
        when(take, pool::take);
        when(give, () -> pool.give(givePage));
        when(allocate, () -> slots.allocate(allocId));
        when(retire, slots::release);
        pool.update();
        assign(topPage, pool.freeTop);
        assign(count, pool.freeCount);
        assign(mark, pool.highWater);
        assign(empty, pool.poolEmpty);
        assign(fillLast, pool.initLast);
        assign(ok, slots.seqOk);
        assign(anyFree, slots.seqSlotFree);
        assign(lowest, slots.lowestFreeSeq);
    }

    private static Simulation<KvParts> sim;

    /** The compiled bench, shared by the tests of the parts. */
    static synchronized Simulation<KvParts> sim() {
        if (sim == null) {
            sim = Simulation.compile(KvParts::new, Path.of("target", "sim", "kv-parts"), Simulation.Options.DEFAULT);
        }
        return sim;
    }
}
