package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The GEMM engine's output unit: STORE (requantize to int8) and READ_ACC (pass the int32 sums)
 * emit one result row per accumulator word on {@code m_axis_data}, {@code last} on the final one.
 * S0 issues an accumulator read (and the scale reads) when a queue entry is free (credits) and the
 * compute unit's read-modify-write does not need the port; S1 has the word and feeds
 * {@code requantLanes} lanes per cycle to the pipeline (group 0 straight from the RAM, later groups
 * from a copy); S2 operands, S3 product, S4 shift, S5 round, then ReLU and saturation into the
 * queue. Latency: {@link GemmEngine.Latencies#storeLatencyCycles()} from issue to the first beat;
 * one beat per cycle after that when {@code requantLanes == cols}.
 */
final class OutputUnit extends HdlArea {
    /**
     * Cycles from a word's issue (S0) to its last group's push into the queue, for one group: S1
     * (read data), S2 (operands), S3 (product), S4 (shifted), S5 (rounded). The queue needs
     * enough entries to cover the credit round trip at one word per {@code groups} cycles.
     */
    static final int LATENCY = 5;

    /** High in the cycle the dispatcher issues a STORE or READ_ACC. */
    final Bool outputStart;
    final Bool outActive;
    final Bool outRespValid;
    final Bool outStore;
    final Bool outRelu;
    final UInt outTag;
    final UInt outOpcode;
    final UInt outAddr;
    final UInt outIssued;
    /** {@code outIssued < outTotal}, kept in a flip-flop: the compare's carry chain is off the issue path. */
    final Bool outMore;
    final UInt outTotal;
    final UInt outNb;
    final UInt outNBlocks;
    final UInt outN;
    final UInt outScaleRow;
    final UInt outLo;
    final UInt outHi;
    final UInt outCredits;
    /** The S1 word stage is free the cycle a new word's data arrives. */
    final Bool groupFree;
    /** With serial multipliers: S1, the later groups and S2 are empty (null otherwise). */
    final Bool requantIdle;
    /** S0: read the next accumulator word this cycle. */
    final Bool outIssue;
    final Bool s1Valid;
    final Bool s1Last;
    final Bool s1Store;
    final Bool s1Relu;
    final Bits s1Mask;
    final SInt[] s1Mult;
    final UInt[] s1Shift;
    /**
     * Groups 1.. of the word in S1 are still to be requantized (only when requantLanes < cols and
     * the multipliers are parallel; null otherwise).
     */
    final Bool w1Busy;
    final UInt w1Group;
    final Bits w1Acc;
    /**
     * Serial multipliers with lane groups: the group S0 reads next ({@code out_group}) and the one
     * in S1 ({@code s1_group}); each group re-reads its accumulator word, so no copy of the word is
     * kept (null otherwise).
     */
    final UInt outGroup;
    final UInt s1Group;
    /** S0 reads the first group of a word: it spends a queue credit (the word's issue). */
    final Bool outWordIssue;
    /** S2..S5 and the queue, built by {@link #emit}. */
    RequantPipeline requant;
    OutputQueue queue;
    private final GemmConfig config;
    private final int groups;
    /** Re-reading groups: S1 is empty and S2 is free next cycle (driven by {@link #emit}); null otherwise. */
    private Bool groupReady;

    OutputUnit(GemmConfig config, CommandDecoder.Decoded dec, Bool rmwRead) {
        this.config = config;
        int cols = config.cols();
        int addr = config.rangeWidth();
        int logCols = GemmConfig.log2(cols);
        int cBits = GemmConfig.log2(config.accDepth());
        int sBits = GemmConfig.log2(config.scaleDepth() / cols);
        int lanes = config.requantLanes();
        groups = cols / lanes;
        int groupBits = Math.max(1, GemmConfig.log2(groups));
        int queueDepth = queueDepth(config);
        boolean reread = config.serialMultipliers() && groups > 1;
        int creditBits = GemmConfig.log2(queueDepth) + 1;
        outputStart = bool();
        outActive = regInit(bool(), bool(false));
        outRespValid = regInit(bool(), bool(false));
        outStore = reg(bool());
        outRelu = reg(bool());
        outTag = reg(uint(8));
        outOpcode = reg(uint(4));
        outAddr = reg(uint(cBits));
        outIssued = reg(uint(dec.outRows.getBitsWidth()));
        outTotal = reg(uint(dec.outRows.getBitsWidth()));
        outMore = regInit(bool(), bool(false));
        outNb = reg(uint(addr));
        outNBlocks = reg(uint(addr));
        // N as far as lanes are told apart: below 16 bits only in the FPGA profile's narrower ranges.
        int nWidth = Math.min(16, addr + logCols);
        outN = reg(uint(nWidth));
        outScaleRow = reg(uint(sBits));
        outLo = reg(uint(addr));
        outHi = reg(uint(addr));
        outCredits = regInit(uint(creditBits), uint(queueDepth, creditBits));
        s1Valid = regInit(bool(), bool(false));
        s1Last = reg(bool());
        s1Store = reg(bool());
        s1Relu = reg(bool());
        s1Mask = reg(bits(cols));
        s1Mult = new SInt[cols];
        s1Shift = new UInt[cols];
        w1Busy = groups > 1 && !reread ? regInit(bool(), bool(false)) : null;
        w1Group = groups > 1 && !reread ? reg(uint(groupBits)) : null;
        w1Acc = groups > 1 && !reread ? reg(bits(GemmConfig.ACC_WIDTH * cols)) : null;
        outGroup = reread ? regInit(uint(groupBits), uint(0, groupBits)) : null;
        s1Group = reread ? reg(uint(groupBits)) : null;
        // Serial multipliers (GemmConfig.serialMultipliers): S2 takes a group only when empty, so a word issues only
        // when the previous one has left S2 (no credit, group or multiplier bookkeeping across words).
        requantIdle = config.serialMultipliers() ? bool() : null;
        groupFree = config.serialMultipliers() ? requantIdle
                : groups == 1 ? bool(true)
                : and(not(s1Valid), or(not(w1Busy), eq(w1Group, uint(groups - 1, groupBits))));
        when(outputStart, () -> {
            assign(outActive, bool(true));
            assign(outStore, dec.isStore);
            assign(outRelu, dec.flag);
            assign(outTag, dec.tag);
            assign(outOpcode, dec.opcode);
            assign(outAddr, resize(dec.addr0, cBits));
            assign(outIssued, uint(0, dec.outRows.getBitsWidth()));
            assign(outTotal, dec.outRows);
            assign(outMore, neq(dec.outRows, uint(0, dec.outRows.getBitsWidth())));
            assign(outNb, uint(0, addr));
            assign(outNBlocks, dec.nBlocks);
            assign(outN, resize(dec.n, nWidth));
            assign(outScaleRow, slice(dec.addr1, logCols + sBits - 1, logCols));
            assign(outLo, dec.lo0);
            assign(outHi, dec.outEnd);
        });
        Bool creditsLeft = neq(outCredits, uint(0, creditBits));
        if (reread) {
            // A word's first group needs a credit and an empty S2 (as without groups); a later group
            // needs only S1 empty and S2 free the next cycle, so it enters S2 when the previous leaves.
            Bool first = named(eq(outGroup, uint(0, groupBits)), "out_group_first");
            Bool ready = named(bool(), "out_group_ready");
            groupReady = ready;
            outIssue = and(outActive, and(outMore, and(not(rmwRead),
                    mux(first, and(creditsLeft, groupFree), ready))));
            outWordIssue = named(and(outIssue, first), "out_word_issue");
        } else {
            outIssue = and(outActive, and(outMore, and(creditsLeft, and(not(rmwRead), groupFree))));
            outWordIssue = outIssue;
        }
    }

    /**
     * S1 to the queue, given the accumulator port's read data ({@code accReadData}: the word S0
     * asked for in the cycle before) and the scale tables.
     */
    void emit(Bits accReadData, Mem<SInt>[] scaleMult, Mem<UInt>[] scaleShift, Stream<GemmEngine.Row> mAxisData) {
        int cols = config.cols();
        int logCols = GemmConfig.log2(cols);
        int addr = config.rangeWidth();
        int cBits = GemmConfig.log2(config.accDepth());
        int sBits = GemmConfig.log2(config.scaleDepth() / cols);
        int columnWidth = addr + logCols;
        UInt scaleRead = named(add(outScaleRow, resize(outNb, sBits)), "scale_read");
        // Lane j of the word holds column nb·cols + j: valid while that is below N.
        UInt column = named(shiftLeft(outNb, logCols), "out_column");
        UInt columns = named(resize(outN, columnWidth), "out_columns");
        UInt columnsLeft = named(uint(columnWidth), "out_columns_left");
        when(lt(column, columns), () -> assign(columnsLeft, sub(columns, column)))
                .otherwise(() -> assign(columnsLeft, uint(0, columnWidth)));
        Bool[] laneValid = new Bool[cols];
        for (int j = 0; j < cols; j++) {
            s1Mult[j] = named(readSync(scaleMult[j], scaleRead, outIssue), "s1_mult_" + j);
            s1Shift[j] = named(readSync(scaleShift[j], scaleRead, outIssue), "s1_shift_" + j);
            laneValid[j] = named(gt(columnsLeft, uint(j, columnWidth)), "out_lane_valid_" + j);
        }
        Bits mask = asBits(laneValid[cols - 1]);
        for (int j = cols - 2; j >= 0; j--) {
            mask = concat(mask, laneValid[j]);
        }
        Bits issueMask = named(mask, "issue_mask");
        UInt issuedNext = named(add(outIssued, uint(1, widthOf(outIssued))), "out_issued_next");
        Bool lastNb = named(eq(outNb, sub(outNBlocks, uint(1, addr))), "out_last_nb");
        assign(s1Valid, outIssue);
        // The word advances with its last group (with every issue when a word is one read).
        Bool wordDone = outGroup == null ? outIssue
                : named(and(outIssue, eq(outGroup, uint(groups - 1, widthOf(outGroup)))), "out_word_done");
        when(outIssue, () -> {
            assign(s1Last, eq(issuedNext, outTotal));
            assign(s1Store, outStore);
            assign(s1Relu, outRelu);
            assign(s1Mask, issueMask);
            if (outGroup != null) {
                assign(s1Group, outGroup);
                assign(outGroup, add(outGroup, uint(1, widthOf(outGroup))));
            }
        });
        when(wordDone, () -> {
            assign(outIssued, issuedNext);
            // outIssued counts up by one from 0 to outTotal, so "below" is "not yet equal".
            assign(outMore, neq(issuedNext, outTotal));
            assign(outAddr, add(outAddr, uint(1, cBits)));
            when(lastNb, () -> assign(outNb, uint(0, addr))).otherwise(() -> assign(outNb, add(outNb, uint(1, addr))));
        });
        if (outGroup != null) {
            when(outputStart, () -> assign(outGroup, uint(0, widthOf(outGroup))));
        }
        boolean sequential = config.serialMultipliers();
        // S2 is free when it is not valid: a register, so it can be read before the pipeline exists.
        Bool s2Free = sequential && w1Busy != null ? named(bool(), "s2_free_for_group") : null;
        Bits laneSource = accReadData;
        UInt group = null;
        if (outGroup != null) {
            group = s1Group;
        } else if (groups > 1) {
            when(s1Valid, () -> assign(w1Acc, accReadData));
            when(s1Valid, () -> {
                assign(w1Busy, bool(true));
                assign(w1Group, uint(1, widthOf(w1Group)));
            }).elseWhen(sequential ? and(w1Busy, s2Free) : w1Busy, () -> {
                assign(w1Group, add(w1Group, uint(1, widthOf(w1Group))));
                when(eq(w1Group, uint(groups - 1, widthOf(w1Group))), () -> assign(w1Busy, bool(false)));
            });
            laneSource = named(mux(s1Valid, accReadData, w1Acc), "lane_source");
            group = named(mux(s1Valid, uint(0, widthOf(w1Group)), w1Group), "s1_group");
        }
        Bool processing = groups > 1 && outGroup == null ? or(s1Valid, sequential ? and(w1Busy, s2Free) : w1Busy) : s1Valid;
        requant = new RequantPipeline(config, new RequantPipeline.Input(processing, group, laneSource, s1Last, s1Store,
                s1Relu, s1Mask, s1Mult, s1Shift));
        if (sequential) {
            if (s2Free != null) {
                assign(s2Free, requant.s2Free());
            }
            Bool idle = and(not(s1Valid), not(requant.s2.valid));
            assign(requantIdle, w1Busy != null ? and(idle, not(w1Busy)) : idle);
            if (groupReady != null) { // S2 is empty, or its multiplier finishes this cycle
                assign(groupReady, and(not(s1Valid), or(not(requant.s2.valid), requant.serialDoneNow())));
            }
        }
        queue = new OutputQueue(config, queueDepth(config), requant, outWordIssue, mAxisData, outCredits);
        when(queue.lastPopped, () -> assign(outRespValid, bool(true)));
    }

    /** The response left: the unit is free again. */
    void responded() {
        assign(outRespValid, bool(false));
        assign(outActive, bool(false));
    }

    /**
     * Queue entries for one STORE / READ_ACC beat per cycle: a credit comes back
     * LATENCY + groups + 1 cycles after its word issues (pushed, popped, counted), and a
     * word issues at most every {@code groups} cycles. A power of two, at least 2.
     */
    static int queueDepth(int groups) {
        return queueDepth(groups, false);
    }

    /**
     * The queue depth of an engine: with serial multipliers 1, the entry the word is assembled in
     * ({@link OutputQueue}); else {@link #queueDepth(int, boolean)}.
     */
    static int queueDepth(GemmConfig config) {
        return config.serialMultipliers() ? 1 : queueDepth(config.cols() / config.requantLanes(), config.fpgaProfile());
    }

    /**
     * The queue depth of an engine: in the FPGA profile 2 entries (129 flip-flops each on a 4×4).
     * With serial multipliers a word issues only after the previous one spent
     * {@link RequantPipeline#MULT_CYCLES} cycles in S2, longer than a credit's round trip, so one
     * entry drains while the next fills; with DSP multipliers a beat may wait for a credit (at
     * most 2 words per round trip), which a UART-fed board never notices.
     */
    static int queueDepth(int groups, boolean fpgaProfile) {
        if (fpgaProfile) {
            return 2;
        }
        int needed = (LATENCY + groups + 1 + groups - 1) / groups;
        return Integer.highestOneBit(Math.max(2, needed) * 2 - 1);
    }
}
