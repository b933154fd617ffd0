package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * Packs a stream of 64-bit words bound for consecutive memory words into WRITE messages of at most
 * 16 words (a {@link GemmTile}'s STORE beats, a {@link KvTile}'s gathered rows): {@link #full}
 * (no more words taken) when the last word taken ends a 16-word memory block or is marked last,
 * until the owner sends the message ({@link #sent}). Without {@code flush} the words only
 * collect (at most 16, the owner empties them with {@code sent}). Signals are named
 * {@code pk_*} after the field holding the area.
 */
final class WritePacker extends HdlArea {
    final Bits[] words;
    /** Words held. */
    final UInt count;
    /** Memory word of words[0]. */
    final UInt addr;
    /** Memory word of the next word taken. */
    final UInt next;
    /** A WRITE is ready to leave. */
    final Bool full;
    /** The owner sends the WRITE in this cycle (driven by the owner). */
    final Bool sent;

    /**
     * @param begin     load {@code startAddr} as the next word's address (a new move starts)
     * @param take      a word is taken in this cycle (the owner offers words only while not full)
     * @param last      the word taken is the move's last
     * @param flush     fill up only to a block end or the last word, then wait for {@code sent}
     */
    WritePacker(int addrBits, Bool begin, UInt startAddr, Bool take, Bits word, Bool last, Bool flush) {
        super(true);
        words = new Bits[ChipConfig.MAX_BURST];
        for (int i = 0; i < words.length; i++) {
            words[i] = named(reg(bits(ChipConfig.FLIT_WIDTH)), "pk_word_" + i);
        }
        count = regInit(uint(5), uint(0, 5));
        addr = reg(uint(addrBits));
        next = reg(uint(addrBits));
        full = regInit(bool(), bool(false));
        sent = bool();
        when(begin, () -> assign(next, resize(startAddr, addrBits)));
        when(take, () -> {
            for (int i = 0; i < words.length; i++) {
                Bits target = words[i];
                when(eq(count, uint(i, 5)), () -> assign(target, word));
            }
            when(eq(count, uint(0, 5)), () -> assign(addr, next));
            assign(count, add(count, uint(1, 5)));
            assign(next, add(next, uint(1, addrBits)));
            when(and(flush, or(last, eq(slice(next, 3, 0), uint(15, 4)))), () -> assign(full, bool(true)));
        });
        when(sent, () -> {
            assign(full, bool(false));
            assign(count, uint(0, 5));
        });
    }
}
