package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlEnum;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.hw.vector.VectorCommand;
import org.chiltepin.hw.vector.VectorConfig;
import org.chiltepin.hw.vector.VectorUnit;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Data;
import spinal.core.SpinalEnum;
import spinal.core.SpinalEnumCraft;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The vector tile: a {@link VectorUnit} behind a network adapter (docs/chip.md §3b). A host
 * command's {@code cmd} is the vector command word, passed to the unit unchanged; LOAD fetches
 * its rows from external memory at {@code mem_addr}, STORE writes its rows there, so no data
 * crosses the host stream. Memory word w holds lanes 2j (bits 31..0) and 2j + 1 (63..32) of a
 * row; a LOAD or STORE of {@code len} elements moves ⌈len/lanes⌉ whole rows, lanes/2 words each.
 *
 * <h2>Ports</h2>
 * {@code req_in_*} (CMD in), {@code req_out_*} (READ, WRITE to the memory tile), {@code resp_in_*}
 * (RDATA, WACK from the memory tile), {@code resp_out_*} (DONE to the control tile).
 *
 * <h2>Behaviour and latency</h2>
 * One command at a time: taken when idle, decoded for a cycle, then run. A LOAD or STORE whose
 * rows end past {@code memWords} answers BAD_MEM and reaches neither the unit nor memory; every
 * other command goes to the unit, whose status (0..3) and results are the DONE's. A LOAD's
 * memory reads start only once the unit takes data (a rejected LOAD reads nothing); one READ
 * (at most 16 words, never across a 16-word boundary) is in flight, and its words enter the unit
 * a row at a time (one word per cycle into the row buffer). A STORE's rows leave as WRITEs of at
 * most 16 words; the DONE leaves once every WACK is in. Besides the unit's own time
 * ({@link VectorUnit}), a LOAD costs a memory round trip per READ plus a cycle per word.
 */
public final class VectorTile extends Block {
    /** Where the tile is in serving its current command. */
    enum VectorTileStep {
        IDLE, DECODE, RUN, REPLY
    }

    public final Stream<Message> reqIn;
    public final Stream<Message> reqOut;
    public final Stream<Message> respIn;
    public final Stream<Message> respOut;
    final VectorUnit unit;
    final HdlEnum<VectorTileStep> steps;
    final SpinalEnumCraft<SpinalEnum> step;

    final Bits cmdWord;
    final UInt reqAddr;
    final Bool cmdSent;
    final Bool rspSeen;
    final UInt status;
    final UInt value;
    /** The LOAD's next memory word to read and the words still to read. */
    final UInt fetchNext;
    final UInt fetchLeft;
    final Bool readOut;
    /** The RDATA being unpacked into the row buffer. */
    final Bool ubBusy;
    final UInt ubIndex;
    final UInt ubLast;
    final Bits[] ubWords;
    /** One row of the unit as lanes/2 memory words: LOAD fills it word by word, STORE empties it so. */
    final Bits[] rowWords;
    final UInt rowIndex;
    final Bool rowFull;
    final Bool rowLast;
    final WritePacker pk;
    final UInt writesOut;

    public VectorTile(ChipConfig config) {
        NocConfig noc = config.noc();
        VectorConfig vc = config.vector();
        int k = config.k();
        int ab = config.memAddrBits();
        int wpr = vc.lanes() / 2; // memory words per row
        int mem = config.node(ChipConfig.TileKind.MEMORY);
        int ctl = config.node(ChipConfig.TileKind.CONTROL);
        reqIn = slaveStream(type(() -> new Message(noc, true)));
        reqOut = masterStream(type(() -> new Message(noc, false)));
        respIn = slaveStream(type(() -> new Message(noc, true)));
        respOut = masterStream(type(() -> new Message(noc, false)));
        unit = build(() -> new VectorUnit(vc));
        steps = HdlEnum.of(VectorTileStep.class);
        step = named(steps.regInit(VectorTileStep.IDLE), "step");

        // ---------------- a CMD is latched when idle
        cmdWord = reg(bits(VectorCommand.WIDTH));
        reqAddr = reg(uint(32));
        Message in = reqIn.payload();
        List<Data> ignored = new ArrayList<>(List.of(in.destX, in.destY, in.srcX, in.srcY, in.length,
                slice(in.tag, widthOf(in.tag) - 1, ChipMessage.ADDR_LSB + ChipMessage.ADDR_BITS),
                slice(in.tag, ChipMessage.KIND_BITS - 1, 0)));
        ignored.addAll(List.of(in.data).subList(2, in.data.length));
        // only the control tile's CMD messages arrive: two command words and mem_addr in the tag
        unused("req_in_fields", ignored.toArray(new Data[0]));
        assign(reqIn.ready(), steps.is(step, VectorTileStep.IDLE));
        when(reqIn.fire(), () -> {
            assign(cmdWord, concat(in.data[1], in.data[0]));
            assign(reqAddr, ChipMessage.addr(in, 32));
            steps.set(step, VectorTileStep.DECODE);
        });

        // ---------------- the DMA range of a LOAD or STORE: ceil(len / lanes) rows of wpr words
        UInt op = asUInt(slice(cmdWord, 3, 0));
        Bool isLoad = eq(op, uint(VectorCommand.LOAD, 4));
        Bool isStore = eq(op, uint(VectorCommand.STORE, 4));
        UInt len = named(uint(17), "cmd_len");
        assign(len, add(resize(asUInt(slice(cmdWord, 79, 64)), 17), uint(vc.lanes() - 1, 17)));
        dropBits(len, vc.laneBits() - 1, 0, "cmd_len_round"); // the remainder of ceil(len / lanes)
        UInt moveRows = named(uint(17 - vc.laneBits()), "move_rows");
        assign(moveRows, shiftRight(len, vc.laneBits()));
        UInt moveWords = named(uint(16), "move_words"); // rows · lanes/2 < 2^16
        assign(moveWords, shiftLeft(moveRows, vc.laneBits() - 1));
        Bool memBad = named(bool(), "mem_bad");
        assign(memBad, and(or(isLoad, isStore), gt(add(resize(reqAddr, 34), resize(moveWords, 34)),
                uint(config.memWords(), 34))));

        // ---------------- the unit: the command, its response
        cmdSent = regInit(bool(), bool(false));
        rspSeen = regInit(bool(), bool(false));
        status = reg(uint(4));
        value = reg(uint(48));
        Bool running = steps.is(step, VectorTileStep.RUN);
        assign(unit.sAxisCmd.valid(), and(running, not(cmdSent)));
        assign(unit.sAxisCmd.payload(), cmdWord);
        when(unit.sAxisCmd.fire(), () -> assign(cmdSent, bool(true)));
        VectorUnit.Response r = unit.mAxisRsp.payload();
        assign(unit.mAxisRsp.ready(), and(running, not(rspSeen)));
        unused("unit_rsp_echo", r.tag, r.opcode); // the DONE echoes the command's own fields
        when(unit.mAxisRsp.fire(), () -> {
            assign(rspSeen, bool(true));
            assign(status, resize(r.status, 4));
            assign(value, asUInt(concat(r.index, asBits(r.value))));
        });

        // ---------------- LOAD: READs once the unit waits for data, RDATA unpacked into rows
        fetchNext = reg(uint(ab));
        fetchLeft = reg(uint(18));
        readOut = regInit(bool(), bool(false));
        ubBusy = regInit(bool(), bool(false));
        ubIndex = reg(uint(4));
        ubLast = reg(uint(4));
        ubWords = new Bits[ChipConfig.MAX_BURST];
        for (int i = 0; i < ubWords.length; i++) {
            ubWords[i] = named(reg(bits(ChipConfig.FLIT_WIDTH)), "ub_word_" + i);
        }
        rowWords = new Bits[wpr];
        for (int i = 0; i < wpr; i++) {
            rowWords[i] = named(reg(bits(ChipConfig.FLIT_WIDTH)), "row_word_" + i);
        }
        rowIndex = regInit(uint(5), uint(0, 5));
        rowFull = regInit(bool(), bool(false));
        rowLast = reg(bool());
        UInt toBlockEnd = named(uint(5), "to_block_end");
        assign(toBlockEnd, sub(uint(16, 5), resize(slice(fetchNext, 3, 0), 5)));
        UInt readWords = named(uint(5), "read_words");
        assign(readWords, mux(lt(fetchLeft, resize(toBlockEnd, 18)), resize(fetchLeft, 5), toBlockEnd));
        UInt readWordsM1 = named(uint(5), "read_words_m1");
        assign(readWordsM1, sub(readWords, uint(1, 5)));
        Bool fetching = named(bool(), "fetching");
        assign(fetching, and(and(running, and(isLoad, unit.sAxisData.ready())),
                and(neq(fetchLeft, uint(0, 18)), and(not(readOut), not(ubBusy)))));
        Message ri = respIn.payload();
        unused("resp_in_fields", ri.destX, ri.destY, ri.srcX, ri.srcY, ri.length,
                slice(ri.tag, widthOf(ri.tag) - 1, ChipMessage.KIND_BITS));
        assign(respIn.ready(), bool(true)); // one READ in flight, taken only with the unpack buffer empty
        when(and(respIn.fire(), ChipMessage.isKind(ri, ChipMessage.RDATA)), () -> {
            for (int i = 0; i < ubWords.length; i++) {
                assign(ubWords[i], ri.data[i]);
            }
            assign(ubBusy, bool(true));
            assign(ubIndex, uint(0, 4));
            assign(readOut, bool(false));
        });
        Bits ubPick = ubWords[0];
        for (int i = 1; i < ubWords.length; i++) {
            ubPick = mux(eq(ubIndex, uint(i, 4)), ubWords[i], ubPick);
        }
        Bits ubWord = named(bits(ChipConfig.FLIT_WIDTH), "ub_word");
        assign(ubWord, ubPick);
        Bool unpack = and(ubBusy, and(isLoad, not(rowFull)));
        UInt lastIndex = uint(wpr - 1, 5);
        when(unpack, () -> {
            for (int i = 0; i < wpr; i++) {
                Bits target = rowWords[i];
                when(eq(rowIndex, uint(i, 5)), () -> assign(target, ubWord));
            }
            assign(rowIndex, add(rowIndex, uint(1, 5)));
            when(eq(rowIndex, lastIndex), () -> {
                assign(rowFull, bool(true));
                assign(rowIndex, uint(0, 5));
            });
            assign(ubIndex, add(ubIndex, uint(1, 4)));
            when(eq(ubIndex, ubLast), () -> assign(ubBusy, bool(false)));
        });
        VectorUnit.Row sd = unit.sAxisData.payload();
        for (int j = 0; j < vc.lanes(); j++) {
            Bits w = rowWords[j / 2];
            assign(sd.d[j], asSInt(j % 2 == 0 ? slice(w, 31, 0) : slice(w, 63, 32)));
        }
        assign(unit.sAxisData.valid(), and(isLoad, rowFull));

        // ---------------- STORE: a row taken whole, handed word by word to the write packer
        Bool storeTake = and(and(isStore, running), not(rowFull));
        assign(unit.mAxisData.ready(), storeTake);
        VectorUnit.Row md = unit.mAxisData.payload();
        Bool decoding = steps.is(step, VectorTileStep.DECODE);
        Bool giveWord = named(bool(), "give_word");
        Bits rowPick = rowWords[0];
        for (int i = 1; i < wpr; i++) {
            rowPick = mux(eq(rowIndex, uint(i, 5)), rowWords[i], rowPick);
        }
        Bits rowWord = named(bits(ChipConfig.FLIT_WIDTH), "row_word");
        assign(rowWord, rowPick);
        pk = new WritePacker(ab, decoding, reqAddr, giveWord, rowWord, and(rowLast, eq(rowIndex, lastIndex)), bool(true));
        assign(giveWord, and(isStore, and(rowFull, not(pk.full))));
        when(unit.mAxisData.fire(), () -> {
            for (int i = 0; i < wpr; i++) {
                assign(rowWords[i], concat(asBits(md.d[2 * i + 1]), asBits(md.d[2 * i])));
            }
            assign(rowFull, bool(true));
            assign(rowIndex, uint(0, 5));
            assign(rowLast, md.last);
        });
        when(giveWord, () -> {
            assign(rowIndex, add(rowIndex, uint(1, 5)));
            when(eq(rowIndex, lastIndex), () -> {
                assign(rowFull, bool(false));
                assign(rowIndex, uint(0, 5)); // a LOAD after this STORE fills the row from word 0
            });
        });
        when(unit.sAxisData.fire(), () -> assign(rowFull, bool(false)));

        // ---------------- memory requests: the LOAD's READs, the STORE's WRITEs
        writesOut = regInit(uint(8), uint(0, 8));
        assign(reqOut.valid(), or(fetching, pk.full));
        ChipMessage.drive(reqOut.payload(), uint(mem % k, noc.xBits()), uint(mem / k, noc.yBits()),
                mux(fetching, ChipMessage.tag(noc.tagWidth(), ChipMessage.READ, fetchNext, readWordsM1),
                        ChipMessage.tag(noc.tagWidth(), ChipMessage.WRITE, pk.addr, uint(0, 1))),
                mux(fetching, uint(0, 5), pk.count), pk.words);
        when(and(reqOut.fire(), fetching), () -> {
            assign(readOut, bool(true));
            assign(ubLast, slice(readWordsM1, 3, 0));
            assign(fetchNext, add(fetchNext, resize(readWords, ab)));
            assign(fetchLeft, sub(fetchLeft, resize(readWords, 18)));
        });
        Bool writeSent = and(reqOut.fire(), not(fetching));
        assign(pk.sent, or(writeSent, decoding));
        Bool ackIn = and(respIn.fire(), ChipMessage.isKind(ri, ChipMessage.WACK));
        when(and(writeSent, not(ackIn)), () -> assign(writesOut, add(writesOut, uint(1, 8))))
                .elseWhen(and(ackIn, not(writeSent)), () -> assign(writesOut, sub(writesOut, uint(1, 8))));

        // ---------------- DONE to the control tile: tag, opcode, status, {index, value}
        assign(respOut.valid(), steps.is(step, VectorTileStep.REPLY));
        Bits done = concat(value, concat(status, concat(op, slice(cmdWord, 15, 8))));
        Bits[] reply = {asBits(done)};
        ChipMessage.drive(respOut.payload(), uint(ctl % k, noc.xBits()), uint(ctl / k, noc.yBits()),
                ChipMessage.tag(noc.tagWidth(), ChipMessage.DONE, uint(0, 1), uint(0, 1)), uint(1, 2), reply);

        // ---------------- steps
        Bool drained = and(and(rspSeen, not(rowFull)), and(and(not(pk.full), eq(pk.count, uint(0, 5))),
                and(eq(writesOut, uint(0, 8)), and(not(readOut), not(ubBusy)))));
        steps.on(step, cs -> cs
                .is(VectorTileStep.DECODE, () -> {
                    when(memBad, () -> {
                        assign(status, uint(ChipConfig.BAD_MEM, 4));
                        assign(value, uint(0, 48));
                        steps.set(step, VectorTileStep.REPLY);
                    }).otherwise(() -> steps.set(step, VectorTileStep.RUN));
                    assign(cmdSent, bool(false));
                    assign(rspSeen, bool(false));
                    assign(fetchNext, resize(reqAddr, ab));
                    assign(fetchLeft, mux(isLoad, resize(moveWords, 18), uint(0, 18)));
                })
                .is(VectorTileStep.RUN, () -> when(drained, () -> steps.set(step, VectorTileStep.REPLY)))
                .is(VectorTileStep.REPLY, () -> when(respOut.ready(), () -> steps.set(step, VectorTileStep.IDLE))));
    }
}
