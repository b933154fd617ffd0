package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hdl.HdlEnum;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.SpinalEnum;
import spinal.core.SpinalEnumCraft;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The GEMM engine's load unit: LOAD_A, LOAD_B and LOAD_SCALE take {@code count} beats from
 * {@code s_axis_data} and write them, one per cycle, at consecutive addresses of the A or B
 * scratchpad or of the scale tables (entry i of a scale row is channel {@code row·cols + i}). A
 * LOAD whose range is bad still takes its beats (discarded), keeping the data stream aligned with
 * the command stream. {@code s_axis_data} is ready while a LOAD runs and has not finished; the
 * response is offered the cycle after the last beat ({@code load_resp_valid}).
 */
final class LoadUnit extends HdlArea {
    final HdlEnum<LoadTarget> targets = HdlEnum.of(LoadTarget.class);
    /** High in the cycle the dispatcher issues a LOAD. */
    final Bool loadStart;
    /**
     * The LOAD in decode has a bad range (and a good size): it consumes its data beats, discarded,
     * keeping the data stream aligned with the command stream.
     */
    final Bool loadDiscardNow;
    final Bool loadActive;
    final Bool loadRespValid;
    final SpinalEnumCraft<SpinalEnum> loadTarget;
    final Bool loadDiscard;
    final UInt loadAddr;
    final UInt loadRemaining;
    final UInt loadLo;
    final UInt loadHi;
    final UInt loadTag;
    final UInt loadOpcode;
    final UInt loadStatus;
    final Bool loadIntoA;
    final Bool loadIntoB;
    final Bool loadIntoS;
    final UInt aWriteAddr;
    final Bits aWriteData;
    final Bool aWriteEnable;
    final UInt bWriteAddr;
    final Bits bWriteData;
    final Bool bWriteEnable;
    final UInt scaleWriteRow;
    final SInt scaleWriteMult;
    final UInt scaleWriteShift;
    /** A LOAD into A, B or the scales is running and writes (not discarding). */
    final Bool loadsA;
    final Bool loadsB;
    final Bool loadsS;
    final Bool dataFire;
    final Bool writeData;

    LoadUnit(GemmConfig config, CommandDecoder.Decoded dec, Stream<Bits> sAxisData, Mem<Bits> aMem,
            Mem<Bits> bMem, Mem<SInt>[] scaleMult, Mem<UInt>[] scaleShift) {
        int rows = config.rows();
        int cols = config.cols();
        int logCols = GemmConfig.log2(cols);
        int sBits = GemmConfig.log2(config.scaleDepth() / cols);
        int addr = config.rangeWidth();
        loadStart = bool();
        // A rejected LOAD (reserved bits set: BAD_OPCODE, or a bad range: BAD_RANGE) still consumes
        // its data beats, discarded: the data stream stays aligned and the memory unchanged.
        loadDiscardNow = and(dec.isLoad, and(not(dec.sizeBad), dec.error));
        loadActive = regInit(bool(), bool(false));
        loadRespValid = regInit(bool(), bool(false));
        loadTarget = targets.regInit(LoadTarget.A);
        loadDiscard = reg(bool());
        loadAddr = reg(uint(16));
        loadRemaining = reg(uint(16));
        loadLo = reg(uint(addr));
        loadHi = reg(uint(addr));
        loadTag = reg(uint(8));
        loadOpcode = reg(uint(4));
        loadStatus = reg(uint(4));
        loadIntoA = targets.is(loadTarget, LoadTarget.A);
        loadIntoB = targets.is(loadTarget, LoadTarget.B);
        loadIntoS = targets.is(loadTarget, LoadTarget.SCALE);
        Bool intoA = loadIntoA;
        Bool intoB = loadIntoB;
        Bool intoS = loadIntoS;
        Bool writing = and(loadActive, not(loadDiscard));
        loadsA = and(writing, intoA);
        loadsB = and(writing, intoB);
        loadsS = and(writing, intoS);

        when(loadStart, () -> {
            assign(loadActive, bool(true));
            when(dec.isLoadA, () -> targets.set(loadTarget, LoadTarget.A))
                    .elseWhen(dec.isLoadB, () -> targets.set(loadTarget, LoadTarget.B))
                    .otherwise(() -> targets.set(loadTarget, LoadTarget.SCALE));
            assign(loadDiscard, loadDiscardNow);
            assign(loadAddr, dec.addr0);
            assign(loadRemaining, dec.count);
            assign(loadLo, dec.lo0);
            assign(loadHi, dec.loadEnd);
            assign(loadTag, dec.tag);
            assign(loadOpcode, dec.opcode);
            assign(loadStatus, dec.status);
        });

        assign(sAxisData.ready(), and(loadActive, not(loadRespValid)));
        dataFire = sAxisData.fire();
        Bits data = sAxisData.payload();
        writeData = and(dataFire, not(loadDiscard));
        aWriteAddr = resize(loadAddr, GemmConfig.log2(config.aDepth()));
        aWriteData = slice(data, 8 * rows - 1, 0);
        aWriteEnable = and(writeData, intoA);
        write(aMem, aWriteAddr, aWriteData, aWriteEnable);
        bWriteAddr = resize(loadAddr, GemmConfig.log2(config.bDepth()));
        bWriteData = slice(data, 8 * cols - 1, 0);
        bWriteEnable = and(writeData, intoB);
        write(bMem, bWriteAddr, bWriteData, bWriteEnable);
        // Entry i of a scale row is channel row·cols + i: the low address bits pick the lane.
        scaleWriteRow = slice(loadAddr, logCols + sBits - 1, logCols);
        scaleWriteMult = asSInt(slice(data, 15, 0));
        scaleWriteShift = asUInt(slice(data, 23, 16));
        for (int j = 0; j < cols; j++) {
            Bool lane = logCols == 0 ? bool(true) : eq(slice(loadAddr, logCols - 1, 0), uint(j, logCols));
            Bool we = named(and(writeData, and(intoS, lane)), "scale_write_" + j);
            write(scaleMult[j], scaleWriteRow, scaleWriteMult, we);
            write(scaleShift[j], scaleWriteRow, scaleWriteShift, we);
        }
        when(dataFire, () -> {
            assign(loadAddr, add(loadAddr, uint(1, 16)));
            assign(loadRemaining, sub(loadRemaining, uint(1, 16)));
            when(eq(loadRemaining, uint(1, 16)), () -> assign(loadRespValid, bool(true)));
        });
    }

    /** The response left: the unit is free again. */
    void responded() {
        assign(loadRespValid, bool(false));
        assign(loadActive, bool(false));
    }
}
