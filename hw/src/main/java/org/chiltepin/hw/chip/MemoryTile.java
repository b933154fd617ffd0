package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Axi4Port;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;
import spinal.lib.bus.amba4.axi.Axi4;

/**
 * The memory tile: READ and WRITE messages from the tiles become AXI4 bursts on {@code m_axi}
 * (64-bit data, INCR, one burst per message, 1..16 beats); read data goes back as one RDATA
 * message per READ, each write's response as a WACK (docs/chip.md §4).
 *
 * <h2>Ports</h2>
 * {@code req_in_*} (in, from the request network), {@code resp_out_*} (out, to the response
 * network), {@code m_axi_*} (AXI4 master, byte addresses {@code 8 · word}, address width
 * log2(memWords) + 3).
 *
 * <h2>Behaviour</h2>
 * Requests are served in arrival order. Up to {@link #OUTSTANDING} read bursts are in flight (an
 * AR is issued in the cycle the READ is taken); a WRITE is taken only when no read is in flight
 * and none is taken until its WACK has left, so a read after a write of the same tile sees the
 * written data. Read data of a burst is collected and sent as one message when its last beat is
 * in; the next burst's beats are taken as soon as that message is handed to the network.
 */
public final class MemoryTile extends Block {
    /** Read bursts in flight at most. */
    public static final int OUTSTANDING = 4;

    public final Stream<Message> reqIn;
    public final Stream<Message> respOut;
    public final Axi4 mAxi;

    final UInt pendCount;
    final UInt pendWr;
    final UInt pendRd;
    final UInt[] pendSrcX;
    final UInt[] pendSrcY;
    final UInt[] pendLast;
    final UInt rIndex;
    final Bits[] rWords;
    final Bool rFull;

    final Bool writeBusy;
    final Bool awPending;
    final Bool wActive;
    final Bool bWait;
    final Bool ackPending;
    final UInt wAddr;
    final UInt wLast;
    final UInt wIndex;
    final UInt wSrcX;
    final UInt wSrcY;
    final Bits[] wWords;

    public MemoryTile(ChipConfig config) {
        NocConfig noc = config.noc();
        int ab = config.memAddrBits();
        int maxLen = ChipConfig.MAX_BURST;
        int w = ChipConfig.FLIT_WIDTH;
        reqIn = slaveStream(type(() -> new Message(noc, true)));
        respOut = masterStream(type(() -> new Message(noc, false)));
        mAxi = Axi4Port.master(Axi4Port.config(ab + 3, w));

        Message req = reqIn.payload();
        Bool isRead = ChipMessage.isKind(req, ChipMessage.READ);
        Bool isWrite = ChipMessage.isKind(req, ChipMessage.WRITE);
        UInt reqAddr = ChipMessage.addr(req, ab);

        // ---------------- reads: AR at once, data collected per burst
        pendCount = regInit(uint(3), uint(0, 3));
        pendWr = regInit(uint(2), uint(0, 2));
        pendRd = regInit(uint(2), uint(0, 2));
        pendSrcX = new UInt[OUTSTANDING];
        pendSrcY = new UInt[OUTSTANDING];
        pendLast = new UInt[OUTSTANDING];
        for (int i = 0; i < OUTSTANDING; i++) {
            pendSrcX[i] = named(reg(uint(noc.xBits())), "pend_src_x_" + i);
            pendSrcY[i] = named(reg(uint(noc.yBits())), "pend_src_y_" + i);
            pendLast[i] = named(reg(uint(4)), "pend_last_" + i);
        }
        writeBusy = regInit(bool(), bool(false));
        var ar = mAxi.ar();
        assign(ar.valid(), and(reqIn.valid(), and(isRead, and(not(writeBusy), lt(pendCount, uint(OUTSTANDING, 3))))));
        assign(ar.payload().addr(), resize(asUInt(concat(reqAddr, bitsLiteral(0, 3))), ab + 3));
        assign(ar.payload().len(), resize(ChipMessage.wordsMinusOne(req), 8));
        assign(ar.payload().size(), uint(3, 3));
        assign(ar.payload().burst(), bitsLiteral(Axi4Port.BURST_INCR, 2));
        for (int i = 0; i < OUTSTANDING; i++) {
            int slot = i;
            when(and(ar.fire(), eq(pendWr, uint(i, 2))), () -> {
                assign(pendSrcX[slot], req.srcX);
                assign(pendSrcY[slot], req.srcY);
                assign(pendLast[slot], resize(ChipMessage.wordsMinusOne(req), 4));
            });
        }
        when(ar.fire(), () -> assign(pendWr, add(pendWr, uint(1, 2))));

        rIndex = regInit(uint(4), uint(0, 4));
        rFull = regInit(bool(), bool(false));
        rWords = new Bits[maxLen];
        for (int i = 0; i < maxLen; i++) {
            rWords[i] = named(reg(bits(w)), "r_word_" + i);
        }
        var r = mAxi.r();
        assign(r.ready(), and(not(rFull), neq(pendCount, uint(0, 3))));
        when(r.fire(), () -> {
            for (int i = 0; i < maxLen; i++) {
                Bits target = rWords[i];
                when(eq(rIndex, uint(i, 4)), () -> assign(target, r.payload().data()));
            }
            assign(rIndex, add(rIndex, uint(1, 4)));
            when(r.payload().last(), () -> {
                assign(rFull, bool(true));
                assign(rIndex, uint(0, 4));
            });
        });

        // ---------------- writes: one at a time, AW then W beats then B, then WACK
        awPending = regInit(bool(), bool(false));
        wActive = regInit(bool(), bool(false));
        bWait = regInit(bool(), bool(false));
        ackPending = regInit(bool(), bool(false));
        wAddr = reg(uint(ab));
        wLast = reg(uint(4));
        wIndex = reg(uint(4));
        wSrcX = reg(uint(noc.xBits()));
        wSrcY = reg(uint(noc.yBits()));
        wWords = new Bits[maxLen];
        for (int i = 0; i < maxLen; i++) {
            wWords[i] = named(reg(bits(w)), "w_word_" + i);
        }
        Bool takeWrite = and(reqIn.valid(), and(isWrite, and(not(writeBusy), eq(pendCount, uint(0, 3)))));
        when(takeWrite, () -> {
            assign(writeBusy, bool(true));
            assign(awPending, bool(true));
            assign(wAddr, reqAddr);
            assign(wLast, resize(sub(req.length, uint(1, widthOf(req.length))), 4));
            assign(wIndex, uint(0, 4));
            assign(wSrcX, req.srcX);
            assign(wSrcY, req.srcY);
            for (int i = 0; i < maxLen; i++) {
                assign(wWords[i], req.data[i]);
            }
        });
        var aw = mAxi.aw();
        assign(aw.valid(), awPending);
        assign(aw.payload().addr(), resize(asUInt(concat(wAddr, bitsLiteral(0, 3))), ab + 3));
        assign(aw.payload().len(), resize(wLast, 8));
        assign(aw.payload().size(), uint(3, 3));
        assign(aw.payload().burst(), bitsLiteral(Axi4Port.BURST_INCR, 2));
        when(aw.fire(), () -> {
            assign(awPending, bool(false));
            assign(wActive, bool(true));
        });
        var wc = mAxi.w();
        Bits wData = wWords[0];
        for (int i = 1; i < maxLen; i++) {
            wData = mux(eq(wIndex, uint(i, 4)), wWords[i], wData);
        }
        assign(wc.valid(), wActive);
        assign(wc.payload().data(), wData);
        assign(wc.payload().strb(), bitsLiteral(0xFF, w / 8));
        assign(wc.payload().last(), eq(wIndex, wLast));
        when(wc.fire(), () -> {
            assign(wIndex, add(wIndex, uint(1, 4)));
            when(eq(wIndex, wLast), () -> {
                assign(wActive, bool(false));
                assign(bWait, bool(true));
            });
        });
        var b = mAxi.b();
        assign(b.ready(), bWait);
        when(b.fire(), () -> {
            assign(bWait, bool(false));
            assign(ackPending, bool(true));
        });

        // ---------------- request intake and responses
        assign(reqIn.ready(), or(ar.fire(), or(takeWrite, and(not(isRead), not(isWrite)))));
        UInt srcX = pendSrcX[0];
        UInt srcY = pendSrcY[0];
        UInt last = pendLast[0];
        for (int i = 1; i < OUTSTANDING; i++) {
            Bool at = eq(pendRd, uint(i, 2));
            srcX = mux(at, pendSrcX[i], srcX);
            srcY = mux(at, pendSrcY[i], srcY);
            last = mux(at, pendLast[i], last);
        }
        assign(respOut.valid(), or(rFull, ackPending));
        UInt len = add(resize(last, noc.lenBits()), uint(1, noc.lenBits()));
        ChipMessage.drive(respOut.payload(), mux(rFull, srcX, wSrcX), mux(rFull, srcY, wSrcY),
                ChipMessage.tag(noc.tagWidth(), ChipMessage.RDATA, uint(0, 1), uint(0, 1)),
                mux(rFull, len, uint(0, noc.lenBits())), rWords);
        when(ackPending, () -> assign(respOut.payload().tag,
                ChipMessage.tag(noc.tagWidth(), ChipMessage.WACK, uint(0, 1), uint(0, 1))));
        Bool rSent = and(respOut.fire(), rFull);
        when(rSent, () -> {
            assign(rFull, bool(false));
            assign(pendRd, add(pendRd, uint(1, 2)));
        });
        when(and(respOut.fire(), not(rFull)), () -> {
            assign(ackPending, bool(false));
            assign(writeBusy, bool(false));
        });
        when(and(ar.fire(), not(rSent)), () -> assign(pendCount, add(pendCount, uint(1, 3))))
                .elseWhen(and(rSent, not(ar.fire())), () -> assign(pendCount, sub(pendCount, uint(1, 3))));
    }
}
