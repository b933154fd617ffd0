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
 * Requests are taken in arrival order. Up to {@link #OUTSTANDING} read bursts are in flight (an
 * AR is issued in the cycle the READ is taken), and up to {@link #OUTSTANDING} write bursts wait
 * for their B response (a WRITE is taken when the W channel is free); reads and writes are not
 * ordered against each other (docs/chip.md §3: a host orders dependent moves by their
 * completions). Read data of a burst is collected and sent as one message when its last beat is
 * in; the next burst's beats are taken as soon as that message is handed to the network. A WACK
 * goes out per B response; a refused RDATA or WACK is offered again before the other.
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

    final Bool awPending;
    final Bool wActive;
    final Bool ackPending;
    final UInt wAddr;
    final UInt wLast;
    final UInt wIndex;
    final UInt[] bSrcX;
    final UInt[] bSrcY;
    final UInt bWr;
    final UInt bRd;
    final UInt bCount;
    final Bits[] wWords;
    final Bool holdR;
    final Bool holdA;
    /** The WACK is the message offered this cycle (else RDATA). */
    final Bool pickAck;

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
        // requests come back to their source, not to dest; tag bits above the address and the
        // word count are zero; length > 16 never occurs (its top bit only says 16, which wraps)
        int tw = widthOf(req.tag);
        int addrTop = ChipMessage.ADDR_LSB + ab;
        int wordsTop = ChipMessage.WORDS_LSB + ChipMessage.WORDS_BITS;
        unused("req_in_fields", req.destX, req.destY, slice(req.tag, ChipMessage.WORDS_LSB - 1, addrTop),
                slice(req.tag, tw - 1, wordsTop), slice(req.length, widthOf(req.length) - 1, 4));
        // every burst is INCR to existing memory: the tile does not check the response codes
        unused("axi_resp", mAxi.b().payload().resp(), mAxi.r().payload().resp());

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
        var ar = mAxi.ar();
        assign(ar.valid(), and(reqIn.valid(), and(isRead, lt(pendCount, uint(OUTSTANDING, 3)))));
        assign(ar.payload().addr(), resize(asUInt(concat(reqAddr, bitsLiteral(0, 3))), ab + 3));
        assign(ar.payload().len(), resize(ChipMessage.wordsMinusOne(req), 8));
        assign(ar.payload().size(), uint(3, 3));
        assign(ar.payload().burst(), bitsLiteral(Axi4Port.BURST_INCR, 2));
        for (int i = 0; i < OUTSTANDING; i++) {
            int slot = i;
            when(and(ar.fire(), eq(pendWr, uint(i, 2))), () -> {
                assign(pendSrcX[slot], req.srcX);
                assign(pendSrcY[slot], req.srcY);
                assign(pendLast[slot], asUInt(slice(req.tag, ChipMessage.WORDS_LSB + 3, ChipMessage.WORDS_LSB)));
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

        // ---------------- writes: AW then W beats; B responses (in order) become WACKs
        awPending = regInit(bool(), bool(false));
        wActive = regInit(bool(), bool(false));
        ackPending = regInit(bool(), bool(false));
        wAddr = reg(uint(ab));
        wLast = reg(uint(4));
        wIndex = reg(uint(4));
        bSrcX = new UInt[OUTSTANDING];
        bSrcY = new UInt[OUTSTANDING];
        for (int i = 0; i < OUTSTANDING; i++) {
            bSrcX[i] = named(reg(uint(noc.xBits())), "b_src_x_" + i);
            bSrcY[i] = named(reg(uint(noc.yBits())), "b_src_y_" + i);
        }
        bWr = regInit(uint(2), uint(0, 2));
        bRd = regInit(uint(2), uint(0, 2));
        bCount = regInit(uint(3), uint(0, 3));
        wWords = new Bits[maxLen];
        for (int i = 0; i < maxLen; i++) {
            wWords[i] = named(reg(bits(w)), "w_word_" + i);
        }
        Bool takeWrite = and(reqIn.valid(), and(isWrite, and(not(awPending), and(not(wActive),
                lt(bCount, uint(OUTSTANDING, 3))))));
        when(takeWrite, () -> {
            assign(awPending, bool(true));
            assign(wAddr, reqAddr);
            assign(wLast, sub(resize(req.length, 4), uint(1, 4))); // length 16 wraps to 0: 0 - 1 = 15
            assign(wIndex, uint(0, 4));
            for (int i = 0; i < maxLen; i++) {
                assign(wWords[i], req.data[i]);
            }
            for (int i = 0; i < OUTSTANDING; i++) {
                int slot = i;
                when(eq(bWr, uint(i, 2)), () -> {
                    assign(bSrcX[slot], req.srcX);
                    assign(bSrcY[slot], req.srcY);
                });
            }
            assign(bWr, add(bWr, uint(1, 2)));
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
            });
        });
        var b = mAxi.b();
        assign(b.ready(), not(ackPending));
        when(b.fire(), () -> assign(ackPending, bool(true)));

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
        UInt ackX = bSrcX[0];
        UInt ackY = bSrcY[0];
        for (int i = 1; i < OUTSTANDING; i++) {
            Bool at = eq(bRd, uint(i, 2));
            ackX = mux(at, bSrcX[i], ackX);
            ackY = mux(at, bSrcY[i], ackY);
        }
        holdR = regInit(bool(), bool(false));
        holdA = regInit(bool(), bool(false));
        pickAck = bool();
        assign(pickAck, or(holdA, and(ackPending, and(not(holdR), not(rFull)))));
        assign(respOut.valid(), or(rFull, ackPending));
        assign(holdA, and(pickAck, not(respOut.ready())));
        assign(holdR, and(not(pickAck), and(rFull, not(respOut.ready()))));
        UInt len = add(resize(last, noc.lenBits()), uint(1, noc.lenBits()));
        ChipMessage.drive(respOut.payload(), mux(pickAck, ackX, srcX), mux(pickAck, ackY, srcY),
                mux(pickAck, ChipMessage.tag(noc.tagWidth(), ChipMessage.WACK, uint(0, 1), uint(0, 1)),
                        ChipMessage.tag(noc.tagWidth(), ChipMessage.RDATA, uint(0, 1), uint(0, 1))),
                mux(pickAck, uint(0, noc.lenBits()), len), rWords);
        Bool rSent = and(respOut.fire(), not(pickAck));
        when(rSent, () -> {
            assign(rFull, bool(false));
            assign(pendRd, add(pendRd, uint(1, 2)));
        });
        Bool ackSent = and(respOut.fire(), pickAck);
        when(ackSent, () -> {
            assign(ackPending, bool(false));
            assign(bRd, add(bRd, uint(1, 2)));
        });
        when(and(takeWrite, not(ackSent)), () -> assign(bCount, add(bCount, uint(1, 3))))
                .elseWhen(and(ackSent, not(takeWrite)), () -> assign(bCount, sub(bCount, uint(1, 3))));
        when(and(ar.fire(), not(rSent)), () -> assign(pendCount, add(pendCount, uint(1, 3))))
                .elseWhen(and(rSent, not(ar.fire())), () -> assign(pendCount, sub(pendCount, uint(1, 3))));
    }
}
