package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Axi4Port;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;
import spinal.lib.bus.amba4.axi.Axi4;

/**
 * Rows in external memory behind the AXI4 master {@code m_axi} (no IDs: responses in order).
 * Flat row r is one data word of 2·rowBits at byte address r · 2·rowBits/8, K in the low half,
 * V in the high half. AW, W and AR are registers that hold a request until it is accepted.
 *
 * <ul>
 *   <li>Append: one single-beat write; IDLE takes a command only when AW and W are free (or
 *       freed in this cycle) and fewer than 15 writes wait for their B response.</li>
 *   <li>Gather: one INCR burst per page run (to the end of the page or of the gather), issued
 *       whenever AR is free, several outstanding, the next block-table entry read meanwhile;
 *       R beats go straight to {@code m_axis_row} ({@code RREADY = m_axis_row_ready}); the command
 *       completes after its last beat. Bursts start only when every write has its B response.</li>
 *   <li>Copy-on-write: once the master is quiet, one read burst of the shared page's rows and one
 *       write burst to the new page; R beats feed W directly.</li>
 * </ul>
 * {@code axi_error} (sticky) flags a B or R response other than OKAY and RLAST on a wrong beat.
 */
final class AxiRowStore extends RowStore {
    final Axi4 mAxi;
    final Bool axiError;
    final Bool axiErrorFlag;
    final Bool awPending;
    final UInt awAddrReg;
    final UInt awLenReg;
    final Bool wPending;
    final Bits wDataReg;
    final Bool arPending;
    final UInt arAddrReg;
    final UInt arLenReg;
    /** Write bursts issued whose B response has not arrived. */
    final UInt writesInFlight;
    /** Gather rows still to come on R. */
    final UInt rowsToDeliver;
    /** Page slot of the next R beat of a gather (for the RLAST check). */
    final UInt rxSlot;
    final Bool awLoad;
    final UInt awLoadAddr;
    final UInt awLoadLen;
    final Bool arLoad;
    final UInt arLoadAddr;
    final UInt arLoadLen;
    /** AW and W can take a write in this cycle and a B slot is left. */
    final Bool axiWriteReady;
    final Bool gathering;
    final Bool copying;
    final Bits rowWord;
    final Bool lastDelivery;
    final Bool writesDone;

    // ---- gather decisions
    final UInt pageRest;
    final Bool shortRun;
    final UInt burstRows;
    final Bool arFree;
    final Bool issueBurst;
    final Bool rBeat;
    final Bool rLastExpected;
    final Bool rBeatError;
    final Bool gatherDone;

    // ---- copy decisions
    final Bool masterQuiet;
    final UInt copyRows;
    final UInt copyLastIdx;
    final UInt copyBurstLen;
    final Bool copyLastBeat;
    final Bool copyBeat;
    final Bool copyBeatError;
    final Bool copyDone;

    AxiRowStore(KvCacheConfig config, KvCacheCore core, Stream<KvCacheController.Row> rowOut, Axi4 mAxi,
            Bool axiError) {
        super(config, core, rowOut);
        this.mAxi = mAxi;
        this.axiError = axiError;
        int addrBits = KvCacheConfig.AXI_ADDR_BITS;
        int dataBits = config.axiDataBits();
        int rowBits = config.rowBits();
        int slotBits = config.slotBits();
        int lenBits = config.lengthBits();
        axiErrorFlag = regInit(bool(), bool(false));
        awPending = regInit(bool(), bool(false));
        awAddrReg = reg(uint(addrBits));
        awLenReg = reg(uint(8));
        wPending = regInit(bool(), bool(false));
        wDataReg = reg(bits(dataBits));
        arPending = regInit(bool(), bool(false));
        arAddrReg = reg(uint(addrBits));
        arLenReg = reg(uint(8));
        writesInFlight = regInit(uint(4), uint(0, 4));
        rowsToDeliver = reg(uint(lenBits));
        rxSlot = reg(uint(slotBits));
        awLoad = bool();
        awLoadAddr = uint(addrBits);
        awLoadLen = uint(8);
        arLoad = bool();
        arLoadAddr = uint(addrBits);
        arLoadLen = uint(8);
        axiWriteReady = bool();

        // R beats of a gather go straight to m_axis_row; the K row is the word's low half.
        gathering = core.states.is(core.state, KvState.GATHER);
        copying = core.states.is(core.state, KvState.COW_COPY);
        Bits rData = mAxi.r().payload().data();
        assign(rowOut.valid(), and(mAxi.r().valid(), gathering));
        rowWord = mux(core.cmd.kv, slice(rData, dataBits - 1, rowBits), slice(rData, rowBits - 1, 0));
        driveLanes(rowWord);
        lastDelivery = eq(rowsToDeliver, uint(1, lenBits));
        assign(rowOut.payload().last, lastDelivery);
        assign(awLoad, bool(false));
        assign(awLoadAddr, uint(0, addrBits));
        assign(awLoadLen, uint(0, 8));
        assign(arLoad, bool(false));
        assign(arLoadAddr, uint(0, addrBits));
        assign(arLoadLen, uint(0, 8));
        assign(axiWriteReady, and(and(or(not(awPending), mAxi.aw().ready()), or(not(wPending), mAxi.w().ready())),
                neq(writesInFlight, uint(15, 4))));
        writesDone = eq(writesInFlight, uint(0, 4));

        pageRest = sub(uint(config.pageTokens(), slotBits + 1), resize(gSlot, slotBits + 1));
        shortRun = lt(gRemaining, resize(pageRest, lenBits));
        burstRows = mux(shortRun, resize(gRemaining, slotBits + 1), pageRest);
        arFree = or(not(arPending), mAxi.ar().ready());
        issueBurst = and(and(neq(gRemaining, uint(0, lenBits)), arFree), writesDone);
        rBeat = and(mAxi.r().valid(), rowOut.ready());
        rLastExpected = or(eq(rxSlot, uint(config.pageTokens() - 1, slotBits)), lastDelivery);
        rBeatError = or(neq(mAxi.r().payload().last(), rLastExpected), notOkay(mAxi.r().payload().resp()));
        gatherDone = and(and(eq(gRemaining, uint(0, lenBits)), eq(rowsToDeliver, uint(0, lenBits))),
                core.rsp.rspFree);

        masterQuiet = and(and(writesDone, not(arPending)), and(not(awPending), not(wPending)));
        copyRows = resize(core.slotOfLen, slotBits + 1);
        copyLastIdx = sub(copyRows, uint(1, slotBits + 1));
        copyBurstLen = resize(copyLastIdx, 8); // copy-on-write has rows in the page: never 0
        copyLastBeat = eq(copyIdx, copyLastIdx);
        copyBeat = and(mAxi.r().valid(), mAxi.w().ready());
        copyBeatError = or(neq(mAxi.r().payload().last(), copyLastBeat), notOkay(mAxi.r().payload().resp()));
        copyDone = and(eq(copyIdx, copyRows), writesDone);
    }

    @Override
    Bool gateCommand(Bool go) {
        return and(go, axiWriteReady);
    }

    @Override
    void startGather(UInt firstSlot, UInt count) {
        assign(rowsToDeliver, count);
        assign(rxSlot, firstSlot);
        core.goTo(KvState.GATHER_SETUP);
    }

    /** The first block-table entry arrived: latch it, read the next one while streaming. */
    @Override
    void gatherSetup() {
        assign(curPage, core.tables.btRd);
        core.tables.readEntry(KvTables.entry(core.cmd.seq, gNextLp));
        core.goTo(KvState.GATHER);
    }

    /**
     * One INCR burst per page run, issued as soon as the AR slot is free, while the next page's
     * block-table entry is prefetched; the command completes when the last row has left. Reads
     * wait for outstanding writes (AXI does not order reads after writes).
     */
    @Override
    void gather() {
        int slotBits = config.slotBits();
        when(issueBurst, () -> {
            assign(arLoad, bool(true));
            assign(arLoadAddr, address(curPage, gSlot));
            assign(arLoadLen, resize(sub(burstRows, uint(1, slotBits + 1)), 8));
            assign(gRemaining, sub(gRemaining, resize(burstRows, config.lengthBits())));
            assign(gSlot, uint(0, slotBits));
            assign(curPage, core.tables.btRd);
            assign(gLp, gNextLp);
            core.tables.readEntry(KvTables.entry(core.cmd.seq, gAfterNextLp));
        });
        when(rBeat, () -> {
            assign(rowsToDeliver, sub(rowsToDeliver, uint(1, widthOf(rowsToDeliver))));
            assign(rxSlot, add(rxSlot, uint(1, slotBits)));
            when(rBeatError, () -> assign(axiErrorFlag, bool(true)));
        });
        when(gatherDone, () -> core.complete(core.tables.len, core.lenPages));
    }

    @Override
    Bool copyMayStart() {
        return masterQuiet;
    }

    /** One read burst of the rows already in the shared page, one write burst to the new page. */
    @Override
    void startCopy() {
        super.startCopy();
        int slotBits = config.slotBits();
        assign(arLoad, bool(true));
        assign(arLoadAddr, address(core.tables.tail, uint(0, slotBits)));
        assign(arLoadLen, copyBurstLen);
        assign(awLoad, bool(true));
        assign(awLoadAddr, address(core.pool.freeTop, uint(0, slotBits)));
        assign(awLoadLen, copyBurstLen);
    }

    @Override
    void copy() {
        when(copyBeat, () -> {
            assign(copyIdx, add(copyIdx, uint(1, widthOf(copyIdx))));
            when(copyBeatError, () -> assign(axiErrorFlag, bool(true)));
        });
        when(copyDone, () -> core.goTo(KvState.COW_END));
    }

    /** The five channels: AR, AW and W registers that hold until accepted; R and B. */
    @Override
    void finish() {
        int dataBits = config.axiDataBits();
        // Appends write one word (K low, V high) through the AW/W registers.
        when(dWrEn, () -> {
            assign(awLoad, bool(true));
            assign(awLoadAddr, address(dWrAddr));
            assign(awLoadLen, uint(0, 8));
        });
        when(awLoad, () -> {
            assign(awPending, bool(true));
            assign(awAddrReg, awLoadAddr);
            assign(awLenReg, awLoadLen);
        }).elseWhen(mAxi.aw().ready(), () -> assign(awPending, bool(false)));
        when(dWrEn, () -> {
            assign(wPending, bool(true));
            assign(wDataReg, concat(dWrV, dWrK));
        }).elseWhen(mAxi.w().ready(), () -> assign(wPending, bool(false)));
        when(arLoad, () -> {
            assign(arPending, bool(true));
            assign(arAddrReg, arLoadAddr);
            assign(arLenReg, arLoadLen);
        }).elseWhen(mAxi.ar().ready(), () -> assign(arPending, bool(false)));
        Bool bDone = mAxi.b().valid();
        Bool writeIssued = named(and(awLoad, not(bDone)), "write_issued");
        Bool writeRetired = named(and(bDone, not(awLoad)), "write_retired");
        Bool bError = named(and(bDone, notOkay(mAxi.b().payload().resp())), "b_error");
        when(writeIssued, () -> assign(writesInFlight, add(writesInFlight, uint(1, 4))))
                .elseWhen(writeRetired, () -> assign(writesInFlight, sub(writesInFlight, uint(1, 4))));
        when(bError, () -> assign(axiErrorFlag, bool(true)));

        int sizeCode = Integer.numberOfTrailingZeros(config.axiWordBytes());
        assign(mAxi.aw().valid(), awPending);
        assign(mAxi.aw().payload().addr(), awAddrReg);
        assign(mAxi.aw().payload().len(), awLenReg);
        assign(mAxi.aw().payload().size(), uint(sizeCode, 3));
        assign(mAxi.aw().payload().burst(), asBits(uint(Axi4Port.BURST_INCR, 2)));
        assign(mAxi.w().valid(), mux(copying, mAxi.r().valid(), wPending));
        assign(mAxi.w().payload().data(), mux(copying, mAxi.r().payload().data(), wDataReg));
        assign(mAxi.w().payload().strb(), asBits(sint(-1, dataBits / 8)));
        assign(mAxi.w().payload().last(), mux(copying, copyLastBeat, bool(true)));
        assign(mAxi.b().ready(), bool(true));
        assign(mAxi.ar().valid(), arPending);
        assign(mAxi.ar().payload().addr(), arAddrReg);
        assign(mAxi.ar().payload().len(), arLenReg);
        assign(mAxi.ar().payload().size(), uint(sizeCode, 3));
        assign(mAxi.ar().payload().burst(), asBits(uint(Axi4Port.BURST_INCR, 2)));
        assign(mAxi.r().ready(), or(and(gathering, rowOut.ready()), and(copying, mAxi.w().ready())));
        assign(axiError, axiErrorFlag);
    }

    /** Byte address of flat row {page, slot}: the row index times the word size, zero-extended. */
    private UInt address(UInt page, UInt slot) {
        return address(asUInt(concat(page, slot)));
    }

    private UInt address(UInt row) {
        int shift = Integer.numberOfTrailingZeros(config.axiWordBytes());
        int pad = KvCacheConfig.AXI_ADDR_BITS - widthOf(row) - shift;
        return asUInt(concat(uint(0, pad), concat(row, uint(0, shift))));
    }

    private static Bool notOkay(Bits resp) {
        return neq(resp, asBits(uint(Axi4Port.RESP_OKAY, 2)));
    }
}
