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
import spinal.core.SInt;
import spinal.core.SpinalEnumCraft;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The vector tile: a {@link VectorUnit} behind a network adapter (docs/chip.md §3b). A host
 * command's {@code cmd} is the vector command word, passed to the unit unchanged; LOAD fetches
 * its rows from external memory at {@code mem_addr}, STORE writes its rows there, so no data
 * crosses the host stream. Memory word w holds lanes 2j (bits 31..0) and 2j + 1 (63..32) of a
 * row; a LOAD or STORE of {@code len} elements moves ⌈len/lanes⌉ whole rows, lanes/2 words each.
 * A STORE's pack field (command bits [7:6], reserved for the unit) packs its elements as int8
 * instead, saturated: 1 one a word in byte 0 (a GEMM A operand of one row, lanes words a row), 2
 * eight a word, element i in byte i mod 8 (lanes/8 words a row, at least one).
 *
 * <h2>Ports</h2>
 * {@code req_in_*} (CMD in), {@code req_out_*} (READ, WRITE to the memory tile), {@code resp_in_*}
 * (RDATA, WACK from the memory tile), {@code resp_out_*} (DONE to the control tile).
 *
 * <h2>Behaviour and latency</h2>
 * One command at a time: taken when idle, decoded for a cycle, then run. A LOAD or STORE whose
 * rows end past {@code memWords} answers BAD_MEM and reaches neither the unit nor memory; every
 * other command goes to the unit, whose status (0..3) and results are the DONE's. A LOAD's
 * memory reads start only once the unit takes data (a rejected LOAD reads nothing); up to
 * {@link #READS} READs (each at most 16 words, never across a 16-word boundary) are in flight,
 * and their words enter the unit a row at a time (one word per cycle into the row buffer, the
 * next row's first word in the cycle the unit takes the previous row). An
 * RDATA waits in the network while the previous one is unpacked: the unit takes a LOAD's rows
 * without waiting for anything else, so it always drains (docs/chip.md §5). A STORE's rows leave
 * as WRITEs of at most 16 words; the DONE leaves once every WACK is in. Besides the unit's own
 * time ({@link VectorUnit}), a LOAD costs one memory round trip plus about a cycle per word.
 */
public final class VectorTile extends Block {
    /** READs a LOAD keeps in flight: enough to cover a memory round trip with the unpacking of earlier ones. */
    public static final int READS = 4;
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
    final UInt readsOut;
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
        // a STORE's layout, bits [7:6] (docs/chip.md §3.3): 1 one int8 a word, 2 eight int8 a word;
        // other values (and any pack on another op) reach the unit, whose reserved-bit check refuses them
        UInt pack = asUInt(slice(cmdWord, 7, 6));
        Bool packA = named(bool(), "pack_a");
        assign(packA, and(isStore, eq(pack, uint(1, 2))));
        Bool packBytes = named(bool(), "pack_bytes");
        assign(packBytes, and(isStore, eq(pack, uint(2, 2))));
        int bytesShift = Math.max(0, vc.laneBits() - 3); // words a row of eight-a-word bytes: lanes/8, at least 1
        UInt moveWords = named(uint(17), "move_words"); // rows · lanes ≤ 2^16
        assign(moveWords, mux(packA, resize(shiftLeft(moveRows, vc.laneBits()), 17),
                mux(packBytes, resize(shiftLeft(moveRows, bytesShift), 17),
                        resize(shiftLeft(moveRows, vc.laneBits() - 1), 17))));
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
        // a packing STORE reaches the unit as a plain STORE: the tile does the packing
        assign(unit.sAxisCmd.payload(), mux(or(packA, packBytes),
                concat(slice(cmdWord, VectorCommand.WIDTH - 1, 8), concat(bitsLiteral(0, 2), slice(cmdWord, 5, 0))),
                cmdWord));
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
        readsOut = regInit(uint(3), uint(0, 3));
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
                and(neq(fetchLeft, uint(0, 18)), lt(readsOut, uint(READS, 3)))));
        Message ri = respIn.payload();
        unused("resp_in_fields", ri.destX, ri.destY, ri.srcX, ri.srcY, slice(ri.length, widthOf(ri.length) - 1, 4),
                slice(ri.tag, widthOf(ri.tag) - 1, ChipMessage.KIND_BITS));
        // an RDATA is taken only with the unpack buffer empty (no WACK is due during a LOAD)
        assign(respIn.ready(), not(ubBusy));
        Bool rdataIn = named(bool(), "rdata_in");
        assign(rdataIn, and(respIn.fire(), ChipMessage.isKind(ri, ChipMessage.RDATA)));
        when(rdataIn, () -> {
            for (int i = 0; i < ubWords.length; i++) {
                assign(ubWords[i], ri.data[i]);
            }
            assign(ubBusy, bool(true));
            assign(ubIndex, uint(0, 4));
            assign(ubLast, sub(resize(ri.length, 4), uint(1, 4))); // length 16 wraps to 0: 0 - 1 = 15
        });
        Bits ubPick = ubWords[0];
        for (int i = 1; i < ubWords.length; i++) {
            ubPick = mux(eq(ubIndex, uint(i, 4)), ubWords[i], ubPick);
        }
        Bits ubWord = named(bits(ChipConfig.FLIT_WIDTH), "ub_word");
        assign(ubWord, ubPick);
        // the next row fills from the cycle the unit takes the full one (a row every lanes/2 cycles)
        Bool unpack = named(bool(), "unpack");
        assign(unpack, and(ubBusy, and(isLoad, or(not(rowFull), unit.sAxisData.fire()))));
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
        // the packing STOREs: every lane saturated to int8, then one a word or eight a word
        Bits[] packByte = new Bits[vc.lanes()];
        for (int j = 0; j < vc.lanes(); j++) {
            Bits half = j % 2 == 0 ? slice(rowWords[j / 2], 31, 0) : slice(rowWords[j / 2], 63, 32);
            SInt lane = asSInt(half);
            packByte[j] = named(bits(8), "pack_byte_" + j);
            assign(packByte[j], mux(lt(lane, sint(-128, 32)), bitsLiteral(0x80, 8),
                    mux(gt(lane, sint(127, 32)), bitsLiteral(0x7F, 8), slice(half, 7, 0))));
        }
        Bits aPick = packByte[0];
        for (int j = 1; j < vc.lanes(); j++) {
            aPick = mux(eq(rowIndex, uint(j, 5)), packByte[j], aPick);
        }
        int perWord = Math.min(8, vc.lanes());
        int bytesWords = vc.lanes() / perWord;
        Bits[] byteWords = new Bits[bytesWords];
        for (int t = 0; t < bytesWords; t++) {
            Bits w = packByte[t * perWord];
            for (int b = 1; b < perWord; b++) {
                w = concat(packByte[t * perWord + b], w);
            }
            byteWords[t] = perWord < 8 ? concat(bitsLiteral(0, 8 * (8 - perWord)), w) : w;
        }
        Bits bytesPick = byteWords[0];
        for (int t = 1; t < bytesWords; t++) {
            bytesPick = mux(eq(rowIndex, uint(t, 5)), byteWords[t], bytesPick);
        }
        Bits rowWord = named(bits(ChipConfig.FLIT_WIDTH), "row_word");
        assign(rowWord, mux(packA, concat(bitsLiteral(0, 56), aPick), mux(packBytes, bytesPick, rowPick)));
        UInt storeLastIndex = named(uint(5), "store_last_index"); // the row's last memory word
        assign(storeLastIndex, mux(packA, uint(vc.lanes() - 1, 5), mux(packBytes, uint(bytesWords - 1, 5), lastIndex)));
        pk = new WritePacker(ab, decoding, reqAddr, giveWord, rowWord, and(rowLast, eq(rowIndex, storeLastIndex)), bool(true));
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
            when(eq(rowIndex, storeLastIndex), () -> {
                assign(rowFull, bool(false));
                assign(rowIndex, uint(0, 5)); // a LOAD after this STORE fills the row from word 0
            });
        });
        // unless the word unpacked in the same cycle fills a row of one word (lanes = 2)
        when(and(unit.sAxisData.fire(), not(and(unpack, eq(rowIndex, lastIndex)))), () -> assign(rowFull, bool(false)));

        // ---------------- memory requests: the LOAD's READs, the STORE's WRITEs
        writesOut = regInit(uint(8), uint(0, 8));
        assign(reqOut.valid(), or(fetching, pk.full));
        ChipMessage.drive(reqOut.payload(), uint(mem % k, noc.xBits()), uint(mem / k, noc.yBits()),
                mux(fetching, ChipMessage.tag(noc.tagWidth(), ChipMessage.READ, fetchNext, readWordsM1),
                        ChipMessage.tag(noc.tagWidth(), ChipMessage.WRITE, pk.addr, uint(0, 1))),
                mux(fetching, uint(0, 5), pk.count), pk.words);
        Bool readSent = named(bool(), "read_sent");
        assign(readSent, and(reqOut.fire(), fetching));
        when(and(readSent, not(rdataIn)), () -> assign(readsOut, add(readsOut, uint(1, 3))))
                .elseWhen(and(rdataIn, not(readSent)), () -> assign(readsOut, sub(readsOut, uint(1, 3))));
        when(readSent, () -> {
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
                and(eq(writesOut, uint(0, 8)), and(eq(readsOut, uint(0, 3)), not(ubBusy)))));
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
