package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * A {@link GemmTile}'s fetched words on their way to the engine: an RDATA message is copied whole
 * into the unpack buffer (taken only when it is empty), then one word per cycle into the
 * {@link ChipConfig#DATA_QUEUE}-word data queue, whose head's low dataBytes bytes are the engine's
 * {@code s_axis_data}. {@link #reserved} counts the words of READs sent but not yet consumed: the
 * tile sends a READ only when they all fit, so an RDATA is always taken.
 */
final class FetchBuffer extends HdlArea {
    final Bool ubBusy;
    final UInt ubIndex;
    final UInt ubLast;
    final Bits[] ubWords;
    final Mem<Bits> dataQueue;
    final UInt dqWr;
    final UInt dqRd;
    final UInt dqCount;
    /** Words of READs sent and not yet consumed by the engine. */
    final UInt reserved;
    /** Words asked for by a READ leaving in this cycle (driven by the tile). */
    final UInt readWords;

    /** @param take an RDATA message is taken in this cycle (the tile takes one only while !ubBusy) */
    FetchBuffer(GemmConfig g, Message ri, Bool take, Stream<Bits> sd) {
        int w = ChipConfig.FLIT_WIDTH;
        int maxLen = ChipConfig.MAX_BURST;
        ubBusy = regInit(bool(), bool(false));
        ubIndex = reg(uint(4));
        ubLast = reg(uint(4));
        ubWords = new Bits[maxLen];
        for (int i = 0; i < maxLen; i++) {
            ubWords[i] = named(reg(bits(w)), "ub_word_" + i);
        }
        reserved = regInit(uint(6), uint(0, 6));
        readWords = uint(6);
        when(take, () -> {
            assign(ubBusy, bool(true));
            assign(ubIndex, uint(0, 4));
            // length 16 wraps to 0 in the 4-bit last index (0 - 1 = 15)
            assign(ubLast, sub(resize(ri.length, 4), uint(1, 4)));
            for (int i = 0; i < maxLen; i++) {
                assign(ubWords[i], ri.data[i]);
            }
        });
        int dq = ChipConfig.DATA_QUEUE;
        int dqBits = Integer.numberOfTrailingZeros(dq);
        dataQueue = mem(bits(w), dq);
        dqWr = regInit(uint(dqBits), uint(0, dqBits));
        dqRd = regInit(uint(dqBits), uint(0, dqBits));
        dqCount = regInit(uint(dqBits + 1), uint(0, dqBits + 1));
        Bits ubWord = ubWords[0];
        for (int i = 1; i < maxLen; i++) {
            ubWord = mux(eq(ubIndex, uint(i, 4)), ubWords[i], ubWord);
        }
        Bool dqPush = and(ubBusy, lt(dqCount, uint(dq, dqBits + 1)));
        write(dataQueue, dqWr, ubWord, dqPush);
        when(dqPush, () -> {
            assign(dqWr, add(dqWr, uint(1, dqBits)));
            assign(ubIndex, add(ubIndex, uint(1, 4)));
            when(eq(ubIndex, ubLast), () -> assign(ubBusy, bool(false)));
        });
        Bits dqHead = named(bits(w), "data_head");
        assign(dqHead, readAsync(dataQueue, dqRd));
        assign(sd.valid(), neq(dqCount, uint(0, dqBits + 1)));
        assign(sd.payload(), slice(dqHead, 8 * g.dataBytes() - 1, 0));
        if (8 * g.dataBytes() < w) {
            dropBits(dqHead, w - 1, 8 * g.dataBytes(), "data_head_high"); // a loaded word holds one data beat in its low bytes
        }
        when(sd.fire(), () -> assign(dqRd, add(dqRd, uint(1, dqBits))));
        when(and(dqPush, not(sd.fire())), () -> assign(dqCount, add(dqCount, uint(1, dqBits + 1))))
                .elseWhen(and(sd.fire(), not(dqPush)), () -> assign(dqCount, sub(dqCount, uint(1, dqBits + 1))));
        assign(reserved, sub(add(reserved, readWords), mux(sd.fire(), uint(1, 6), uint(0, 6))));
    }
}
