package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;

/**
 * The free-page pool: a stack of free page numbers (most recently freed on top, reused first),
 * its fill count and the high-water mark of pages in use. After reset {@link #fill} pushes pages
 * 0..numPages−1, one per cycle. In a cycle the core may {@link #take} the top page
 * ({@code freeTop}) or {@link #give} one back, never both; {@link #update} applies them at the
 * clock edge.
 */
final class FreePool extends HdlArea {
    final Mem<Bits> freeStack;
    final TableWrite stackWr;
    /** Next page to push while filling after reset. */
    final UInt initIdx;
    /** The fill pushes its last page in this cycle. */
    final Bool initLast;
    final UInt freeCount;
    /** Most pages ever in use at once. */
    final UInt highWater;
    /** Index of the top of the stack (freeCount − 1). */
    final UInt stackTop;
    /** The page a {@link #take} gets. */
    final UInt freeTop;
    final Bool poolEmpty;
    final Bool pop;
    final Bool push;
    final UInt pushPage;
    final UInt freeCountNext;
    final UInt inUseNext;
    final Bool newHigh;
    final UInt highWaterNext;

    FreePool(KvCacheConfig config) {
        int pageBits = config.pageBits();
        int poolBits = config.poolBits();
        int numPages = config.numPages();
        freeStack = mem(bits(pageBits), numPages);
        stackWr = new TableWrite(freeStack, pageBits, uint(0, pageBits));
        initIdx = regInit(uint(pageBits), uint(0, pageBits));
        initLast = eq(initIdx, uint(numPages - 1, pageBits));
        freeCount = regInit(uint(poolBits), uint(numPages, poolBits));
        highWater = regInit(uint(poolBits), uint(0, poolBits));
        stackTop = sub(resize(freeCount, pageBits), uint(1, pageBits));
        freeTop = asUInt(readAsync(freeStack, stackTop));
        poolEmpty = eq(freeCount, uint(0, poolBits));
        pop = bool();
        push = bool();
        pushPage = uint(pageBits);
        assign(pop, bool(false));
        assign(push, bool(false));
        assign(pushPage, uint(0, pageBits));

        freeCountNext = uint(poolBits);
        assign(freeCountNext, freeCount);
        when(pop, () -> assign(freeCountNext, sub(freeCount, uint(1, poolBits))))
                .elseWhen(push, () -> assign(freeCountNext, add(freeCount, uint(1, poolBits))));
        inUseNext = sub(uint(numPages, poolBits), freeCountNext);
        newHigh = gt(inUseNext, highWater);
        highWaterNext = uint(poolBits);
        assign(highWaterNext, highWater);
        when(newHigh, () -> assign(highWaterNext, inUseNext));
    }

    /** One cycle of the fill after reset: pushes page {@code initIdx}. */
    void fill() {
        stackWr.write(initIdx, initIdx);
        assign(initIdx, add(initIdx, uint(1, widthOf(initIdx))));
    }

    /** Takes the top page ({@link #freeTop}) in this cycle. */
    void take() {
        assign(pop, bool(true));
    }

    /** Gives {@code page} back in this cycle. */
    void give(UInt page) {
        assign(push, bool(true));
        assign(pushPage, page);
    }

    /** The count, the mark and the push; after the state machine (a push overrides the fill's port). */
    void update() {
        assign(freeCount, freeCountNext);
        assign(highWater, highWaterNext);
        when(push, () -> stackWr.write(resize(freeCount, widthOf(pushPage)), pushPage));
    }
}
