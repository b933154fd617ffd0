package org.chiltepin.hw.vector;

import static org.chiltepin.hdl.Hdl.*;
import static org.chiltepin.hw.vector.VectorState.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hdl.HdlEnum;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.SpinalEnum;
import spinal.core.SpinalEnumCraft;
import spinal.core.UInt;

/**
 * The vector unit's control: the command registers and their checks, the state machine
 * ({@link VectorState}), the row counters of a sweep, the lanes' valid pipeline, the
 * scratchpad's write port and the response. Lives in {@link VectorUnit}'s module.
 */
final class VectorControl extends HdlArea {
    private final VectorConfig c;
    final HdlEnum<VectorState> states;
    final SpinalEnumCraft<SpinalEnum> state;

    // ---- the command
    final UInt op;
    final UInt sat;
    final UInt tag;
    final UInt dst;
    final UInt srcA;
    final UInt srcB;
    final UInt len;
    final SInt mult;
    final UInt shift;
    /** Reserved bits of the command word were set (BAD_OPCODE). */
    final Bool reserved;
    // ---- its checks
    final Bool isLoad;
    final Bool isStore;
    final Bool isMax;
    final Bool isNorm;
    final Bool isRms;
    final Bool isQuant;
    final Bool isRope;
    /** QUANT's second sweep (the first finds max|a|). */
    final Bool quantPass2;
    final Bool quantPass1;
    final Bool reduction;
    final Bool readsA;
    final Bool writesD;
    final Bool vectorB;
    final Bool scalarB;
    final Bool scalarWord;
    final Bool writesRows;
    final Bool sumsOutputs;
    final Bool opBad;
    final Bool sizeBad;
    final Bool rangeBad;
    final UInt status;
    final Bool legal;
    final Bool illegal;
    // ---- the sweep
    final UInt rows;
    final UInt lastRow;
    final UInt lastCount;
    final UInt dstRow;
    final UInt srcARow;
    final UInt srcBRow;
    final UInt issued;
    final UInt retired;
    final Bool issueNow;
    final Bool[] stageValid;
    final Bool busyLanes;
    final Bool advance;
    final Bool retire;
    final Bool sweepDone;
    final Bool retireLast;
    final UInt rowA;
    final UInt rowB;
    final UInt rowWrite;
    final UInt writeOffset;
    final UInt readRowA;
    final UInt readRowB;
    final Bool divideDone;
    final Bool[] retireLane;
    final Bool[] loadLane;
    final SInt b0;
    final SInt scalarRead;
    final UInt recip;
    final UInt quantShift;
    final Bool loadBeat;
    final Bool loadLast;
    // ---- the write port
    final UInt writeRow;
    final SInt[] writeData;
    final Bool[] writeEnable;
    // ---- the response
    final UInt rspStatus;
    final SInt rspValue;
    final UInt rspIndex;
    final VectorScalars scalars;

    VectorControl(VectorConfig c, VectorUnit u) {
        this.c = c;
        int lanes = c.lanes();
        int lb = c.laneBits();
        int rb = c.rowBits();
        long words = c.words();
        states = HdlEnum.of(VectorState.class);
        state = states.regInit(IDLE);
        op = reg(uint(4));
        sat = reg(uint(2));
        tag = reg(uint(8));
        dst = reg(uint(16));
        srcA = reg(uint(16));
        srcB = reg(uint(16));
        len = reg(uint(16));
        mult = reg(sint(16));
        shift = reg(uint(8));
        reserved = reg(bool());

        isLoad = opIs(VectorCommand.LOAD);
        isStore = opIs(VectorCommand.STORE);
        isMax = opIs(VectorCommand.MAX);
        isNorm = opIs(VectorCommand.NORM);
        isRms = opIs(VectorCommand.RMS);
        isQuant = opIs(VectorCommand.QUANT);
        isRope = opIs(VectorCommand.ROPE);
        quantPass2 = reg(bool());
        reduction = or(or(isMax, opIs(VectorCommand.SUM)), isRms);
        readsA = not(isLoad);
        writesD = not(isStore);
        vectorB = or(or(opIs(VectorCommand.ADD), opIs(VectorCommand.MUL)), isRope);
        scalarB = or(or(opIs(VectorCommand.EXP), isNorm), isRms);
        scalarWord = or(scalarB, isQuant);
        quantPass1 = and(isQuant, not(quantPass2));
        writesRows = and(and(writesD, not(reduction)), not(quantPass1));
        sumsOutputs = or(or(reduction, opIs(VectorCommand.EXP)), quantPass1);
        opBad = or(or(or(eq(op, uint(0, 4)), gt(op, uint(VectorCommand.LAST, 4))),
                or(eq(sat, uint(3, 2)), gt(shift, uint(63, 8)))), reserved);
        UInt len17 = resize(len, 17);
        sizeBad = or(or(eq(len, uint(0, 16)), gt(len17, uint(words, 17))), and(isRope, bit(len, 0)));
        UInt dLen = mux(reduction, uint(2, 17), len17);
        Bool aBad = and(readsA, not(fits(srcA, len17)));
        Bool dBad = and(writesD, not(fits(dst, dLen)));
        Bool bBad = or(and(vectorB, not(fits(srcB, len17))), and(scalarWord, ge(resize(srcB, 17), uint(words, 17))));
        // the overlap rule covers QUANT whichever pass: quantPass2 still holds the previous command's pass in CHECK
        Bool overlapBad = and(and(writesD, not(reduction)), or(and(readsA, overlaps(dst, srcA, len17)), and(vectorB, overlaps(dst, srcB, len17))));
        rangeBad = or(or(aBad, dBad), or(bBad, overlapBad));
        status = mux(opBad, uint(VectorCommand.BAD_OPCODE, 2), mux(sizeBad, uint(VectorCommand.BAD_SIZE, 2),
                mux(rangeBad, uint(VectorCommand.BAD_RANGE, 2), uint(VectorCommand.OK, 2))));
        legal = eq(status, uint(VectorCommand.OK, 2));
        illegal = not(legal);

        int cw = 17 - lb; // row counts and row addresses before the range check bounds them
        lastCount = slice(len, lb - 1, 0);
        rows = add(resize(slice(len, 15, lb), cw), resize(asUInt(asBits(neq(lastCount, uint(0, lb)))), cw));
        lastRow = sub(rows, uint(1, cw));
        dstRow = resize(slice(dst, 15, lb), cw);
        srcARow = resize(slice(srcA, 15, lb), cw);
        srcBRow = resize(slice(srcB, 15, lb), cw);
        issued = reg(uint(cw));
        retired = reg(uint(cw));
        Bool sweeping = states.is(state, SWEEP);
        issueNow = and(sweeping, lt(issued, rows));
        stageValid = new Bool[VectorLane.STAGES];
        advance = bool();
        Bool prev = issueNow;
        for (int s = 0; s < VectorLane.STAGES; s++) {
            stageValid[s] = named(regNextWhen(prev, advance, bool(false)), "stage_valid_" + (s + 1));
            prev = stageValid[s];
        }
        Bool last = stageValid[VectorLane.STAGES - 1];
        assign(advance, not(and(and(last, isStore), not(u.mAxisData.ready()))));
        Bool any = bool(false);
        for (Bool v : stageValid) {
            any = or(any, v);
        }
        busyLanes = any;
        retire = and(last, advance);
        retireLast = eq(retired, lastRow);
        sweepDone = and(eq(issued, rows), not(busyLanes));
        rowA = add(srcARow, issued);
        rowB = mux(states.is(state, SCALAR), srcBRow, add(srcBRow, issued));
        readRowA = slice(rowA, rb - 1, 0);
        readRowB = slice(rowB, rb - 1, 0);
        dropBits(rowA, cw - 1, rb, "row_a_high"); // zero: the range check keeps rows inside
        dropBits(rowB, cw - 1, rb, "row_b_high");
        divideDone = not(u.divider.busy);
        retireLane = laneMask("retire_lane_", retired);
        UInt loadCount = issued; // LOAD counts its rows in the issue counter
        loadLane = laneMask("load_lane_", loadCount);
        b0 = reg(sint(32));
        scalarRead = sint(32);
        recip = reg(uint(31));
        quantShift = reg(uint(6));
        loadBeat = and(states.is(state, LOAD), u.sAxisData.valid());
        loadLast = eq(loadCount, lastRow);

        writeOffset = uint(cw);
        rowWrite = add(mux(and(states.is(state, FINISH), isQuant), srcBRow, dstRow), writeOffset);
        writeRow = slice(rowWrite, rb - 1, 0);
        dropBits(rowWrite, cw - 1, rb, "row_write_high");
        writeData = new SInt[lanes];
        writeEnable = new Bool[lanes];
        for (int i = 0; i < lanes; i++) {
            writeData[i] = named(sint(32), "write_data_" + i);
            writeEnable[i] = named(bool(), "write_enable_" + i);
        }
        rspStatus = reg(uint(2));
        rspValue = reg(sint(32));
        rspIndex = reg(uint(16));
        scalars = new VectorScalars(u.reducer.sumWide, mult, b0, u.reducer.maxValue);
    }

    private Bool opIs(int code) {
        return eq(op, uint(code, 4));
    }

    private Bool fits(UInt at, UInt n) {
        Bool aligned = eq(slice(at, c.laneBits() - 1, 0), uint(0, c.laneBits()));
        return and(aligned, le(add(resize(at, 17), n), uint(c.words(), 17)));
    }

    private static Bool overlaps(UInt d, UInt s, UInt n) {
        UInt d17 = resize(d, 17);
        UInt s17 = resize(s, 17);
        return and(neq(d, s), and(lt(d17, add(s17, n)), lt(s17, add(d17, n))));
    }

    /** Per lane: the lane holds an element of row {@code row} (every lane but the last row's tail). */
    private Bool[] laneMask(String name, UInt row) {
        int lb = c.laneBits();
        Bool full = or(neq(row, lastRow), eq(lastCount, uint(0, lb)));
        Bool[] m = new Bool[c.lanes()];
        for (int i = 0; i < c.lanes(); i++) {
            m[i] = named(i == 0 ? bool(true) : i == c.lanes() - 1 ? full : or(full, gt(lastCount, uint(i, lb))), name + i);
        }
        return m;
    }

    private static Runnable assignLater(spinal.core.Data target, spinal.core.Data source) {
        return () -> assign(target, source);
    }

    /** Wires the lanes, reducer, divider, write port and streams, and runs the state machine. */
    void connect(VectorUnit u) {
        int lanes = c.lanes();
        int cw = 17 - c.laneBits();
        int lb = c.laneBits();
        assign(scalarRead, u.readB[0]);
        for (int i = 1; i < lanes; i++) {
            when(named(eq(resize(srcB, lb), uint(i, lb)), "scalar_lane_" + i), assignLater(scalarRead, u.readB[i]));
        }
        for (int i = 0; i < lanes; i++) {
            VectorLane l = u.lane[i];
            assign(l.advance, advance);
            assign(l.op, mux(isQuant, mux(quantPass2, uint(VectorCommand.NORM, 4), uint(VectorCommand.LANE_ABS, 4)), op));
            assign(l.sat, mux(isQuant, mux(quantPass2, uint(2, 2), uint(0, 2)), sat));
            assign(l.mult, mult);
            assign(l.shift, mux(isQuant, mux(quantPass2, quantShift, uint(0, 6)), resize(shift, 6)));
            assign(l.b0, b0);
            assign(l.recip, recip);
            assign(l.a, u.readA[i]);
            assign(l.b, u.readB[i]);
            assign(l.partnerA, u.readA[i ^ 1]);
            assign(l.partnerB, resize(u.readB[i ^ 1], 16)); // ROPE uses B's low 16 bits
            assign(u.reducer.value[i], l.result);
            assign(u.reducer.valid[i], retireLane[i]);
            assign(u.mAxisData.payload().d[i], mux(retireLane[i], l.result, sint(0, 32)));
            assign(writeData[i], mux(isLoad, u.sAxisData.payload().d[i], l.result));
            assign(writeEnable[i], bool(false));
            write(u.bank[i], writeRow, writeData[i], writeEnable[i]);
        }
        assign(writeOffset, mux(isLoad, issued, retired));
        assign(u.reducer.clear, states.is(state, CHECK));
        assign(u.reducer.take, and(retire, sumsOutputs));
        assign(u.reducer.row, slice(retired, c.rowBits() - 1, 0));
        assign(u.reducer.shift, resize(shift, 6));
        assign(u.reducer.sat, sat);
        assign(u.divider.start, bool(false));
        assign(u.divider.divisor, scalarRead);
        assign(u.sqrt.start, bool(false));
        assign(u.sqrt.radicand, scalars.radicand);
        assign(u.mAxisData.valid(), and(stageValid[VectorLane.STAGES - 1], isStore));
        assign(u.mAxisData.payload().last, retireLast);
        assign(u.sAxisData.ready(), states.is(state, LOAD));
        assign(u.sAxisCmd.ready(), states.is(state, IDLE));
        assign(u.mAxisRsp.valid(), states.is(state, RESPOND));
        VectorUnit.Response r = u.mAxisRsp.payload();
        assign(r.tag, tag);
        assign(r.opcode, op);
        assign(r.status, rspStatus);
        assign(r.value, rspValue);
        assign(r.index, rspIndex);
        Bits cmd = u.sAxisCmd.payload();

        when(named(and(issueNow, advance), "issue_row"), () -> assign(issued, add(issued, uint(1, cw))));
        when(retire, () -> {
            assign(retired, add(retired, uint(1, cw)));
            when(writesRows, () -> {
                for (int i = 0; i < lanes; i++) {
                    assign(writeEnable[i], retireLane[i]);
                }
            });
        });
        states.on(state, k -> k
                .is(IDLE, () -> when(u.sAxisCmd.valid(), () -> {
                    assign(op, asUInt(field(cmd, VectorCommand.OP)));
                    assign(sat, asUInt(field(cmd, VectorCommand.SAT)));
                    assign(tag, asUInt(field(cmd, VectorCommand.TAG)));
                    assign(dst, asUInt(field(cmd, VectorCommand.DST)));
                    assign(srcA, asUInt(field(cmd, VectorCommand.SRC_A)));
                    assign(srcB, asUInt(field(cmd, VectorCommand.SRC_B)));
                    assign(len, asUInt(field(cmd, VectorCommand.LEN)));
                    assign(mult, asSInt(field(cmd, VectorCommand.MULT)));
                    assign(shift, asUInt(field(cmd, VectorCommand.SHIFT)));
                    assign(reserved, or(neq(slice(cmd, 7, 6), bitsLiteral(0, 2)),
                            neq(slice(cmd, VectorCommand.WIDTH - 1, 104), bitsLiteral(0, VectorCommand.WIDTH - 104))));
                    states.set(state, CHECK);
                }))
                .is(CHECK, () -> {
                    assign(quantPass2, bool(false));
                    assign(scalars.exponent, uint(0, 6));
                    assign(issued, uint(0, cw));
                    assign(retired, uint(0, cw));
                    assign(rspStatus, status);
                    assign(rspValue, sint(0, 32));
                    assign(rspIndex, uint(0, 16));
                    when(illegal, () -> states.set(state, RESPOND))
                            .elseWhen(isLoad, () -> states.set(state, LOAD))
                            .elseWhen(scalarB, () -> states.set(state, SCALAR))
                            .otherwise(() -> states.set(state, SWEEP));
                })
                .is(SCALAR, () -> states.set(state, SCALAR_WAIT))
                .is(SCALAR_WAIT, () -> {
                    assign(b0, scalarRead);
                    when(isNorm, () -> {
                        assign(u.divider.start, bool(true));
                        states.set(state, DIVIDE);
                    }).otherwise(() -> states.set(state, SWEEP));
                })
                .is(DIVIDE, () -> when(divideDone, () -> {
                    assign(recip, u.divider.recip);
                    states.set(state, SWEEP);
                }))
                .is(LOAD, () -> when(loadBeat, () -> {
                    for (int i = 0; i < lanes; i++) {
                        assign(writeEnable[i], loadLane[i]);
                    }
                    assign(issued, add(issued, uint(1, cw)));
                    when(loadLast, () -> states.set(state, RESPOND));
                }))
                .is(SWEEP, () -> when(sweepDone, () -> {
                    assign(rspValue, u.reducer.sumInt32);
                    when(isRms, () -> {
                        assign(u.sqrt.start, bool(true));
                        states.set(state, ROOT);
                    }).elseWhen(quantPass1, () -> states.set(state, QSEARCH))
                            .elseWhen(or(reduction, isQuant), () -> states.set(state, FINISH))
                            .otherwise(() -> states.set(state, RESPOND));
                }))
                .is(ROOT, () -> when(not(u.sqrt.busy), () -> states.set(state, FINISH)))
                .is(QSEARCH, () -> when(scalars.exponentFits, () -> {
                    assign(recip, resize(scalars.quantRecip, 31));
                    assign(quantShift, scalars.quantLaneShift);
                    assign(quantPass2, bool(true));
                    assign(issued, uint(0, cw));
                    assign(retired, uint(0, cw));
                    states.set(state, SWEEP);
                }).otherwise(() -> assign(scalars.exponent, add(scalars.exponent, uint(1, 6)))))
                .is(FINISH, () -> {
                    assign(writeOffset, uint(0, cw));
                    SInt value = mux(isMax, u.reducer.maxValue, mux(isRms, asSInt(resize(u.sqrt.root, 32)),
                            mux(isQuant, scalars.scaleWord, u.reducer.sumResult)));
                    for (int i = 0; i < lanes; i++) {
                        assign(writeData[i], i == 1 ? mux(isMax, asSInt(resize(u.reducer.maxIndex, 32)), value) : value);
                        Bool scaleLane = eq(resize(srcB, lb), uint(i, lb));
                        Bool own = i == 0 ? not(isQuant) : i == 1 ? isMax : bool(false);
                        assign(writeEnable[i], or(own, and(isQuant, scaleLane)));
                    }
                    assign(rspValue, value);
                    assign(rspIndex, mux(or(isMax, isQuant), u.reducer.maxIndex, uint(0, 16)));
                    states.set(state, RESPOND);
                })
                .is(RESPOND, () -> when(u.mAxisRsp.ready(), () -> states.set(state, IDLE))));
    }

    private static Bits field(Bits word, int[] at) {
        return slice(word, at[0] + at[1] - 1, at[0]);
    }
}
