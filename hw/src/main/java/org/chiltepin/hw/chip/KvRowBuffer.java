package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.hw.kvcache.KvCacheController;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The {@link KvTile}'s row buffer: 16 words that take the controller's gathered rows, one per
 * cycle, a row zero-extended to a 64-bit word (lane i in byte i). For a host GATHER
 * ({@code toMemory}) the words form WRITE messages: the buffer is {@link #full} (and takes no
 * row) when its last word ends a 16-word memory block or is the gather's last row, until
 * {@link #sent}; for a GEMM tile's READ the rows (at most 16) simply collect for the RDATA reply.
 */
final class KvRowBuffer extends HdlArea {
    final Bits[] words;
    /** Words held. */
    final UInt count;
    /** Memory word of words[0] (host GATHER). */
    final UInt writeAddr;
    /** Memory word of the next row. */
    final UInt nextAddr;
    /** A WRITE is ready to leave. */
    final Bool full;
    /** The gather's last row is taken in this cycle. */
    final Bool lastIn;
    /** The WRITE leaves in this cycle (driven by the tile). */
    final Bool sent;
    private final Bits rowBits;

    KvRowBuffer(KvCacheConfig c, Stream<KvCacheController.Row> rows, Bool running, Bool toMemory, Bool begin,
            UInt startAddr, int addrBits) {
        words = new Bits[ChipConfig.MAX_BURST];
        for (int i = 0; i < words.length; i++) {
            words[i] = named(reg(bits(ChipConfig.FLIT_WIDTH)), "row_word_" + i);
        }
        count = regInit(uint(5), uint(0, 5));
        writeAddr = reg(uint(addrBits));
        nextAddr = reg(uint(addrBits));
        full = regInit(bool(), bool(false));
        lastIn = bool();
        sent = bool();
        KvCacheController.Row row = rows.payload();
        Bits b = asBits(row.data[0]);
        for (int i = 1; i < c.lanes(); i++) {
            b = concat(row.data[i], b);
        }
        rowBits = named(bits(c.rowBits()), "row_bits");
        assign(rowBits, b);
        Bits word = asBits(resize(asUInt(rowBits), ChipConfig.FLIT_WIDTH));
        assign(rows.ready(), and(running, not(full)));
        assign(lastIn, and(rows.fire(), row.last));
        when(begin, () -> {
            assign(count, uint(0, 5));
            assign(nextAddr, resize(startAddr, addrBits));
        });
        when(rows.fire(), () -> {
            for (int i = 0; i < words.length; i++) {
                Bits target = words[i];
                when(eq(count, uint(i, 5)), () -> assign(target, word));
            }
            when(eq(count, uint(0, 5)), () -> assign(writeAddr, nextAddr));
            assign(count, add(count, uint(1, 5)));
            assign(nextAddr, add(nextAddr, uint(1, addrBits)));
            when(and(toMemory, or(row.last, eq(slice(nextAddr, 3, 0), uint(15, 4)))), () -> assign(full, bool(true)));
        });
        when(sent, () -> {
            assign(full, bool(false));
            assign(count, uint(0, 5));
        });
    }
}
