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
 *
 * <p>A transposing LOAD_B ({@link GemmConfig#transposeLoad()}) writes each beat, a row of k bytes,
 * one byte a cycle: byte j of beat t into lane t mod cols of B word {@code addr0 + ⌊t/cols⌋·k + j}
 * ({@code load_byte}, {@code load_lane}; {@code load_addr} the word being written,
 * {@code load_block} the first word of the block of cols rows). The beat
 * stays offered on {@code s_axis_data} (a stream holds it) and is taken with its last byte, so such
 * a load takes k cycles a beat.
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
    /**
     * Transposing load (null without it): running; the row's last byte, the byte being written and
     * its bit offset; the lane (token mod cols); the first word of the block of cols rows.
     */
    final Bool loadTranspose;
    final UInt loadByteLast;
    final UInt loadByte;
    final UInt loadBit;
    final UInt loadLane;
    final UInt loadBlock;
    final Bool loadTransposing;
    final Bool loadLastByte;
    final Bool loadBeatReady;
    /** A transposed byte is written this cycle. */
    final Bool loadByteStep;
    final UInt loadShifted;
    final Bits loadRowByte;
    final Bits[] bWriteLane;
    final Bool[] bWriteLaneEnable;
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
            BScratchpad bMem, Mem<SInt>[] scaleMult, Mem<UInt>[] scaleShift) {
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
        boolean tl = config.transposeLoad();
        int rb = CommandDecoder.rowBytesWidth(config);
        loadTranspose = tl ? regInit(bool(), bool(false)) : null;
        loadByteLast = tl ? reg(uint(rb)) : null;
        loadByte = tl ? reg(uint(rb)) : null;
        loadBit = tl ? reg(uint(rb + 3)) : null;
        loadLane = tl && logCols > 0 ? reg(uint(logCols)) : null;
        loadBlock = tl ? reg(uint(16)) : null;
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
            if (tl) {
                assign(loadTranspose, dec.transpose);
                assign(loadByteLast, dec.rowLast);
                assign(loadByte, uint(0, rb));
                assign(loadBit, uint(0, rb + 3));
                assign(loadBlock, dec.addr0);
                if (loadLane != null) {
                    assign(loadLane, uint(0, logCols));
                }
            }
        });

        Bool taking = and(loadActive, not(loadRespValid));
        if (tl) {
            named(taking, "load_taking"); // also in load_byte_step
        }
        loadTransposing = tl ? named(and(loadTranspose, not(loadDiscard)), "load_transposing") : null;
        loadLastByte = tl ? named(eq(loadByte, loadByteLast), "load_last_byte") : null;
        loadByteStep = tl ? named(and(taking, and(sAxisData.valid(), loadTransposing)), "load_byte_step") : null;
        // A transposed beat is taken with its last byte.
        loadBeatReady = tl ? named(or(not(loadTransposing), loadLastByte), "load_beat_ready") : null;
        assign(sAxisData.ready(), tl ? and(taking, loadBeatReady) : taking);
        dataFire = sAxisData.fire();
        Bits data = sAxisData.payload();
        writeData = and(dataFire, not(loadDiscard));
        aWriteAddr = resize(loadAddr, GemmConfig.log2(config.aDepth()));
        aWriteData = slice(data, 8 * rows - 1, 0);
        aWriteEnable = and(writeData, intoA);
        write(aMem, aWriteAddr, aWriteData, aWriteEnable);
        // With the transposing load, load_addr runs over the word of each byte; load_block is the block's first word.
        bWriteAddr = resize(loadAddr, GemmConfig.log2(config.bDepth()));
        if (tl) {
            bWriteData = null;
            bWriteEnable = and(writeData, and(intoB, not(loadTransposing)));
            int dw = 8 * config.dataBytes();
            loadShifted = shiftRight(asUInt(data), loadBit); // byte j of the beat in the low byte
            loadRowByte = asBits(slice(loadShifted, 7, 0));
            if (dw > 8) {
                dropBits(loadShifted, dw - 1, 8, "load_shifted_high");
            }
            Bool tWrite = named(and(loadByteStep, intoB), "load_t_write");
            bWriteLane = new Bits[cols];
            bWriteLaneEnable = new Bool[cols];
            for (int j = 0; j < cols; j++) {
                Bool laneWrite = loadLane == null ? tWrite : named(and(tWrite, eq(loadLane, uint(j, logCols))), "load_t_write_" + j);
                bWriteLane[j] = mux(loadTransposing, loadRowByte, slice(data, 8 * j + 7, 8 * j));
                bWriteLaneEnable[j] = or(bWriteEnable, laneWrite);
            }
            bMem.writeLanes(bWriteAddr, bWriteLane, bWriteLaneEnable);
            Bool blockDone = loadLane == null ? bool(true) : named(eq(loadLane, uint(cols - 1, logCols)), "load_block_done");
            UInt nextWord = named(add(loadAddr, uint(1, 16)), "load_next_word");
            when(loadByteStep, () -> when(loadLastByte, () -> {
                assign(loadByte, uint(0, rb));
                assign(loadBit, uint(0, rb + 3));
                if (loadLane != null) {
                    assign(loadLane, add(loadLane, uint(1, logCols)));
                }
                // The next block starts after this one's last word; else back to this block's first.
                when(blockDone, () -> {
                    assign(loadAddr, nextWord);
                    assign(loadBlock, nextWord);
                }).otherwise(() -> assign(loadAddr, loadBlock));
            }).otherwise(() -> {
                assign(loadByte, add(loadByte, uint(1, rb)));
                assign(loadBit, add(loadBit, uint(8, rb + 3)));
                assign(loadAddr, nextWord);
            }));
        } else {
            bWriteData = slice(data, 8 * cols - 1, 0);
            bWriteEnable = and(writeData, intoB);
            bMem.writeWord(bWriteAddr, bWriteData, bWriteEnable);
            loadShifted = null;
            loadRowByte = null;
            bWriteLane = null;
            bWriteLaneEnable = null;
        }
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
            if (tl) { // a transposing load moves load_addr by blocks, above
                when(not(loadTransposing), () -> assign(loadAddr, add(loadAddr, uint(1, 16))));
            } else {
                assign(loadAddr, add(loadAddr, uint(1, 16)));
            }
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
