package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlEnum;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.hw.kvcache.KvCacheController;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Data;
import spinal.core.SInt;
import spinal.core.SpinalEnum;
import spinal.core.SpinalEnumCraft;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The KV-cache tile: a {@link KvCacheController} (SRAM backend) behind a network adapter
 * (docs/chip.md §3): host commands arrive as CMD messages; APPEND fetches its K and V rows from
 * external memory, GATHER writes the rows it reads to external memory; GEMM tiles fetch gathered
 * rows straight into their scratchpads with KCHECK (is the token range held?) and READ messages
 * whose address names a sequence, K or V, and a first token.
 *
 * <h2>Ports</h2>
 * {@code req_in_*} (CMD, READ, KCHECK in), {@code req_out_*} (READ, WRITE to the memory tile),
 * {@code resp_in_*} (RDATA, WACK from the memory tile), {@code resp_out_*} (DONE to the control
 * tile, RDATA and KCHECK answers to GEMM tiles).
 *
 * <h2>Behaviour and latency</h2>
 * One request at a time: it is taken when the tile is idle, decoded for a cycle, then run. A host
 * command with reserved bits set or an opcode above 7 answers BAD_OPCODE, an APPEND whose
 * {@code mem_addr} is odd or past memory, or a GATHER past memory, answers BAD_MEM; these reach
 * neither memory nor the controller. The controller's statuses s ≠ 0 are answered as
 * {@code 8 + s}. A GATHER's DONE leaves once every row is written (WACKs in). Besides the
 * controller's own time (KvCacheController), an APPEND costs a 2-word memory read, a gather a
 * write per 16-word memory block; a GEMM tile's READ is answered with one RDATA message.
 * Requests always drain: the tile's outputs go to the memory tile, which finishes alone, or to
 * the response network, whose sinks always take them (docs/chip.md §5).
 */
public final class KvTile extends Block {
    /** Where the tile is in serving its current request. */
    enum KvTileStep {
        IDLE, DECODE, FETCH, FETCH_WAIT, RUN, REPLY
    }

    public final Stream<Message> reqIn;
    public final Stream<Message> reqOut;
    public final Stream<Message> respIn;
    public final Stream<Message> respOut;
    final KvCacheController kv;
    final HdlEnum<KvTileStep> steps;
    final SpinalEnumCraft<SpinalEnum> step;

    final UInt reqKind;
    final Bits cmdWord;
    final UInt reqAddr;
    final UInt reqWordsM1;
    final UInt reqCount;
    final UInt reqSrcX;
    final UInt reqSrcY;
    final Bits kRow;
    final Bits vRow;
    final Bool ctlSent;
    final Bool rspSeen;
    final Bool rowsSeen;
    final UInt status;
    final UInt value;
    final Bool checkOk;
    /** The gathered rows: WRITE messages (host GATHER) or one RDATA reply (a GEMM tile's READ). */
    final WritePacker pk;
    final Bits rowBits;
    final UInt writesOut;

    public KvTile(ChipConfig config) {
        NocConfig noc = config.noc();
        KvCacheConfig c = config.kv();
        int k = config.k();
        int ab = config.memAddrBits();
        int sb = c.seqBits();
        int lb = c.lengthBits();
        int mem = config.node(ChipConfig.TileKind.MEMORY);
        int ctl = config.node(ChipConfig.TileKind.CONTROL);
        reqIn = slaveStream(type(() -> new Message(noc, true)));
        reqOut = masterStream(type(() -> new Message(noc, false)));
        respIn = slaveStream(type(() -> new Message(noc, true)));
        respOut = masterStream(type(() -> new Message(noc, false)));
        kv = build(() -> new KvCacheController(c));
        steps = HdlEnum.of(KvTileStep.class);
        step = named(steps.regInit(KvTileStep.IDLE), "step");

        // ---------------- a request is latched when idle
        reqKind = reg(uint(ChipMessage.KIND_BITS));
        cmdWord = reg(bits(128));
        reqAddr = reg(uint(32));
        reqWordsM1 = reg(uint(ChipMessage.WORDS_BITS));
        reqCount = reg(uint(16));
        reqSrcX = reg(uint(noc.xBits()));
        reqSrcY = reg(uint(noc.yBits()));
        Message in = reqIn.payload();
        List<Data> ignored = new ArrayList<>(List.of(in.destX, in.destY, in.length,
                slice(in.tag, widthOf(in.tag) - 1, ChipMessage.WORDS_LSB + ChipMessage.WORDS_BITS),
                slice(in.data[0], 63, 16)));
        ignored.addAll(List.of(in.data).subList(2, in.data.length));
        // CMD: two command words; READ: address and words in the tag; KCHECK: count in word 0
        unused("req_in_fields", ignored.toArray(new Data[0]));
        Bool idle = steps.is(step, KvTileStep.IDLE);
        assign(reqIn.ready(), idle);
        when(reqIn.fire(), () -> {
            assign(reqKind, ChipMessage.kind(in));
            assign(cmdWord, concat(in.data[1], in.data[0]));
            assign(reqAddr, ChipMessage.addr(in, 32));
            assign(reqWordsM1, ChipMessage.wordsMinusOne(in));
            assign(reqCount, asUInt(slice(in.data[0], 15, 0)));
            assign(reqSrcX, in.srcX);
            assign(reqSrcY, in.srcY);
            steps.set(step, KvTileStep.DECODE);
        });
        Bool isCmd = eq(reqKind, uint(ChipMessage.CMD, ChipMessage.KIND_BITS));
        Bool isRead = eq(reqKind, uint(ChipMessage.READ, ChipMessage.KIND_BITS));

        // ---------------- host command fields (docs/chip.md §3) and checks
        UInt op = asUInt(slice(cmdWord, 3, 0));
        UInt tag = asUInt(slice(cmdWord, 11, 4));
        UInt seqField = asUInt(slice(cmdWord, 21, 16));
        UInt firstField = asUInt(slice(cmdWord, 47, 32));
        UInt countField = asUInt(slice(cmdWord, 63, 48));
        Bool reserved = named(bool(), "cmd_reserved");
        assign(reserved, or(or(neq(asUInt(slice(cmdWord, 15, 12)), uint(0, 4)), or(neq(asUInt(slice(cmdWord, 23, 22)),
                uint(0, 2)), neq(asUInt(slice(cmdWord, 31, 25)), uint(0, 7)))),
                or(neq(asUInt(slice(cmdWord, 127, 64)), uint(0, 64)), bit(op, 3))));
        Bool wide = named(bool(), "cmd_field_wide");
        assign(wide, or(sb < 6 ? neq(shiftRight(seqField, sb), uint(0, 6 - sb)) : bool(false),
                or(neq(shiftRight(firstField, lb), uint(0, 16 - lb)), neq(shiftRight(countField, lb), uint(0, 16 - lb)))));
        Bool isAppend = eq(op, uint(KvCacheController.OP_APPEND, 4));
        Bool isGather = eq(op, uint(KvCacheController.OP_GATHER, 4));
        UInt end = add(resize(reqAddr, 34), mux(isAppend, uint(2, 34), resize(countField, 34)));
        Bool memBad = named(bool(), "mem_bad");
        assign(memBad, or(and(isAppend, or(bit(reqAddr, 0), gt(end, uint(config.memWords(), 34)))),
                and(isGather, and(neq(countField, uint(0, 16)), gt(end, uint(config.memWords(), 34))))));

        // ---------------- the controller's command: the host's, or a GEMM tile's gather / query
        kRow = reg(bits(ChipConfig.FLIT_WIDTH));
        vRow = reg(bits(ChipConfig.FLIT_WIDTH));
        ctlSent = regInit(bool(), bool(false));
        Bool running = steps.is(step, KvTileStep.RUN);
        var kc = kv.sAxisCmd;
        KvCacheController.Command kp = kc.payload();
        assign(kc.valid(), and(running, not(ctlSent)));
        UInt addrSeq = slice(reqAddr, 29, 24);
        assign(kp.op, mux(isCmd, resize(op, 3), mux(isRead, uint(KvCacheController.OP_GATHER, 3),
                uint(KvCacheController.OP_QUERY, 3))));
        UInt seq6 = named(uint(6), "ctl_seq");
        assign(seq6, mux(isCmd, seqField, addrSeq));
        assign(kp.seq, resize(seq6, sb));
        if (sb < 6) {
            dropBits(seq6, 5, sb, "ctl_seq_high"); // wider ids: BAD_OPCODE (host) or a failed KCHECK (GEMM tile)
        }
        UInt readWords = named(uint(6), "read_words");
        assign(readWords, add(resize(reqWordsM1, 6), uint(1, 6)));
        int lenBits = widthOf(respOut.payload().length);
        if (Math.min(lb, lenBits) < 6) {
            dropBits(readWords, 5, Math.min(lb, lenBits), "read_words_high"); // at most 16
        }
        assign(kp.kv, mux(isCmd, bit(cmdWord, 24), bit(reqAddr, 30)));
        assign(kp.first, mux(isCmd, resize(firstField, lb), resize(reqAddr, lb)));
        assign(kp.count, mux(isCmd, resize(countField, lb), resize(readWords, lb)));
        for (int i = 0; i < c.lanes(); i++) {
            assign(kp.k[i], asSInt(slice(kRow, 8 * i + 7, 8 * i)));
            assign(kp.v[i], asSInt(slice(vRow, 8 * i + 7, 8 * i)));
        }
        if (c.rowBits() < ChipConfig.FLIT_WIDTH) {
            // an appended row is the low rowBits bits of its memory word
            dropBits(kRow, ChipConfig.FLIT_WIDTH - 1, c.rowBits(), "k_row_high");
            dropBits(vRow, ChipConfig.FLIT_WIDTH - 1, c.rowBits(), "v_row_high");
        }
        when(kc.fire(), () -> assign(ctlSent, bool(true)));

        // ---------------- the controller's response and rows
        rspSeen = regInit(bool(), bool(false));
        rowsSeen = regInit(bool(), bool(false));
        status = reg(uint(4));
        value = reg(uint(48));
        checkOk = reg(bool());
        var kr = kv.mAxisRsp;
        KvCacheController.Response r = kr.payload();
        assign(kr.ready(), running);
        unused("kv_rsp_op", r.op); // the tile knows which command it ran
        UInt lastToken = add(resize(slice(reqAddr, 23, 0), 25), resize(reqCount, 25));
        Bool seqFits = sb < 6 ? eq(shiftRight(addrSeq, sb), uint(0, 6 - sb)) : bool(true);
        when(kr.fire(), () -> {
            assign(rspSeen, bool(true));
            Bool ok = eq(r.status, uint(KvCacheController.ST_OK, 4));
            assign(status, mux(ok, uint(0, 4), add(r.status, uint(ChipConfig.KV_STATUS, 4))));
            UInt pagesOrHigh = mux(eq(op, uint(KvCacheController.OP_STATS, 4)), resize(r.highWater, 12), resize(r.pages, 12));
            assign(value, asUInt(concat(resize(r.freePages, 12), concat(pagesOrHigh,
                    concat(resize(r.length, 16), resize(r.seq, 8))))));
            // a GEMM tile's KCHECK: the sequence is live and holds tokens first .. first + count - 1
            assign(checkOk, and(ok, and(seqFits, le(lastToken, resize(r.length, 25)))));
        });
        var rowIn = kv.mAxisRow;
        KvCacheController.Row row = rowIn.payload();
        Bits b = asBits(row.data[0]);
        for (int i = 1; i < c.lanes(); i++) {
            b = concat(row.data[i], b);
        }
        rowBits = named(bits(c.rowBits()), "row_bits");
        assign(rowBits, b);
        Bool decoding = steps.is(step, KvTileStep.DECODE);
        // a row is a memory word, lane i in byte i, zero above the row
        pk = new WritePacker(ab, decoding, reqAddr, rowIn.fire(), asBits(resize(asUInt(rowBits), ChipConfig.FLIT_WIDTH)),
                row.last, isCmd);
        assign(rowIn.ready(), and(running, not(pk.full)));
        Bool lastIn = and(rowIn.fire(), row.last);
        Bool expectRows = mux(isCmd, and(isGather, neq(countField, uint(0, 16))), isRead);
        Bool rowsDone = or(rowsSeen, or(lastIn, and(rspSeen, or(neq(status, uint(0, 4)), not(expectRows)))));
        when(lastIn, () -> assign(rowsSeen, bool(true)));

        // ---------------- memory requests: the APPEND's READ, the GATHER's WRITEs
        writesOut = regInit(uint(8), uint(0, 8));
        Bool fetching = steps.is(step, KvTileStep.FETCH);
        Bool offerWrite = pk.full;
        assign(reqOut.valid(), or(fetching, offerWrite));
        ChipMessage.drive(reqOut.payload(), uint(mem % k, noc.xBits()), uint(mem / k, noc.yBits()),
                mux(fetching, ChipMessage.tag(noc.tagWidth(), ChipMessage.READ, resize(reqAddr, ab), uint(1, 1)),
                        ChipMessage.tag(noc.tagWidth(), ChipMessage.WRITE, pk.addr, uint(0, 1))),
                mux(fetching, uint(0, 5), pk.count), pk.words);
        Bool writeSent = and(reqOut.fire(), not(fetching));
        assign(pk.sent, or(writeSent, decoding));
        Message ri = respIn.payload();
        // RDATA (the APPEND's two words) and WACK come from the memory tile only
        unused("resp_in_fields", ri.destX, ri.destY, ri.srcX, ri.srcY, ri.length,
                slice(ri.tag, widthOf(ri.tag) - 1, ChipMessage.KIND_BITS));
        List<Data> unusedWords = new ArrayList<>(List.of(ri.data).subList(2, ri.data.length));
        unused("resp_in_words", unusedWords.toArray(new Data[0]));
        assign(respIn.ready(), bool(true));
        Bool ackIn = and(respIn.fire(), ChipMessage.isKind(ri, ChipMessage.WACK));
        when(and(writeSent, not(ackIn)), () -> assign(writesOut, add(writesOut, uint(1, 8))))
                .elseWhen(and(ackIn, not(writeSent)), () -> assign(writesOut, sub(writesOut, uint(1, 8))));

        // ---------------- replies: DONE to the control tile, RDATA or the KCHECK answer to a GEMM tile
        Bool replying = steps.is(step, KvTileStep.REPLY);
        assign(respOut.valid(), replying);
        Bits done = concat(value, concat(status, concat(op, tag)));
        Bits checkWord = asBits(resize(asUInt(asBits(checkOk)), 64));
        UInt replyKind = mux(isCmd, uint(ChipMessage.DONE, 4), mux(isRead, uint(ChipMessage.RDATA, 4),
                uint(ChipMessage.KCHECK_ACK, 4)));
        Bits[] reply = pk.words.clone();
        reply[0] = mux(isCmd, asBits(done), mux(isRead, pk.words[0], checkWord));
        ChipMessage.drive(respOut.payload(), mux(isCmd, uint(ctl % k, noc.xBits()), reqSrcX),
                mux(isCmd, uint(ctl / k, noc.yBits()), reqSrcY),
                ChipMessage.tag(noc.tagWidth(), replyKind, uint(0, 1), uint(0, 1)),
                mux(isRead, resize(readWords, lenBits), uint(1, lenBits)), reply);

        // ---------------- steps
        steps.on(step, cs -> cs
                .is(KvTileStep.DECODE, () -> {
                    when(and(isCmd, or(reserved, wide)), () -> {
                        assign(status, uint(1, 4)); // BAD_OPCODE
                        assign(value, uint(0, 48));
                        steps.set(step, KvTileStep.REPLY);
                    }).elseWhen(and(isCmd, memBad), () -> {
                        assign(status, uint(ChipConfig.BAD_MEM, 4));
                        assign(value, uint(0, 48));
                        steps.set(step, KvTileStep.REPLY);
                    }).elseWhen(and(isCmd, isAppend), () -> steps.set(step, KvTileStep.FETCH))
                            .otherwise(() -> steps.set(step, KvTileStep.RUN));
                    assign(ctlSent, bool(false));
                    assign(rspSeen, bool(false));
                    assign(rowsSeen, bool(false));
                })
                .is(KvTileStep.FETCH, () -> when(reqOut.ready(), () -> steps.set(step, KvTileStep.FETCH_WAIT)))
                .is(KvTileStep.FETCH_WAIT, () -> when(and(respIn.fire(), ChipMessage.isKind(ri, ChipMessage.RDATA)), () -> {
                    assign(kRow, ri.data[0]);
                    assign(vRow, ri.data[1]);
                    steps.set(step, KvTileStep.RUN);
                }))
                .is(KvTileStep.RUN, () -> when(and(rspSeen, and(rowsDone, or(not(isCmd), and(not(pk.full),
                        and(eq(pk.count, uint(0, 5)), eq(writesOut, uint(0, 8))))))), () -> steps.set(step, KvTileStep.REPLY)))
                .is(KvTileStep.REPLY, () -> when(respOut.ready(), () -> steps.set(step, KvTileStep.IDLE))));
    }
}
