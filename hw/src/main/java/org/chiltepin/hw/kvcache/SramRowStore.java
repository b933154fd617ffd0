package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlEnum;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Rows in on-chip SRAM: per bank b a K and a V memory ({@code k_mem_b}, {@code v_mem_b}) with
 * a synchronous read (1 cycle) into {@code k_rd_b}, {@code v_rd_b}; flat row r lives in bank
 * r mod banks at address r / banks. A read issued in cycle t is the row on {@code m_axis_row} in
 * cycle t+1, held in the read registers while the consumer stalls ({@code row_advance} low).
 *
 * <p>Gather: one read per cycle. While {@code page_in_bt}, the current page's block-table entry
 * is the block-table read register (just read): it is used directly, latched into
 * {@code cur_page}, and the next page's entry is read, so every page boundary finds its entry
 * ready. Copy-on-write reads row i and writes row i−1 in the same cycle (r + 1 cycles for r
 * rows); it waits for a gathered row still on {@code m_axis_row}, since it reuses the read
 * registers.
 */
final class SramRowStore extends RowStore {
    final Mem<Bits>[] kMem;
    final Mem<Bits>[] vMem;
    final Bool dRdEn;
    final UInt dRdAddr;
    final UInt rdLocal;
    final Bits[] kRd;
    final Bits[] vRd;
    /** Bank of the row in the read registers (only with more than one bank). */
    final UInt rdBank;
    final Bits kRow;
    final Bits vRow;
    final Bool rowValid;
    final Bool rowLast;
    final Bool rowKv;
    final Bits rowWord;
    /** The read registers may take a new row: empty, or their row leaves in this cycle. */
    final Bool rowAdvance;
    final Bool rowTaken;
    final Bool pageInBt;
    /** No gathered row waits in the read registers (a copy may use them). */
    final Bool rowIdle;
    final UInt wrLocal;
    final UInt wrBank;
    final Bool[] bankWrEn;

    // ---- gather and copy decisions
    final Bool lastRow;
    final UInt readPage;
    final Bool rowRead;
    final Bool pageEnd;
    final UInt copyRows;
    final UInt copySlot;
    final UInt copyPrevSlot;
    final Bool copyReading;
    final Bool copyWriting;
    final Bool copyDone;

    @SuppressWarnings("unchecked")
    SramRowStore(KvCacheConfig config, KvCacheCore core, Stream<KvCacheController.Row> rowOut) {
        super(config, core, rowOut);
        int banks = config.banks();
        int bankBits = config.bankBits();
        int rowBits = config.rowBits();
        int addrBits = config.pageBits() + config.slotBits();
        int depth = config.numPages() * config.pageTokens() / banks;
        kMem = new Mem[banks];
        vMem = new Mem[banks];
        kRd = new Bits[banks];
        vRd = new Bits[banks];
        bankWrEn = new Bool[banks];
        dRdEn = bool();
        dRdAddr = uint(addrBits);
        assign(dRdEn, bool(false));
        assign(dRdAddr, uint(0, addrBits));
        rdLocal = bankBits > 0 ? slice(dRdAddr, addrBits - 1, bankBits) : dRdAddr;
        wrLocal = bankBits > 0 ? slice(dWrAddr, addrBits - 1, bankBits) : dWrAddr;
        wrBank = bankBits > 0 ? slice(dWrAddr, bankBits - 1, 0) : null;
        for (int b = 0; b < banks; b++) {
            kMem[b] = mem(bits(rowBits), depth);
            vMem[b] = mem(bits(rowBits), depth);
            kRd[b] = readSync(kMem[b], rdLocal, dRdEn);
            vRd[b] = readSync(vMem[b], rdLocal, dRdEn);
            bankWrEn[b] = bankBits > 0 ? and(dWrEn, eq(wrBank, uint(b, bankBits))) : dWrEn;
            write(kMem[b], wrLocal, dWrK, bankWrEn[b]);
            write(vMem[b], wrLocal, dWrV, bankWrEn[b]);
        }
        rdBank = bankBits > 0 ? regNextWhen(slice(dRdAddr, bankBits - 1, 0), dRdEn) : null;
        kRow = bankMux(kRd);
        vRow = bankMux(vRd);

        rowValid = regInit(bool(), bool(false));
        rowLast = reg(bool());
        rowKv = reg(bool());
        pageInBt = reg(bool());
        rowIdle = not(rowValid);
        rowAdvance = or(rowIdle, rowOut.ready());
        rowTaken = and(rowValid, rowOut.ready());
        rowWord = mux(rowKv, vRow, kRow);
        assign(rowOut.valid(), rowValid);
        driveLanes(rowWord);
        assign(rowOut.payload().last, rowLast);
        when(rowTaken, () -> assign(rowValid, bool(false)));

        int slotBits = config.slotBits();
        lastRow = eq(gRemaining, uint(1, config.lengthBits()));
        readPage = mux(pageInBt, core.tables.btRd, curPage);
        rowRead = and(rowAdvance, or(not(lastRow), core.rsp.rspFree));
        pageEnd = eq(gSlot, uint(config.pageTokens() - 1, slotBits));
        copyRows = resize(core.slotOfLen, slotBits + 1);
        copySlot = resize(copyIdx, slotBits);
        copyPrevSlot = sub(copySlot, uint(1, slotBits));
        copyReading = lt(copyIdx, copyRows);
        copyWriting = neq(copyIdx, uint(0, slotBits + 1));
        copyDone = eq(copyIdx, copyRows);
    }

    @Override
    void startGather(UInt firstSlot, UInt count) {
        assign(pageInBt, bool(true));
        core.goTo(KvState.GATHER);
    }

    @Override
    void gather() {
        KvTables tables = core.tables;
        when(pageInBt, () -> {
            assign(curPage, tables.btRd);
            assign(pageInBt, bool(false));
            tables.readEntry(KvTables.entry(core.cmd.seq, gNextLp));
        });
        when(rowRead, () -> {
            assign(dRdEn, bool(true));
            assign(dRdAddr, asUInt(concat(readPage, gSlot)));
            assign(rowValid, bool(true));
            assign(rowLast, lastRow);
            assign(rowKv, core.cmd.kv);
            assign(gSlot, add(gSlot, uint(1, widthOf(gSlot))));
            assign(gRemaining, sub(gRemaining, uint(1, widthOf(gRemaining))));
            when(pageEnd, () -> {
                assign(gLp, gNextLp);
                // Page boundary: the prefetched entry becomes current, prefetch the one after;
                // if the prefetch was only issued this cycle, take it next cycle.
                when(pageInBt, () -> assign(pageInBt, bool(true))).otherwise(() -> {
                    assign(curPage, tables.btRd);
                    tables.readEntry(KvTables.entry(core.cmd.seq, gAfterNextLp));
                });
            });
            when(lastRow, () -> core.complete(tables.len, core.lenPages));
        });
    }

    @Override
    Bool copyMayStart() {
        return rowIdle;
    }

    @Override
    void copy() {
        when(copyReading, () -> {
            assign(dRdEn, bool(true));
            assign(dRdAddr, asUInt(concat(core.cowOld, copySlot)));
        });
        when(copyWriting, () -> {
            assign(dWrEn, bool(true));
            assign(dWrAddr, asUInt(concat(core.cowNew, copyPrevSlot)));
            assign(dWrK, kRow);
            assign(dWrV, vRow);
        });
        assign(copyIdx, add(copyIdx, uint(1, widthOf(copyIdx))));
        when(copyDone, () -> core.goTo(KvState.COW_END));
    }

    private Bits bankMux(Bits[] perBank) {
        Bits out = perBank[0];
        for (int b = 1; b < perBank.length; b++) {
            out = mux(eq(rdBank, uint(b, widthOf(rdBank))), perBank[b], out);
        }
        return out;
    }
}
