package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hw.array.SystolicArray;
import org.chiltepin.hw.array.WeightStationaryArray;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Weight-stationary issue side of the {@link ComputeUnit}: for each nb, for each kb, the pass loads
 * rows B words {@code bAddr + (nb·kBlocks + kb)·rows + i} as the {@link WeightStationaryArray}'s
 * weights, then streams M beats of A word {@code aAddr + kb·M + m}; row m goes to acc word
 * {@code accAddr + m·nBlocks + nb}, added to it for kb > 0 (or when the command accumulates). The
 * next pass's weights load while the current pass streams, once its first beat has passed every PE.
 */
final class WeightStationaryIssue extends HdlArea implements IssueSide {
    final UInt compM;
    final UInt compKBlocks;
    final UInt compABase;
    // Weight loader.
    final Bool wLoading;
    final Bool wDone;
    final UInt wRow;
    final UInt wKb;
    final UInt wNb;
    final UInt wAddr;
    final Bool wWrite;
    final UInt wWriteRow;
    final Bool wWriteLast;
    final Bool weightsReady;
    final UInt weightGuard;
    final Bool startLoad;
    final Bool lastRow;
    final Bool lastKb;
    final Bool lastNb;
    final Bits bWord;
    // Stream side.
    final Bool sActive;
    final Bool sDone;
    final UInt sM;
    final UInt sKb;
    final UInt sNb;
    final UInt sARow;
    final Bool stageValid;
    final Bool stageLast;
    final Bool stageFree;
    final Bool startPass;
    final Bool doIssue;
    final Bool lastM;
    final Bool passLastKb;
    final Bool passLastNb;
    final Bits aWord;
    // Write side.
    final UInt wrKb;
    final UInt wrPassBase;
    final UInt wrRowAddr;
    /** Consecutive rows of a pass are nBlocks accumulator words apart. */
    final UInt wrRowStride;
    final Bool wrLastKb;
    final Bool accumulateRow;
    private final WeightStationaryArray array;

    WeightStationaryIssue(GemmConfig config, WeightStationaryArray array, ComputeUnit unit, CommandDecoder.Decoded dec,
            Mem<Bits> aMem, BScratchpad bMem) {
        this.array = array;
        int rows = config.rows();
        int cols = config.cols();
        int addr = config.rangeWidth();
        int aBits = GemmConfig.log2(config.aDepth());
        int bBits = GemmConfig.log2(config.bDepth());
        int cBits = GemmConfig.log2(config.accDepth());
        int rowBits = widthOf(array.weightRow);
        int guardCycles = rows + cols + 2;
        int guardBits = SystolicArray.bitsFor(guardCycles);
        Bool start = unit.computeStart;
        Bool active = unit.compActive;
        UInt nBlocks = unit.compNBlocks;
        compM = reg(uint(16));
        compKBlocks = reg(uint(addr));
        compABase = reg(uint(aBits));
        when(start, () -> {
            assign(compM, dec.count);
            assign(compKBlocks, dec.kBlocks);
            assign(compABase, resize(dec.addr0, aBits));
        });

        wLoading = regInit(bool(), bool(false));
        wDone = reg(bool());
        wRow = reg(uint(rowBits));
        wKb = reg(uint(addr));
        wNb = reg(uint(addr));
        wAddr = reg(uint(bBits));
        wWrite = regInit(bool(), bool(false));
        wWriteRow = reg(uint(rowBits));
        wWriteLast = reg(bool());
        weightsReady = regInit(bool(), bool(false));
        weightGuard = regInit(uint(guardBits), uint(0, guardBits));
        sActive = regInit(bool(), bool(false));
        sDone = reg(bool());
        sM = reg(uint(16));
        sKb = reg(uint(addr));
        sNb = reg(uint(addr));
        sARow = reg(uint(aBits));
        stageValid = regInit(bool(), bool(false));
        stageLast = reg(bool());

        lastRow = eq(wRow, uint(rows - 1, rowBits));
        // Not while the last row of the previous load is still being written: weights_ready is
        // set only after that write, and the next load would overwrite the unused shadow weights.
        startLoad = and(active, and(not(wLoading), and(not(wWrite), and(not(wDone), and(not(weightsReady),
                eq(weightGuard, uint(0, guardBits)))))));
        bWord = bMem.read(wAddr, wLoading, "b_read");
        assign(wWrite, wLoading);
        assign(wWriteRow, wRow);
        assign(wWriteLast, lastRow);
        lastKb = eq(wKb, sub(compKBlocks, uint(1, addr)));
        lastNb = eq(wNb, sub(nBlocks, uint(1, addr)));
        when(start, () -> {
            assign(wLoading, bool(false));
            assign(wDone, bool(false));
            assign(wKb, uint(0, addr));
            assign(wNb, uint(0, addr));
            assign(wAddr, resize(dec.addr1, bBits));
        }).elseWhen(startLoad, () -> {
            assign(wLoading, bool(true));
            assign(wRow, uint(0, rowBits));
        }).elseWhen(wLoading, () -> {
            assign(wAddr, add(wAddr, uint(1, bBits)));
            assign(wRow, add(wRow, uint(1, rowBits)));
            when(lastRow, () -> {
                assign(wLoading, bool(false));
                when(lastKb, () -> {
                    assign(wKb, uint(0, addr));
                    assign(wNb, add(wNb, uint(1, addr)));
                    when(lastNb, () -> assign(wDone, bool(true)));
                }).otherwise(() -> assign(wKb, add(wKb, uint(1, addr))));
            });
        });
        assign(array.weightWrite, wWrite);
        assign(array.weightRow, wWriteRow);
        IssueSide.lanes(array.weightValue, bWord);

        var in = array.sAxis;
        stageFree = or(not(stageValid), in.fire());
        startPass = and(active, and(not(sActive), and(not(sDone), weightsReady)));
        doIssue = and(sActive, stageFree);
        aWord = readSync(aMem, add(sARow, resize(sM, aBits)), doIssue);
        lastM = eq(sM, sub(compM, uint(1, 16)));
        passLastKb = eq(sKb, sub(compKBlocks, uint(1, addr)));
        passLastNb = eq(sNb, sub(nBlocks, uint(1, addr)));
        // weights_ready: set when a pass's last weight row is written, taken when the pass starts.
        when(start, () -> assign(weightsReady, bool(false)))
                .elseWhen(and(wWrite, wWriteLast), () -> assign(weightsReady, bool(true)))
                .elseWhen(startPass, () -> assign(weightsReady, bool(false)));
        when(startPass, () -> assign(weightGuard, uint(guardCycles, guardBits)))
                .elseWhen(neq(weightGuard, uint(0, guardBits)), () -> assign(weightGuard, sub(weightGuard, uint(1, guardBits))));
        when(stageFree, () -> {
            assign(stageValid, doIssue);
            assign(stageLast, lastM);
        });
        when(start, () -> {
            assign(sActive, bool(false));
            assign(sDone, bool(false));
            assign(sKb, uint(0, addr));
            assign(sNb, uint(0, addr));
            assign(sARow, resize(dec.addr0, aBits));
        }).elseWhen(startPass, () -> {
            assign(sActive, bool(true));
            assign(sM, uint(0, 16));
        }).elseWhen(doIssue, () -> when(lastM, () -> {
            assign(sActive, bool(false));
            when(passLastKb, () -> {
                assign(sKb, uint(0, addr));
                assign(sARow, compABase);
                assign(sNb, add(sNb, uint(1, addr)));
                when(passLastNb, () -> assign(sDone, bool(true)));
            }).otherwise(() -> {
                assign(sKb, add(sKb, uint(1, addr)));
                assign(sARow, add(sARow, resize(compM, aBits)));
            });
        }).otherwise(() -> assign(sM, add(sM, uint(1, 16)))));
        assign(in.valid(), stageValid);
        assign(in.payload().last, stageLast);
        IssueSide.lanes(in.payload().a, aWord);

        // Write side: row m of pass (nb, kb) → accAddr + m·nBlocks + nb.
        wrKb = reg(uint(addr));
        wrPassBase = reg(uint(cBits));
        wrRowAddr = reg(uint(cBits));
        wrLastKb = eq(wrKb, sub(compKBlocks, uint(1, addr)));
        Stream<SystolicArray.Row> result = array.mAxis;
        wrRowStride = resize(nBlocks, cBits);
        when(start, () -> {
            assign(wrKb, uint(0, addr));
            assign(wrPassBase, resize(dec.addr2, cBits));
            assign(wrRowAddr, resize(dec.addr2, cBits));
        }).elseWhen(result.valid(), () -> when(result.payload().last, () -> {
            when(wrLastKb, () -> {
                assign(wrKb, uint(0, addr));
                assign(wrPassBase, add(wrPassBase, uint(1, cBits)));
                assign(wrRowAddr, add(wrPassBase, uint(1, cBits)));
            }).otherwise(() -> {
                assign(wrKb, add(wrKb, uint(1, addr)));
                assign(wrRowAddr, wrPassBase);
            });
        }).otherwise(() -> assign(wrRowAddr, add(wrRowAddr, wrRowStride))));
        accumulateRow = or(unit.compAccumulate, neq(wrKb, uint(0, addr)));
    }

    @Override
    public Bool idle() {
        return and(sDone, and(not(sActive), not(stageValid)));
    }

    @Override
    public Bool rowsIssued() {
        return array.sAxis.fire();
    }

    @Override
    public int rowsPerIssue() {
        return 1;
    }

    @Override
    public UInt rowAddr() {
        return wrRowAddr;
    }

    @Override
    public Bool rowAccumulate() {
        return accumulateRow;
    }

    @Override
    public Bool macFire() {
        return array.sAxis.fire();
    }

    @Override
    public Stream<SystolicArray.Row> result() {
        return array.mAxis;
    }
}
