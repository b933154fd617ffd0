package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;
import spinal.lib.bus.amba4.axi.Axi4;

/**
 * Where the K and V rows live, and how they move: {@link SramRowStore} (on-chip banks) or
 * {@link AxiRowStore} (external memory behind an AXI4 master). The {@link KvCacheCore} decides and
 * keeps the books; a row store writes the rows of appends, streams gathers on {@code m_axis_row}
 * and copies a shared page, as its part of the states GATHER_SETUP (AXI), GATHER and COW_COPY.
 *
 * <p>Both stores address a row by its flat index {@code page · pageTokens + slot} and share the
 * gather cursor: the slot and logical page of the next row to fetch ({@code g_slot},
 * {@code g_lp}), the rows still to fetch ({@code g_remaining}) and the current physical page
 * ({@code cur_page}).
 */
abstract sealed class RowStore extends HdlArea permits SramRowStore, AxiRowStore {
    protected final KvCacheConfig config;
    protected final KvCacheCore core;
    protected final Stream<KvCacheController.Row> rowOut;

    /** A row write in this cycle: flat row index, K row, V row (by default the append's). */
    final Bool dWrEn;
    final UInt dWrAddr;
    final Bits dWrK;
    final Bits dWrV;
    final Bits appendK;
    final Bits appendV;
    final UInt gSlot;
    final UInt gLp;
    final UInt gRemaining;
    final UInt curPage;
    /** Block-table entries of the next two logical pages of the gather. */
    final UInt gNextLp;
    final UInt gAfterNextLp;
    /** Rows copied so far (copy-on-write). */
    final UInt copyIdx;

    RowStore(KvCacheConfig config, KvCacheCore core, Stream<KvCacheController.Row> rowOut) {
        this.config = config;
        this.core = core;
        this.rowOut = rowOut;
        int rowBits = config.rowBits();
        int lpBits = config.logicalPageBits();
        dWrEn = bool();
        dWrAddr = uint(config.pageBits() + config.slotBits());
        dWrK = bits(rowBits);
        dWrV = bits(rowBits);
        assign(dWrEn, bool(false));
        assign(dWrAddr, uint(0, widthOf(dWrAddr)));
        appendK = packLanes(core.cmd.k);
        appendV = packLanes(core.cmd.v);
        assign(dWrK, appendK);
        assign(dWrV, appendV);
        gSlot = reg(uint(config.slotBits()));
        gLp = reg(uint(lpBits));
        gRemaining = reg(uint(config.lengthBits()));
        curPage = reg(uint(config.pageBits()));
        gNextLp = add(gLp, uint(1, lpBits));
        gAfterNextLp = add(gLp, uint(2, lpBits));
        copyIdx = reg(uint(config.slotBits() + 1));
    }

    /** The store of {@code config}'s backend; {@code mAxi} and {@code axiError} are the AXI ports (null for SRAM). */
    static RowStore of(KvCacheConfig config, KvCacheCore core, Stream<KvCacheController.Row> rowOut, Axi4 mAxi,
            Bool axiError) {
        return config.axi() ? new AxiRowStore(config, core, rowOut, mAxi, axiError)
                : new SramRowStore(config, core, rowOut);
    }

    /** Whether IDLE may take a command offered with {@code go} (AXI: only with room for a write). */
    Bool gateCommand(Bool go) {
        return go;
    }

    /** Writes the append's row at flat index {@code row} in this cycle. */
    void writeRow(UInt row) {
        assign(dWrEn, bool(true));
        assign(dWrAddr, row);
    }

    /** A gather was accepted in IDLE (its first block-table entry is being read): set the cursor, leave IDLE. */
    final void beginGather(UInt firstSlot, UInt firstLp, UInt count) {
        assign(gSlot, firstSlot);
        assign(gLp, firstLp);
        assign(gRemaining, count);
        startGather(firstSlot, count);
    }

    abstract void startGather(UInt firstSlot, UInt count);

    /** State GATHER_SETUP (AXI only). */
    void gatherSetup() {
        throw new IllegalStateException(getClass().getSimpleName() + " has no GATHER_SETUP");
    }

    /** State GATHER: fetch and deliver rows; complete the command after the last. */
    abstract void gather();

    /** COW_START may take its page in this cycle (the store is free to copy). */
    abstract Bool copyMayStart();

    /** COW_START takes the page: start the copy of the old page's rows into the new one. */
    void startCopy() {
        assign(copyIdx, uint(0, widthOf(copyIdx)));
    }

    /** State COW_COPY: copy the rows, then go to COW_END. */
    abstract void copy();

    /** Logic after the state machine (its signals are final by then). */
    void finish() {
    }

    private static Bits packLanes(SInt[] lanes) {
        Bits row = bits(8 * lanes.length);
        for (int i = 0; i < lanes.length; i++) {
            assign(slice(row, 8 * i + 7, 8 * i), asBits(lanes[i]));
        }
        return row;
    }

    /** Drives the row stream's lanes from a packed row (lane i in bits 8i+7..8i). */
    protected final void driveLanes(Bits word) {
        for (int i = 0; i < config.lanes(); i++) {
            assign(rowOut.payload().data[i], asSInt(slice(word, 8 * i + 7, 8 * i)));
        }
    }
}
