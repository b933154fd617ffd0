package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hw.array.SystolicArray;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Output-stationary issue side of the {@link ComputeUnit}: pass (mb, nb) streams K beats of A word
 * {@code aAddr + mb·K + k} and B word {@code bAddr + nb·K + k} into the {@link SystolicArray}, one
 * per cycle when the array takes them; its rows r go to acc word
 * {@code accAddr + (mb·rows + r)·nBlocks + nb}. Passes run back to back.
 */
final class OutputStationaryIssue extends HdlArea implements IssueSide {
    final UInt compK;
    /**
     * The last k, nb and mb of the command (K − 1, nBlocks − 1, mBlocks − 1), registered when it
     * starts, so the issue side's end-of-loop tests are equality compares, not a subtractor's carry
     * chain in front of them.
     */
    final UInt compKLast;
    final UInt compNbLast;
    final UInt compMbLast;
    final UInt compBBase;
    final Bool issueDone;
    final UInt issueMb;
    final UInt issueNb;
    final UInt issueK;
    final UInt issueARow;
    final UInt issueBRow;
    final Bool stageValid;
    final Bool stageLast;
    final Bool stageFree;
    final Bool doIssue;
    final Bool lastK;
    final Bool lastNb;
    final Bool lastMb;
    final Bits aWord;
    final Bits bWord;
    final UInt wrNb;
    final UInt wrPassBase;
    final UInt wrRowAddr;
    /** Consecutive rows of a pass are nBlocks accumulator words apart. */
    final UInt wrRowStride;
    final Bool wrLastNb;
    private final SystolicArray array;
    private final Bool accumulate;
    private final int rows;

    OutputStationaryIssue(GemmConfig config, SystolicArray array, ComputeUnit unit, CommandDecoder.Decoded dec,
            Mem<Bits> aMem, BScratchpad bMem) {
        this.array = array;
        this.accumulate = unit.compAccumulate;
        rows = config.rows();
        int cols = config.cols();
        int addr = config.rangeWidth();
        int aBits = GemmConfig.log2(config.aDepth());
        int bBits = GemmConfig.log2(config.bDepth());
        int cBits = GemmConfig.log2(config.accDepth());
        Bool start = unit.computeStart;
        // K: the command's 16 bits, or in the FPGA profile the range width (a legal K fits the A memory).
        int kw = widthOf(dec.k);
        UInt nBlocks = unit.compNBlocks;
        // The row step K only moves A and B addresses: as wide as the wider of the two, no more.
        int stepBits = Math.max(aBits, bBits);
        compK = reg(uint(stepBits));
        compBBase = reg(uint(bBits));
        compKLast = reg(uint(kw));
        compNbLast = reg(uint(addr));
        compMbLast = reg(uint(addr));
        when(start, () -> {
            assign(compK, resize(dec.k, stepBits));
            assign(compBBase, resize(dec.addr1, bBits));
            assign(compKLast, sub(dec.k, uint(1, kw)));
            assign(compNbLast, sub(dec.nBlocks, uint(1, addr)));
            assign(compMbLast, sub(dec.mBlocks, uint(1, addr)));
        });
        issueDone = reg(bool());
        issueMb = reg(uint(addr));
        issueNb = reg(uint(addr));
        issueK = reg(uint(kw));
        issueARow = reg(uint(aBits));
        issueBRow = reg(uint(bBits));
        stageValid = regInit(bool(), bool(false));
        stageLast = reg(bool());
        var in = array.sAxis;
        stageFree = or(not(stageValid), in.fire());
        doIssue = and(unit.compActive, and(not(issueDone), stageFree));
        aWord = readSync(aMem, add(issueARow, resize(issueK, aBits)), doIssue);
        bWord = bMem.read(add(issueBRow, resize(issueK, bBits)), doIssue, "b_read");
        lastK = eq(issueK, compKLast);
        lastNb = eq(issueNb, compNbLast);
        lastMb = eq(issueMb, compMbLast);
        when(stageFree, () -> {
            assign(stageValid, doIssue);
            assign(stageLast, lastK);
        });
        when(start, () -> {
            assign(issueDone, bool(false));
            assign(issueMb, uint(0, addr));
            assign(issueNb, uint(0, addr));
            assign(issueK, uint(0, kw));
            assign(issueARow, resize(dec.addr0, aBits));
            assign(issueBRow, resize(dec.addr1, bBits));
        }).elseWhen(doIssue, () -> when(lastK, () -> {
            assign(issueK, uint(0, kw));
            when(lastNb, () -> {
                assign(issueNb, uint(0, addr));
                assign(issueBRow, compBBase);
                when(lastMb, () -> assign(issueDone, bool(true)))
                        .otherwise(() -> {
                            assign(issueMb, add(issueMb, uint(1, addr)));
                            assign(issueARow, add(issueARow, resize(compK, aBits)));
                        });
            }).otherwise(() -> {
                assign(issueNb, add(issueNb, uint(1, addr)));
                assign(issueBRow, add(issueBRow, resize(compK, bBits)));
            });
        }).otherwise(() -> assign(issueK, add(issueK, uint(1, kw)))));
        assign(in.valid(), stageValid);
        assign(in.payload().last, stageLast);
        IssueSide.lanes(in.payload().a, aWord);
        IssueSide.lanes(in.payload().b, bWord);

        // Write side: the next pass starts one word further; after the last nb, the next mb
        // block starts right after this pass's last row.
        wrNb = reg(uint(addr));
        wrPassBase = reg(uint(cBits));
        wrRowAddr = reg(uint(cBits));
        // compNbLast is nBlocks - 1, registered at the start: no subtractor on the write path.
        wrLastNb = eq(wrNb, compNbLast);
        Stream<SystolicArray.Row> result = array.mAxis;
        wrRowStride = resize(nBlocks, cBits);
        when(start, () -> {
            assign(wrNb, uint(0, addr));
            assign(wrPassBase, resize(dec.addr2, cBits));
            assign(wrRowAddr, resize(dec.addr2, cBits));
        }).elseWhen(result.valid(), () -> when(result.payload().last, () -> {
            when(wrLastNb, () -> {
                assign(wrNb, uint(0, addr));
                assign(wrPassBase, add(wrRowAddr, uint(1, cBits)));
                assign(wrRowAddr, add(wrRowAddr, uint(1, cBits)));
            }).otherwise(() -> {
                assign(wrNb, add(wrNb, uint(1, addr)));
                assign(wrPassBase, add(wrPassBase, uint(1, cBits)));
                assign(wrRowAddr, add(wrPassBase, uint(1, cBits)));
            });
        }).otherwise(() -> assign(wrRowAddr, add(wrRowAddr, wrRowStride))));
    }

    @Override
    public Bool idle() {
        return and(issueDone, not(stageValid));
    }

    @Override
    public Bool rowsIssued() {
        return and(array.sAxis.fire(), stageLast);
    }

    @Override
    public int rowsPerIssue() {
        return rows;
    }

    @Override
    public UInt rowAddr() {
        return wrRowAddr;
    }

    @Override
    public Bool rowAccumulate() {
        return accumulate;
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
