package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.gemm.GemmCommand;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.gemm.GemmEngine;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Data;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * A GEMM tile: a {@link GemmEngine} behind a network adapter that adds DMA to its commands
 * (docs/chip.md §3): LOAD_A / LOAD_B / LOAD_SCALE fetch their words from external memory with
 * READ messages to the memory tile, STORE writes its result beats there with WRITE messages.
 *
 * <h2>Ports</h2>
 * {@code req_in_*} (CMD messages in), {@code req_out_*} (READ / WRITE out), {@code resp_in_*}
 * (RDATA / WACK in), {@code resp_out_*} (DONE out), on this node's two network interfaces.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>CMDs enter a {@code cmdCredits}-deep queue (the control tile's credits keep it from
 *       overflowing, so {@code req_in} is always taken). The head is checked: a DMA range past
 *       {@code memWords} answers BAD_MEM, reserved bits answer BAD_OPCODE, both here
 *       (the engine itself would take a LOAD's data despite reserved bits); every other
 *       command goes to the engine, a load with words to fetch also to the fetch queue, and a
 *       STORE or READ_ACC waits until the previous one's response has left.</li>
 *   <li>The fetcher splits a load into READs that end at 16-word boundaries and sends one only
 *       when the {@link ChipConfig#DATA_QUEUE}-word data queue has room for all its words (they
 *       are reserved then), so RDATA is always taken: copied into an unpack buffer, then one
 *       word per cycle into the data queue, whose low dataBytes bytes feed {@code s_axis_data}.</li>
 *   <li>STORE beats are packed (byte j = lane j's low 8 bits), READ_ACC beats as ⌈cols / 2⌉ words
 *       of two int32 lanes ({@link AccWords}), into WRITE messages that end at 16-word boundaries
 *       or at the last word. The engine's response is held until every word is packed, sent and
 *       acknowledged (WACK).</li>
 * </ul>
 */
public final class GemmTile extends Block {
    public final Stream<Message> reqIn;
    public final Stream<Message> reqOut;
    public final Stream<Message> respIn;
    public final Stream<Message> respOut;
    final GemmEngine engine;

    final Mem<Bits> cmdQueue;
    final UInt cqWr;
    final UInt cqRd;
    final UInt cqCount;
    final Bool memBad;
    final Bool localErr;
    final Bool errValid;
    final UInt errTag;
    final UInt errOpcode;
    final UInt errStatus;
    final Bool holdEngine;
    final Bool doneHeld;
    /** A STORE or READ_ACC is in the engine (its response has not left), and whether it is a READ_ACC. */
    final Bool storeBusy;
    final Bool storeAcc;
    final Bool storeLastSeen;
    /** KV-sourced load at the head: KCHECK sent, answered OK, answered not held (null without a KV tile). */
    final Bool kvCheckPending;
    final Bool kvCheckOk;
    final Bool kvCheckBad;
    final Bool checkLocked;
    /** READs whose RDATA is not in yet, and the node the last one went to. */
    final UInt readsOut;
    final Bits lastReadDest;
    /** This node, learned from the CMDs' destination (so every GEMM tile is one module). */
    final UInt selfNode;
    /** The head addresses a tile's result buffer; it names a wrong tile (docs/chip.md §1). */
    final Bool tileAddr;
    final Bool tileBad;
    /** The running STORE writes into the result buffer. */
    final Bool storeLocal;
    final TileBuffer tb;

    final Mem<Bits> jobQueue;
    final UInt jqWr;
    final UInt jqRd;
    final UInt jqCount;
    final Bool fetchBusy;
    final UInt fetchAddr;
    final UInt fetchLeft;
    final Bool readLocked;

    final FetchBuffer fetched;
    final WritePacker pk;
    final AccWords acc;
    final UInt writesOut;

    public GemmTile(ChipConfig config) {
        NocConfig noc = config.noc();
        GemmConfig g = config.gemm();
        int ab = config.memAddrBits();
        int w = ChipConfig.FLIT_WIDTH;
        int maxLen = ChipConfig.MAX_BURST;
        int k = config.k();
        int mem = config.node(ChipConfig.TileKind.MEMORY);
        int ctl = config.node(ChipConfig.TileKind.CONTROL);
        boolean hasKv = config.hasKv();
        int kvNode = hasKv ? config.node(ChipConfig.TileKind.KV) : mem;
        // fetch addresses: memory words, {0, 1, node, buffer word} (a tile's result buffer), or with
        // a KV tile also {1, kv, seq, first token}
        int fa = 32;
        UInt memX = uint(mem % k, noc.xBits());
        UInt memY = uint(mem / k, noc.yBits());
        reqIn = slaveStream(type(() -> new Message(noc, true)));
        reqOut = masterStream(type(() -> new Message(noc, false)));
        respIn = slaveStream(type(() -> new Message(noc, true)));
        respOut = masterStream(type(() -> new Message(noc, false)));
        engine = build(() -> new GemmEngine(g));

        // ---------------- command queue
        int cq = config.cmdCredits();
        int cqBits = Math.max(1, Integer.numberOfTrailingZeros(cq));
        cmdQueue = mem(bits(160), cq);
        cqWr = regInit(uint(cqBits), uint(0, cqBits));
        cqRd = regInit(uint(cqBits), uint(0, cqBits));
        cqCount = regInit(uint(cqBits + 1), uint(0, cqBits + 1));
        Message in = reqIn.payload();
        // only CMD messages (two words, address in the tag) arrive here; the tile answers the
        // control tile, whose node it knows, so the source is not read either
        List<Data> ignored = new ArrayList<>(List.of(in.length));
        int tagTop = ChipMessage.WORDS_LSB + ChipMessage.WORDS_BITS;
        if (widthOf(in.tag) > tagTop) {
            ignored.add(slice(in.tag, widthOf(in.tag) - 1, tagTop));
        }
        ignored.addAll(List.of(in.data).subList(2, in.data.length));
        unused("req_in_fields", ignored.toArray(new Data[0]));
        Bool isCmd = ChipMessage.isKind(in, ChipMessage.CMD);
        Bool isRead = ChipMessage.isKind(in, ChipMessage.READ);
        Bool push = and(reqIn.fire(), isCmd);
        selfNode = reg(uint(6));
        UInt cmdNode = named(uint(7), "cmd_dest_node");
        assign(cmdNode, add(mul(resize(in.destY, 3), uint(k, 4)), resize(in.destX, 7)));
        dropBits(cmdNode, 6, 6, "cmd_dest_node_high"); // a node number is below 64
        when(push, () -> assign(selfNode, resize(cmdNode, 6)));
        write(cmdQueue, cqWr, concat(ChipMessage.addr(in, 32), concat(in.data[1], in.data[0])), push);
        when(push, () -> assign(cqWr, add(cqWr, uint(1, cqBits))));
        Bits head = named(bits(160), "cmd_head");
        assign(head, readAsync(cmdQueue, cqRd));
        Bits cmd = slice(head, 127, 0);
        UInt headAddr = asUInt(slice(head, 159, 128));
        Bool headValid = neq(cqCount, uint(0, cqBits + 1));

        // ---------------- decode and checks
        UInt op = asUInt(slice(cmd, 3, 0));
        UInt count = asUInt(slice(cmd, 79, 64));
        UInt n = asUInt(slice(cmd, 95, 80));
        // Bit 13 goes to an engine with the transposing LOAD_B when the command is a LOAD_B; else reserved.
        int low = g.transposeLoad() ? GemmCommand.TRANSPOSE + 1 : GemmCommand.TRANSPOSE;
        Bool zeroBitsSet = or(neq(asUInt(slice(cmd, 15, low)), uint(0, 16 - low)), neq(asUInt(slice(cmd, 127, 112)), uint(0, 16)));
        Bool resBits = !g.transposeLoad() ? zeroBitsSet
                : or(zeroBitsSet, and(bit(cmd, GemmCommand.TRANSPOSE), neq(op, uint(GemmCommand.LOAD_B, 4))));
        Bool isLoad = and(ge(op, uint(GemmCommand.LOAD_A, 4)), le(op, uint(GemmCommand.LOAD_SCALE, 4)));
        Bool isStore = eq(op, uint(GemmCommand.STORE, 4));
        Bool isReadAcc = eq(op, uint(GemmCommand.READ_ACC, 4));
        Bool isOutput = or(isStore, isReadAcc);
        int colBits = Integer.numberOfTrailingZeros(g.cols());
        UInt nSum = named(uint(17), "n_blocks_sum");
        assign(nSum, add(resize(n, 17), uint(g.cols() - 1, 17)));
        UInt nBlocks = shiftRight(nSum, colBits);
        if (colBits > 0) {
            dropBits(nSum, colBits - 1, 0, "n_blocks_round"); // ceil(n / cols): the remainder goes
        }
        // STORE: a word per result beat; READ_ACC: ceil(cols / 2) words per beat (a power of two)
        // (count · blocks < 2^33, and ceil(cols / 2) <= 16 = 2^4: 38 bits hold every range)
        UInt storeWords = resize(mul(count, nBlocks), 34);
        UInt accWords = named(uint(38), "acc_words");
        assign(accWords, resize(shiftLeft(storeWords, Integer.numberOfTrailingZeros((g.cols() + 1) / 2)), 38));
        UInt words = mux(isStore, resize(storeWords, 38), mux(isReadAcc, accWords, resize(count, 38)));
        UInt end = add(resize(headAddr, 38), words);
        UInt fetchWords = mux(isLoad, count, uint(0, 16));
        Bool needFetch = neq(fetchWords, uint(0, 16));
        // a load from the KV tile: its range is checked there (KCHECK) before the engine sees it
        Bool kvLoad = hasKv ? named(and(needFetch, bit(headAddr, 31)), "kv_load") : bool(false);
        // a tile's result buffer: a STORE fills its own, a load reads another GEMM tile's
        tileAddr = named(bool(), "tile_addr");
        assign(tileAddr, and(not(bit(headAddr, 31)), and(bit(headAddr, 30), or(needFetch,
                and(isStore, neq(words, uint(0, 38)))))));
        UInt bufNode = slice(headAddr, 29, 24);
        Bool isSelf = eq(bufNode, selfNode);
        tileBad = named(bool(), "tile_bad");
        assign(tileBad, and(tileAddr, mux(isStore, not(isSelf), or(isSelf, not(ChipMessage.isOneOf(bufNode, config.gemmNodes()))))));
        UInt bufEnd = add(resize(slice(headAddr, 23, 0), 38), words);
        memBad = named(bool(), "mem_bad");
        assign(memBad, and(not(kvLoad), and(or(isLoad, isOutput), and(neq(words, uint(0, 38)),
                mux(tileAddr, gt(bufEnd, uint(ChipConfig.TILE_BUFFER, 38)), gt(end, uint(config.memWords(), 38)))))));
        localErr = named(bool(), "local_err");
        assign(localErr, or(tileBad, or(memBad, resBits)));
        kvCheckPending = hasKv ? regInit(bool(), bool(false)) : null;
        kvCheckOk = hasKv ? regInit(bool(), bool(false)) : null;
        kvCheckBad = hasKv ? regInit(bool(), bool(false)) : null;
        Bool kvReady = hasKv ? or(not(kvLoad), kvCheckOk) : bool(true);
        Bool kvBad = hasKv ? kvCheckBad : bool(false);

        errValid = regInit(bool(), bool(false));
        errTag = reg(uint(8));
        errOpcode = reg(uint(4));
        errStatus = reg(uint(4));
        storeBusy = regInit(bool(), bool(false));
        storeAcc = regInit(bool(), bool(false));
        storeLastSeen = regInit(bool(), bool(false));

        int jq = 4;
        jobQueue = mem(bits(fa + 16), jq);
        jqWr = regInit(uint(2), uint(0, 2));
        jqRd = regInit(uint(2), uint(0, 2));
        jqCount = regInit(uint(3), uint(0, 3));
        Bool jobRoom = lt(jqCount, uint(jq, 3));

        var ec = engine.sAxisCmd;
        assign(ec.valid(), and(headValid, and(not(localErr), and(or(not(isOutput), not(storeBusy)),
                and(kvReady, or(not(needFetch), jobRoom))))));
        assign(ec.payload(), cmd);
        Bool errTake = and(headValid, and(or(localErr, kvBad), not(errValid)));
        Bool pop = or(ec.fire(), errTake);
        when(pop, () -> assign(cqRd, add(cqRd, uint(1, cqBits))));
        when(and(push, not(pop)), () -> assign(cqCount, add(cqCount, uint(1, cqBits + 1))))
                .elseWhen(and(pop, not(push)), () -> assign(cqCount, sub(cqCount, uint(1, cqBits + 1))));
        when(errTake, () -> {
            assign(errValid, bool(true));
            assign(errTag, asUInt(slice(cmd, 11, 4)));
            assign(errOpcode, op);
            assign(errStatus, mux(tileBad, uint(ChipConfig.BAD_TILE, 4), mux(memBad, uint(ChipConfig.BAD_MEM, 4),
                    mux(localErr, uint(GemmCommand.BAD_OPCODE, 4), uint(ChipConfig.BAD_KV, 4)))));
        });
        Bool jobPush = and(ec.fire(), needFetch);
        write(jobQueue, jqWr, concat(fetchWords, resize(headAddr, fa)), jobPush);
        when(jobPush, () -> assign(jqWr, add(jqWr, uint(1, 2))));
        storeLocal = reg(bool());
        when(and(ec.fire(), isOutput), () -> {
            assign(storeBusy, bool(true));
            assign(storeAcc, isReadAcc);
            assign(storeLastSeen, bool(false));
            assign(storeLocal, tileAddr);
        });

        // ---------------- fetcher: READs of at most 16 words, never across a 16-word boundary
        fetchBusy = regInit(bool(), bool(false));
        fetchAddr = reg(uint(fa));
        fetchLeft = reg(uint(17));
        Message ri = respIn.payload();
        Bool isData = ChipMessage.isKind(ri, ChipMessage.RDATA);
        fetched = new FetchBuffer(g, ri, and(respIn.fire(), isData), engine.sAxisData);
        UInt reserved = fetched.reserved;
        Bits job = named(bits(fa + 16), "fetch_job");
        assign(job, readAsync(jobQueue, jqRd));
        Bool jobPop = and(not(fetchBusy), neq(jqCount, uint(0, 3)));
        when(jobPop, () -> {
            assign(fetchBusy, bool(true));
            assign(fetchAddr, asUInt(slice(job, fa - 1, 0)));
            assign(fetchLeft, resize(asUInt(slice(job, fa + 15, fa)), 17));
            assign(jqRd, add(jqRd, uint(1, 2)));
        });
        when(and(jobPush, not(jobPop)), () -> assign(jqCount, add(jqCount, uint(1, 3))))
                .elseWhen(and(jobPop, not(jobPush)), () -> assign(jqCount, sub(jqCount, uint(1, 3))));
        UInt toBoundary = sub(uint(16, 17), resize(slice(fetchAddr, 3, 0), 17));
        UInt chunkFull = named(uint(17), "fetch_chunk_full");
        assign(chunkFull, mux(lt(fetchLeft, toBoundary), fetchLeft, toBoundary));
        dropBits(chunkFull, 16, 5, "fetch_chunk_high"); // at most toBoundary <= 16
        UInt chunk = named(uint(5), "fetch_chunk");
        assign(chunk, resize(chunkFull, 5));
        // RDATA from different sources (memory, the KV tile, other GEMM tiles) may overtake each
        // other: a READ to another node waits until every earlier one is answered, so words reach
        // the engine in order
        UInt readX = named(uint(noc.xBits()), "read_dest_x");
        UInt readY = named(uint(noc.yBits()), "read_dest_y");
        UInt bufX = uint(noc.xBits());
        UInt bufY = uint(noc.yBits());
        ChipMessage.nodeXy(slice(fetchAddr, 29, 24), config.gemmNodes(), k, bufX, bufY);
        Bool readTile = and(not(bit(fetchAddr, 31)), bit(fetchAddr, 30));
        Bool readKv = hasKv ? bit(fetchAddr, 31) : bool(false);
        assign(readX, mux(readKv, uint(kvNode % k, noc.xBits()), mux(readTile, bufX, memX)));
        assign(readY, mux(readKv, uint(kvNode / k, noc.yBits()), mux(readTile, bufY, memY)));
        readsOut = regInit(uint(6), uint(0, 6));
        lastReadDest = reg(bits(noc.xBits() + noc.yBits()));
        Bool sameSource = or(eq(readsOut, uint(0, 6)), eq(lastReadDest, concat(readY, readX)));
        Bool readValid = and(sameSource, and(fetchBusy, le(add(resize(reserved, 7), resize(chunk, 7)),
                uint(ChipConfig.DATA_QUEUE, 7))));

        // ---------------- store packer: a STORE beat is one word (byte j = lane j's low 8 bits),
        // a READ_ACC beat ceil(cols / 2) words (AccWords), the beat taken with its last word
        writesOut = regInit(uint(8), uint(0, 8));
        var ed = engine.mAxisData;
        Bits packed = asBits(slice(ed.payload().c[0], 7, 0));
        for (int j = 1; j < g.cols(); j++) {
            packed = concat(slice(ed.payload().c[j], 7, 0), packed);
        }
        Bits storeWord = asBits(resize(asUInt(packed), w));
        Bool wordTaken = named(bool(), "pack_word_taken");
        acc = new AccWords(ed.payload(), and(wordTaken, storeAcc));
        Bool beatDone = or(not(storeAcc), acc.accLastPart);
        Bool wordLast = and(ed.payload().last, beatDone);
        pk = new WritePacker(ab, and(ec.fire(), isOutput), headAddr, and(wordTaken, not(storeLocal)),
                mux(storeAcc, acc.accWord, storeWord), wordLast, bool(true));
        // a STORE into the result buffer writes its beats there, no network (docs/chip.md §1)
        tb = new TileBuffer(in, and(reqIn.valid(), isRead), and(ec.fire(), isStore), headAddr, and(wordTaken, storeLocal),
                storeWord);
        assign(reqIn.ready(), mux(isCmd, lt(cqCount, uint(cq, cqBits + 1)), or(not(isRead), tb.take)));
        Bool pkFull = pk.full;
        assign(wordTaken, and(ed.valid(), or(storeLocal, not(pkFull))));
        assign(ed.ready(), and(or(storeLocal, not(pkFull)), beatDone));
        when(and(wordTaken, wordLast), () -> assign(storeLastSeen, bool(true)));

        // ---------------- request network: WRITE before READ unless a READ is already offered
        // a KCHECK goes when neither is wanted; an offered message stays offered until taken
        readLocked = regInit(bool(), bool(false));
        checkLocked = hasKv ? regInit(bool(), bool(false)) : null;
        Bool wantCheck = hasKv ? and(headValid, and(kvLoad, and(not(localErr),
                and(not(kvCheckPending), and(not(kvCheckOk), not(kvCheckBad)))))) : bool(false);
        Bool offerCheck = hasKv ? and(wantCheck, or(checkLocked, and(not(readValid), not(pkFull)))) : bool(false);
        Bool noCheck = hasKv ? not(checkLocked) : bool(true);
        Bool offerRead = and(noCheck, and(readValid, or(not(pkFull), readLocked)));
        Bool offerWrite = and(noCheck, and(pkFull, not(readLocked)));
        assign(reqOut.valid(), or(offerCheck, or(offerRead, offerWrite)));
        UInt wm1 = sub(chunk, uint(1, 5));
        Bits[] reqWords = pk.words.clone();
        reqWords[0] = mux(offerCheck, asBits(resize(count, w)), pk.words[0]);
        ChipMessage.drive(reqOut.payload(), mux(offerCheck, uint(kvNode % k, noc.xBits()), mux(offerRead, readX, memX)),
                mux(offerCheck, uint(kvNode / k, noc.yBits()), mux(offerRead, readY, memY)),
                mux(offerWrite, ChipMessage.tag(noc.tagWidth(), ChipMessage.WRITE, pk.addr, uint(0, 1)),
                        mux(offerCheck, ChipMessage.tag(noc.tagWidth(), ChipMessage.KCHECK, headAddr, uint(0, 1)),
                                ChipMessage.tag(noc.tagWidth(), ChipMessage.READ, fetchAddr, wm1))),
                mux(offerWrite, pk.count, mux(offerCheck, uint(1, 5), uint(0, 5))), reqWords);
        assign(readLocked, and(offerRead, not(reqOut.ready())));
        if (hasKv) {
            assign(checkLocked, and(offerCheck, not(reqOut.ready())));
            when(and(reqOut.fire(), offerCheck), () -> assign(kvCheckPending, bool(true)));
            when(pop, () -> {
                assign(kvCheckOk, bool(false));
                assign(kvCheckBad, bool(false));
            });
        }
        Bool readSent = and(reqOut.fire(), offerRead);
        Bool writeSent = and(reqOut.fire(), offerWrite);
        when(readSent, () -> {
            assign(fetchAddr, add(fetchAddr, resize(chunk, fa)));
            assign(fetchLeft, sub(fetchLeft, resize(chunk, 17)));
            when(eq(fetchLeft, resize(chunk, 17)), () -> assign(fetchBusy, bool(false)));
        });
        assign(pk.sent, writeSent);
        assign(fetched.readWords, mux(readSent, resize(chunk, 6), uint(0, 6)));
        Bool dataIn = and(respIn.fire(), isData);
        when(readSent, () -> assign(lastReadDest, concat(readY, readX)));
        when(and(readSent, not(dataIn)), () -> assign(readsOut, add(readsOut, uint(1, 6))))
                .elseWhen(and(dataIn, not(readSent)), () -> assign(readsOut, sub(readsOut, uint(1, 6))));

        // ---------------- response network in: RDATA into the fetch buffer, WACKs counted
        // RDATA and WACK come from the memory or KV tile: their kind is all the tag says
        unused("resp_in_fields", ri.destX, ri.destY, ri.srcX, ri.srcY,
                slice(ri.tag, widthOf(ri.tag) - 1, ChipMessage.KIND_BITS),
                slice(ri.length, widthOf(ri.length) - 1, 4));
        Bool isAck = ChipMessage.isKind(ri, ChipMessage.WACK);
        if (hasKv) {
            // the KV tile's answer to a KCHECK: word 0 bit 0 = the range is held
            when(and(respIn.fire(), ChipMessage.isKind(ri, ChipMessage.KCHECK_ACK)), () -> {
                assign(kvCheckPending, bool(false));
                assign(kvCheckOk, bit(ri.data[0], 0));
                assign(kvCheckBad, not(bit(ri.data[0], 0)));
            });
        }
        assign(respIn.ready(), or(not(isData), not(fetched.ubBusy)));
        Bool ackIn = and(respIn.fire(), isAck);
        when(and(writeSent, not(ackIn)), () -> assign(writesOut, add(writesOut, uint(1, 8))))
                .elseWhen(and(ackIn, not(writeSent)), () -> assign(writesOut, sub(writesOut, uint(1, 8))));

        // ---------------- completions: local errors first, a STORE's or READ_ACC's response once its
        // writes are in
        var er = engine.mAxisResp;
        Bool storeResp = or(eq(er.payload().opcode, uint(GemmCommand.STORE, 4)),
                eq(er.payload().opcode, uint(GemmCommand.READ_ACC, 4)));
        Bool drained = and(storeLastSeen, and(not(pkFull), eq(writesOut, uint(0, 8))));
        Bool release = or(not(storeResp), or(neq(er.payload().status, uint(GemmCommand.OK, 4)), drained));
        // an offered message stays offered until taken: a refused engine response holds off an
        // error, a refused DONE holds off the result buffer's RDATA
        holdEngine = regInit(bool(), bool(false));
        doneHeld = regInit(bool(), bool(false));
        Bool offerData = and(tb.replyValid, not(doneHeld));
        Bool pickErr = and(not(offerData), and(errValid, not(holdEngine)));
        Bool offerEngine = and(not(offerData), and(not(pickErr), and(er.valid(), release)));
        assign(er.ready(), and(offerEngine, respOut.ready()));
        assign(respOut.valid(), or(offerData, or(pickErr, offerEngine)));
        assign(holdEngine, and(offerEngine, not(respOut.ready())));
        assign(doneHeld, and(or(pickErr, offerEngine), not(respOut.ready())));
        assign(tb.sent, and(offerData, respOut.ready()));
        Bits engineDone = concat(er.payload().value, concat(er.payload().status, concat(er.payload().opcode, er.payload().tag)));
        Bits errDone = concat(uint(0, 48), concat(errStatus, concat(errOpcode, errTag)));
        Bits[] respWords = tb.reply.clone();
        respWords[0] = mux(offerData, tb.reply[0], mux(pickErr, errDone, engineDone));
        ChipMessage.drive(respOut.payload(), mux(offerData, tb.replyX, uint(ctl % k, noc.xBits())),
                mux(offerData, tb.replyY, uint(ctl / k, noc.yBits())),
                mux(offerData, ChipMessage.tag(noc.tagWidth(), ChipMessage.RDATA, uint(0, 1), uint(0, 1)),
                        ChipMessage.tag(noc.tagWidth(), ChipMessage.DONE, uint(0, 1), uint(0, 1))),
                mux(offerData, tb.replyLength, uint(1, 5)), respWords);
        when(and(respOut.fire(), pickErr), () -> assign(errValid, bool(false)));
        when(and(er.fire(), storeResp), () -> assign(storeBusy, bool(false)));
    }
}
