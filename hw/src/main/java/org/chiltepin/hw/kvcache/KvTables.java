package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;

/**
 * The per-sequence and per-page tables. The block table (2^seqBits · maxPagesPerSeq entries,
 * address {seq, logical page}) is a synchronous-read SRAM: {@link #readEntry} in one cycle,
 * {@code btRd} the next (held until the next read). Lengths and last pages (per sequence, read at
 * the command's id) and reference counts (per page, read at {@code rcRdAddr}, by default the
 * command's last page) are asynchronous-read tables, so a command can decide in one cycle.
 * Each table has one write port ({@link TableWrite}).
 */
final class KvTables extends HdlArea {
    final Mem<Bits> blockTable;
    final Mem<Bits> seqLength;
    final Mem<Bits> seqTail;
    final Mem<Bits> refCount;
    final Bool btRdEn;
    final UInt btRdAddr;
    /** The block-table entry read in the previous cycle with {@code btRdEn}. */
    final UInt btRd;
    /** The command's sequence: its length and its last physical page. */
    final UInt len;
    final UInt tail;
    final UInt rcRdAddr;
    final UInt rcRd;
    final TableWrite btWr;
    final TableWrite lenWr;
    final TableWrite tailWr;
    final TableWrite rcWr;

    KvTables(KvCacheConfig config, UInt cmdSeq) {
        int seqBits = config.seqBits();
        int pageBits = config.pageBits();
        int entryBits = seqBits + config.logicalPageBits();
        blockTable = mem(bits(pageBits), (1 << seqBits) * config.maxPagesPerSeq());
        seqLength = mem(bits(config.lengthBits()), 1 << seqBits);
        seqTail = mem(bits(pageBits), 1 << seqBits);
        refCount = mem(bits(config.refBits()), config.numPages());

        btRdEn = bool();
        btRdAddr = uint(entryBits);
        assign(btRdEn, bool(false));
        assign(btRdAddr, uint(0, entryBits));
        btRd = asUInt(readSync(blockTable, btRdAddr, btRdEn));
        len = asUInt(readAsync(seqLength, cmdSeq));
        tail = asUInt(readAsync(seqTail, cmdSeq));
        rcRdAddr = uint(pageBits);
        assign(rcRdAddr, tail);
        rcRd = asUInt(readAsync(refCount, rcRdAddr));

        btWr = new TableWrite(blockTable, pageBits, uint(0, entryBits));
        lenWr = new TableWrite(seqLength, config.lengthBits(), cmdSeq);
        tailWr = new TableWrite(seqTail, pageBits, cmdSeq);
        rcWr = new TableWrite(refCount, config.refBits(), uint(0, pageBits));
    }

    /** Reads block-table entry {seq, logical page} (the caller concatenates): {@code btRd} next cycle. */
    void readEntry(UInt entry) {
        assign(btRdEn, bool(true));
        assign(btRdAddr, entry);
    }

    /** The entry address {seq, lp}. */
    static UInt entry(UInt seq, UInt lp) {
        return asUInt(concat(seq, lp));
    }
}
