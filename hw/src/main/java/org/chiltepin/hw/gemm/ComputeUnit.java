package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hw.array.SystolicArray;
import org.chiltepin.hw.array.WeightStationaryArray;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The GEMM engine's compute unit: a COMPUTE's parameters, its {@link IssueSide} (one per
 * dataflow) that streams operands into the array core, and the accumulator write-back. A result
 * row is written (or read, added and written: a read-modify-write on the accumulator port shared
 * with the {@link OutputUnit}) two cycles after it leaves the array; the unit responds when every
 * beat is issued and every row it produces is written — rows + cols + 3 cycles after the last beat
 * ({@link GemmEngine.Latencies#computeDrainCycles()}). Within a COMPUTE every row has its own
 * address and COMPUTEs run one at a time, so a read never needs the previous cycle's write.
 */
final class ComputeUnit extends HdlArea {
    /** High in the cycle the dispatcher issues a COMPUTE: the issue side starts over. */
    final Bool computeStart;
    final Bool compActive;
    final Bool compRespValid;
    final Bool compAccumulate;
    final UInt compTag;
    final UInt compNBlocks;
    /** The command's address ranges, for the dispatcher's hazard checks. */
    final UInt compALo;
    final UInt compAHi;
    final UInt compBLo;
    final UInt compBHi;
    final UInt compAccLo;
    final UInt compAccHi;
    final IssueSide issue;
    /** Result rows the issued beats will produce, and rows written so far. */
    final UInt rowsExpected;
    final UInt rowsWritten;
    final Bool rowArrives;
    /** The arriving row reads its accumulator word (it accumulates). */
    final Bool rmwRead;
    final Bool wbValid;
    final Bool wbAccumulate;
    final UInt wbAddr;
    final Bits wbRow;
    final Bits arrivingRow;
    final Bits writeBack;
    final Bool computeDone;
    private final int cols;

    ComputeUnit(GemmConfig config, Block core, CommandDecoder.Decoded dec, Mem<Bits> aMem, BScratchpad bMem) {
        cols = config.cols();
        int addr = config.rangeWidth();
        int cBits = GemmConfig.log2(config.accDepth());
        computeStart = bool();
        compActive = regInit(bool(), bool(false));
        compRespValid = regInit(bool(), bool(false));
        compAccumulate = reg(bool());
        compTag = reg(uint(8));
        // The output-stationary issue needs only the write stride (its last-nb test uses its own
        // registered nBlocks - 1); the weight-stationary one counts blocks at the full width.
        int nbBits = config.weightStationary() ? addr : Math.min(addr, cBits);
        compNBlocks = reg(uint(nbBits));
        compALo = reg(uint(addr));
        compAHi = reg(uint(addr));
        compBLo = reg(uint(addr));
        compBHi = reg(uint(addr));
        compAccLo = reg(uint(addr));
        compAccHi = reg(uint(addr));
        rowsExpected = reg(uint(2 * addr));
        rowsWritten = reg(uint(2 * addr));
        wbValid = regInit(bool(), bool(false));
        wbAccumulate = reg(bool());
        wbAddr = reg(uint(cBits));
        wbRow = reg(bits(GemmConfig.ACC_WIDTH * cols));
        when(computeStart, () -> {
            assign(compActive, bool(true));
            assign(compAccumulate, dec.flag);
            assign(compTag, dec.tag);
            assign(compNBlocks, resize(dec.nBlocks, nbBits));
            assign(compALo, dec.lo0);
            assign(compAHi, dec.aEnd);
            assign(compBLo, dec.lo1);
            assign(compBHi, dec.bEnd);
            assign(compAccLo, dec.lo2);
            assign(compAccHi, dec.accEnd);
            assign(rowsExpected, uint(0, 2 * addr));
            assign(rowsWritten, uint(0, 2 * addr));
        });
        issue = config.weightStationary()
                ? new WeightStationaryIssue(config, (WeightStationaryArray) core, this, dec, aMem, bMem)
                : new OutputStationaryIssue(config, (SystolicArray) core, this, dec, aMem, bMem);
        when(issue.rowsIssued(), () -> assign(rowsExpected, add(rowsExpected, uint(issue.rowsPerIssue(), 2 * addr))));
        Stream<SystolicArray.Row> result = issue.result();
        assign(result.ready(), bool(true));
        rowArrives = result.valid();
        rmwRead = and(rowArrives, issue.rowAccumulate());
        Bits rowBits = asBits(result.payload().c[cols - 1]);
        for (int j = cols - 2; j >= 0; j--) {
            rowBits = concat(rowBits, result.payload().c[j]);
        }
        arrivingRow = rowBits;
        writeBack = bits(GemmConfig.ACC_WIDTH * cols);
        computeDone = bool();
    }

    /**
     * The write-back, given the accumulator port's read data ({@code old}: the word {@link #rmwRead}
     * asked for in the cycle before).
     */
    void writeBack(Mem<Bits> accMem, Bits old) {
        assign(wbValid, rowArrives);
        assign(wbAccumulate, issue.rowAccumulate());
        when(rowArrives, () -> {
            assign(wbAddr, issue.rowAddr());
            assign(wbRow, arrivingRow);
        });
        Bits sum = null;
        for (int j = 0; j < cols; j++) {
            SInt lane = named(asSInt(slice(wbRow, 32 * j + 31, 32 * j)), "wb_lane_" + j);
            SInt prev = named(asSInt(slice(old, 32 * j + 31, 32 * j)), "wb_old_" + j);
            SInt s = named(sint(GemmConfig.ACC_WIDTH), "wb_sum_" + j);
            when(wbAccumulate, () -> assign(s, add(prev, lane))).otherwise(() -> assign(s, lane));
            sum = sum == null ? asBits(s) : concat(s, sum);
        }
        assign(writeBack, sum);
        write(accMem, wbAddr, writeBack, wbValid);
        when(wbValid, () -> assign(rowsWritten, add(rowsWritten, uint(1, widthOf(rowsWritten)))));
        // Done when every beat is issued and every row they produce is written.
        assign(computeDone, and(compActive, and(not(compRespValid), and(issue.idle(), and(not(rowArrives),
                and(not(wbValid), eq(rowsWritten, rowsExpected)))))));
        when(computeDone, () -> assign(compRespValid, bool(true)));
    }

    /** The response left: the unit is free again. */
    void responded() {
        assign(compRespValid, bool(false));
        assign(compActive, bool(false));
    }
}
