package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;
import static org.chiltepin.hw.kvcache.KvCacheController.ST_BAD_SEQ;
import static org.chiltepin.hw.kvcache.KvCacheController.ST_NO_PAGES;
import static org.chiltepin.hw.kvcache.KvCacheController.ST_RANGE;
import static org.chiltepin.hw.kvcache.KvCacheController.ST_SEQ_FULL;
import static org.chiltepin.hw.kvcache.KvCacheController.ST_TABLE_FULL;
import static org.chiltepin.hw.kvcache.KvState.*;

import java.util.EnumSet;
import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hdl.HdlEnum;
import spinal.core.Bool;
import spinal.core.SpinalEnum;
import spinal.core.SpinalEnumCraft;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The controller's decisions: the state machine ({@link KvState}) over the tables, the pool and
 * the sequence slots. It checks and completes every command, walks block tables for free,
 * truncate and fork, and does the bookkeeping of copy-on-write; moving rows (gather, the copy)
 * is the {@link RowStore}'s part of the states GATHER_SETUP, GATHER and COW_COPY.
 *
 * <p>A command is accepted ({@code s_axis_cmd_ready}) in the cycle its response is loaded; a
 * command that needs more than one cycle leaves IDLE and keeps reading the command payload,
 * which the stream protocol holds stable. Errors are answered in IDLE and change nothing.
 */
final class KvCacheCore extends HdlArea {
    private final KvCacheConfig config;
    final HdlEnum<KvState> states;
    final HdlEnum<KvOp> ops;
    final Stream<KvCacheController.Command> cmdIn;
    final KvCacheController.Command cmd;
    final KvTables tables;
    final FreePool pool;
    final SequenceSlots slots;
    final ResponseSlot rsp;

    final SpinalEnumCraft<SpinalEnum> state;
    /** The command's opcode, by name. */
    final SpinalEnumCraft<SpinalEnum> opcode;
    /** {@code s_axis_cmd_ready}: the command completes in this cycle. */
    final Bool accept;
    /** In IDLE: a command is offered and its response (and, AXI, its write) can go out. */
    final Bool cmdGo;

    // ---- the command decoded against its sequence
    /** The command's id is not allocated (BAD_SEQ). */
    final Bool badSeq;
    /** No sequence slot is free (TABLE_FULL for alloc and fork). */
    final Bool tableFull;
    final UInt nextLength;
    final UInt slotOfLen;
    final UInt lpOfLen;
    /** The last page is full (or there is none): an append opens a new page. */
    final Bool pageFull;
    /** The last page is shared with a fork: an append copies it first. */
    final Bool pageShared;
    final Bool seqFull;
    final Bool appendNoPage;
    final UInt firstSlot;
    final UInt firstLp;
    /** count > length: gather and truncate past the end (RANGE). */
    final Bool countPastEnd;
    /** The last first row a gather of count rows may start at (when count ≤ length). */
    final UInt gatherLastFirst;
    /** first + count > length (RANGE). */
    final Bool gatherPastEnd;
    final Bool gatherEmpty;
    final UInt lenFullPages;
    final Bool lenPartial;
    final UInt countFullPages;
    final Bool countPartial;
    final UInt lenPages;
    final UInt countPages;
    final UInt appendPages;

    // ---- walks over block-table entries walkLp .. walkEnd−1 (free, truncate, fork)
    final UInt walkLp;
    final UInt walkEnd;
    final UInt walkEntry;
    final UInt walkNext;
    final Bool walkLast;
    final Bool truncKeepsAll;
    final Bool holdsNoPages;
    final Bool pageReleased;
    final UInt refInc;
    final UInt refDec;
    final UInt forkChild;
    final UInt countPagesLp;
    /** Truncate: logical index of the new last page (countPages − 1). */
    final UInt truncTailLp;

    // ---- copy-on-write: the shared last page and its copy
    final UInt cowOld;
    final UInt cowNew;

    KvCacheCore(KvCacheConfig config, Stream<KvCacheController.Command> cmdIn, KvTables tables, FreePool pool,
            SequenceSlots slots, ResponseSlot rsp) {
        this.config = config;
        this.cmdIn = cmdIn;
        this.cmd = cmdIn.payload();
        this.tables = tables;
        this.pool = pool;
        this.slots = slots;
        this.rsp = rsp;
        int slotBits = config.slotBits();
        int lpBits = config.logicalPageBits();
        int lenBits = config.lengthBits();
        int pagesBits = config.pagesBits();
        int pageBits = config.pageBits();
        EnumSet<KvState> used = EnumSet.allOf(KvState.class);
        if (!config.axi()) {
            used.remove(GATHER_SETUP);
        }
        states = HdlEnum.of(KvState.class, used);
        ops = HdlEnum.of(KvOp.class);
        state = states.regInit(INIT);
        opcode = ops.fromBits(asBits(cmd.op));
        accept = bool();
        cmdGo = bool();
        assign(accept, bool(false));
        assign(cmdIn.ready(), accept);

        UInt len = tables.len;
        nextLength = add(len, uint(1, lenBits));
        slotOfLen = slice(len, slotBits - 1, 0);
        lpOfLen = slice(len, slotBits + lpBits - 1, slotBits);
        pageFull = eq(slotOfLen, uint(0, slotBits));
        pageShared = gt(tables.rcRd, uint(1, config.refBits()));
        seqFull = eq(len, uint(config.maxTokens(), lenBits));
        appendNoPage = and(or(pageFull, pageShared), pool.poolEmpty);
        firstSlot = slice(cmd.first, slotBits - 1, 0);
        firstLp = slice(cmd.first, slotBits + lpBits - 1, slotBits);
        badSeq = not(slots.seqOk);
        tableFull = not(slots.seqSlotFree);
        countPastEnd = gt(cmd.count, len);
        gatherLastFirst = sub(len, cmd.count);
        gatherPastEnd = or(countPastEnd, gt(cmd.first, gatherLastFirst));
        gatherEmpty = eq(cmd.count, uint(0, lenBits));
        lenFullPages = slice(len, lenBits - 1, slotBits);
        lenPartial = not(pageFull);
        countFullPages = slice(cmd.count, lenBits - 1, slotBits);
        countPartial = neq(slice(cmd.count, slotBits - 1, 0), uint(0, slotBits));
        lenPages = pagesOf(lenFullPages, lenPartial);
        countPages = pagesOf(countFullPages, countPartial);
        appendPages = uint(pagesBits);
        assign(appendPages, lenPages);
        when(pageFull, () -> assign(appendPages, add(lenPages, uint(1, pagesBits))));

        walkLp = reg(uint(pagesBits));
        walkEnd = reg(uint(pagesBits));
        walkEntry = resize(walkLp, lpBits);
        walkNext = add(walkLp, uint(1, pagesBits));
        walkLast = eq(walkNext, walkEnd);
        truncKeepsAll = eq(countPages, lenPages);
        holdsNoPages = eq(lenPages, uint(0, pagesBits));
        pageReleased = eq(tables.rcRd, uint(1, config.refBits()));
        refInc = add(tables.rcRd, uint(1, config.refBits()));
        refDec = sub(tables.rcRd, uint(1, config.refBits()));
        forkChild = reg(uint(config.seqBits()));
        countPagesLp = resize(countPages, lpBits);
        truncTailLp = sub(countPagesLp, uint(1, lpBits));
        cowOld = reg(uint(pageBits));
        cowNew = reg(uint(pageBits));
    }

    /** The state machine; {@code rows} does the row moving of the gather and copy states. */
    void run(RowStore rows) {
        assign(cmdGo, rows.gateCommand(and(cmdIn.valid(), rsp.rspFree)));
        states.on(state, c -> {
            c.is(INIT, () -> {
                pool.fill();
                when(pool.initLast, () -> goTo(IDLE));
            });
            c.is(IDLE, () -> when(cmdGo, () -> decode(rows)));
            if (states.has(GATHER_SETUP)) {
                c.is(GATHER_SETUP, rows::gatherSetup);
            }
            c.is(GATHER, rows::gather);
            c.is(WALK_READ, () -> {
                tables.readEntry(KvTables.entry(cmd.seq, walkEntry));
                goTo(WALK_DO);
            });
            c.is(WALK_DO, this::walkStep);
            c.is(WALK_FINISH, this::walkFinish);
            c.is(TRUNC_TAIL, () -> when(rsp.rspFree, () -> {
                tables.tailWr.write(tables.btRd);
                tables.lenWr.write(cmd.count);
                complete(cmd.count, countPages);
            }));
            c.is(COW_START, () -> when(rows.copyMayStart(), () -> {
                pool.take();
                assign(cowNew, pool.freeTop);
                assign(cowOld, tables.tail);
                tables.rcWr.write(pool.freeTop, uint(1, config.refBits()));
                rows.startCopy();
                goTo(COW_COPY);
            }));
            c.is(COW_COPY, rows::copy);
            c.is(COW_END, () -> {
                // Back to IDLE without accepting: the append is examined again and now takes the fast path.
                assign(tables.rcRdAddr, cowOld);
                tables.rcWr.write(cowOld, refDec);
                tables.tailWr.write(cowNew);
                tables.btWr.write(KvTables.entry(cmd.seq, lpOfLen), cowNew);
                goTo(IDLE);
            });
        });
    }

    /** IDLE with a command offered: check it, complete it or start its states. */
    private void decode(RowStore rows) {
        ops.on(opcode, c -> c
                .is(KvOp.ALLOC, () -> when(slots.seqSlotFree, () -> {
                    slots.allocate(slots.lowestFreeSeq);
                    tables.lenWr.write(slots.lowestFreeSeq, uint(0, config.lengthBits()));
                    assign(rsp.rspSeqNext, slots.lowestFreeSeq);
                    finish();
                }).otherwise(() -> fail(ST_TABLE_FULL)))
                .is(KvOp.APPEND, () -> append(rows))
                .is(KvOp.GATHER, () -> when(badSeq, () -> fail(ST_BAD_SEQ))
                        .elseWhen(gatherPastEnd, () -> fail(ST_RANGE))
                        .elseWhen(gatherEmpty, () -> complete(tables.len, lenPages))
                        .otherwise(() -> {
                            tables.readEntry(KvTables.entry(cmd.seq, firstLp));
                            rows.beginGather(firstSlot, firstLp, cmd.count);
                        }))
                .is(KvOp.TRUNCATE, () -> when(badSeq, () -> fail(ST_BAD_SEQ))
                        .elseWhen(countPastEnd, () -> fail(ST_RANGE))
                        .otherwise(() -> startWalk(countPages, truncKeepsAll)))
                .is(KvOp.FREE, () -> when(badSeq, () -> fail(ST_BAD_SEQ))
                        .otherwise(() -> startWalk(uint(0, config.pagesBits()), holdsNoPages)))
                .is(KvOp.FORK_SEQ, () -> when(badSeq, () -> fail(ST_BAD_SEQ))
                        .elseWhen(tableFull, () -> fail(ST_TABLE_FULL))
                        .otherwise(() -> {
                            assign(forkChild, slots.lowestFreeSeq);
                            startWalk(uint(0, config.pagesBits()), holdsNoPages);
                        }))
                .is(KvOp.QUERY, () -> when(badSeq, () -> fail(ST_BAD_SEQ))
                        .otherwise(() -> complete(tables.len, lenPages)))
                .is(KvOp.STATS, this::finish));
    }

    /** APPEND: write token {@code len}; open a page when the last is full, copy it when shared. */
    private void append(RowStore rows) {
        int slotBits = config.slotBits();
        when(badSeq, () -> fail(ST_BAD_SEQ))
                .elseWhen(seqFull, () -> fail(ST_SEQ_FULL))
                .elseWhen(appendNoPage, () -> fail(ST_NO_PAGES))
                .elseWhen(pageFull, () -> {
                    // Open a new page: pop the pool, record it in the block table.
                    pool.take();
                    tables.btWr.write(KvTables.entry(cmd.seq, lpOfLen), pool.freeTop);
                    tables.rcWr.write(pool.freeTop, uint(1, config.refBits()));
                    tables.tailWr.write(pool.freeTop);
                    rows.writeRow(asUInt(concat(pool.freeTop, uint(0, slotBits))));
                    appended();
                })
                .elseWhen(pageShared, () -> goTo(COW_START))
                .otherwise(() -> {
                    rows.writeRow(asUInt(concat(tables.tail, slotOfLen)));
                    appended();
                });
    }

    /** WALK_DO: the entry read in WALK_READ is in btRd. Fork shares its page, free and truncate release it. */
    private void walkStep() {
        assign(tables.rcRdAddr, tables.btRd);
        ops.on(opcode, c -> c
                .is(KvOp.FORK_SEQ, () -> {
                    tables.rcWr.write(tables.btRd, refInc);
                    tables.btWr.write(KvTables.entry(forkChild, walkEntry), tables.btRd);
                })
                .otherwise(() -> {
                    tables.rcWr.write(tables.btRd, refDec);
                    when(pageReleased, () -> pool.give(tables.btRd));
                }));
        assign(walkLp, walkNext);
        when(walkLast, () -> goTo(WALK_FINISH)).otherwise(() -> goTo(WALK_READ));
    }

    /** WALK_FINISH: truncate looks up its new last page; fork and free complete. */
    private void walkFinish() {
        ops.on(opcode, c -> c
                .is(KvOp.TRUNCATE, () -> {
                    // The new last page (only used when it is partly filled).
                    tables.readEntry(KvTables.entry(cmd.seq, truncTailLp));
                    goTo(TRUNC_TAIL);
                })
                .is(KvOp.FORK_SEQ, () -> when(rsp.rspFree, () -> {
                    slots.allocate(forkChild);
                    tables.lenWr.write(forkChild, tables.len);
                    tables.tailWr.write(forkChild, tables.tail);
                    assign(rsp.rspSeqNext, forkChild);
                    complete(tables.len, lenPages);
                }))
                .is(KvOp.FREE, () -> when(rsp.rspFree, () -> {
                    slots.release();
                    finish();
                    goTo(IDLE);
                })));
    }

    // ------------------------------------------------------------ helpers

    void goTo(KvState next) {
        states.set(state, next);
    }

    /** Responds OK (length and pages 0) and accepts the command. */
    void finish() {
        rsp.ok();
        assign(accept, bool(true));
    }

    /** Responds OK with the sequence's length and pages, accepts the command, returns to IDLE. */
    void complete(UInt length, UInt pages) {
        rsp.ok(length, pages);
        assign(accept, bool(true));
        goTo(IDLE);
    }

    private void fail(int status) {
        rsp.fail(status);
        assign(accept, bool(true));
    }

    private void appended() {
        tables.lenWr.write(nextLength);
        complete(nextLength, appendPages);
    }

    private void startWalk(UInt from, Bool empty) {
        assign(walkLp, from);
        assign(walkEnd, lenPages);
        when(empty, () -> goTo(WALK_FINISH)).otherwise(() -> goTo(WALK_READ));
    }

    /** Pages needed for a length of {@code whole} full pages and a {@code partial} one. */
    private UInt pagesOf(UInt whole, Bool partial) {
        UInt pages = uint(config.pagesBits());
        assign(pages, whole);
        when(partial, () -> assign(pages, add(whole, uint(1, config.pagesBits()))));
        return pages;
    }
}
