package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;

/**
 * A GEMM tile's result buffer, the source end of tile → tile DMA (docs/chip.md §1, §4): a
 * {@link ChipConfig#TILE_BUFFER}-word SRAM that the tile's own STOREs write (one beat per cycle,
 * no network), and that other GEMM tiles' loads read with READ messages, answered like the memory
 * tile with one RDATA. It serves one READ at a time: it takes the READ, reads its words (one per
 * cycle, synchronous read), then offers the RDATA until it is sent; a READ is answered whatever the
 * buffer holds, so an unpaired load never waits. The requester checked the range (a READ's words
 * lie inside the buffer). Signals are named {@code tb_*} after the field holding the area.
 *
 * <p>Latency: words + 2 cycles from taking a READ to offering its RDATA.
 */
final class TileBuffer extends HdlArea {
    final Mem<Bits> words;
    /** Buffer word the next local STORE beat writes. */
    final UInt wrAddr;
    /** A READ is being read out; its next word, words left, reply slot. */
    final Bool busy;
    final UInt rdAddr;
    final UInt rdLeft;
    final UInt rdIndex;
    /** The word read in the previous cycle lands in reply slot {@code pendIndex}. */
    final Bool pend;
    final UInt pendIndex;
    final Bool pendLast;
    /** The RDATA to send: valid, its destination (the READ's source) and length. */
    final Bits[] reply;
    final Bool replyValid;
    final UInt replyX;
    final UInt replyY;
    final UInt replyLength;
    /** A READ is taken in this cycle. */
    final Bool take;
    /** The RDATA leaves in this cycle (driven by the tile). */
    final Bool sent;

    /**
     * @param in       the request network's message at the tile ({@code readIn}: it is a READ, offered)
     * @param begin    a STORE into the buffer starts: {@code startAddr} is its first buffer word
     * @param beat     a STORE beat {@code word} is written in this cycle
     */
    TileBuffer(Message in, Bool readIn, Bool begin, UInt startAddr, Bool beat, Bits word) {
        super(true);
        int depth = ChipConfig.TILE_BUFFER;
        int ab = Integer.numberOfTrailingZeros(depth);
        int w = ChipConfig.FLIT_WIDTH;
        words = mem(bits(w), depth);
        wrAddr = reg(uint(ab));
        when(begin, () -> assign(wrAddr, resize(startAddr, ab)));
        write(words, wrAddr, word, beat);
        when(beat, () -> assign(wrAddr, add(wrAddr, uint(1, ab))));

        busy = regInit(bool(), bool(false));
        rdAddr = reg(uint(ab));
        rdLeft = reg(uint(5));
        rdIndex = reg(uint(4));
        pend = regInit(bool(), bool(false));
        pendIndex = reg(uint(4));
        pendLast = reg(bool());
        replyValid = regInit(bool(), bool(false));
        replyX = reg(uint(widthOf(in.srcX)));
        replyY = reg(uint(widthOf(in.srcY)));
        replyLength = reg(uint(5));
        reply = new Bits[ChipConfig.MAX_BURST];
        for (int i = 0; i < reply.length; i++) {
            reply[i] = named(reg(bits(w)), "tb_reply_" + i);
        }
        sent = bool();
        take = named(and(readIn, and(not(busy), and(not(pend), not(replyValid)))), "tb_take");
        UInt count = add(resize(ChipMessage.wordsMinusOne(in), 5), uint(1, 5));
        when(take, () -> {
            assign(busy, bool(true));
            assign(rdAddr, ChipMessage.addr(in, ab));
            assign(rdLeft, count);
            assign(rdIndex, uint(0, 4));
            assign(replyX, in.srcX);
            assign(replyY, in.srcY);
            assign(replyLength, count);
        });
        Bits data = readSync(words, rdAddr, busy);
        assign(pend, busy);
        when(busy, () -> {
            assign(pendIndex, rdIndex);
            assign(pendLast, eq(rdLeft, uint(1, 5)));
            assign(rdAddr, add(rdAddr, uint(1, ab)));
            assign(rdIndex, add(rdIndex, uint(1, 4)));
            assign(rdLeft, sub(rdLeft, uint(1, 5)));
            when(eq(rdLeft, uint(1, 5)), () -> assign(busy, bool(false)));
        });
        when(pend, () -> {
            for (int i = 0; i < reply.length; i++) {
                Bits slot = reply[i];
                when(eq(pendIndex, uint(i, 4)), () -> assign(slot, data));
            }
            when(pendLast, () -> assign(replyValid, bool(true)));
        });
        when(sent, () -> assign(replyValid, bool(false)));
    }
}
