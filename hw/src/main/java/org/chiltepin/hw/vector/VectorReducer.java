package org.chiltepin.hw.vector;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * The vector unit's reductions over the rows leaving the lanes: the exact sum (int64, in index
 * order) and the maximum with the first index that holds it.
 *
 * <p>Ports: {@code clear} (start a command), {@code take} (a row is offered this cycle),
 * {@code value_i} (s32) and {@code valid_i} per lane, {@code row} (the row's index in the
 * command); {@code shift} (6) and {@code sat} (2) for the SUM result. Outputs, valid the cycle
 * after the last {@code take}: {@code sum_result} (sat(roundShift(sum, shift))),
 * {@code sum_int32} (the sum saturated to int32), {@code sum_wide} (the exact sum, RMS), {@code max_value} (s32), {@code max_index} (16).
 */
public final class VectorReducer extends Block {
    final Bool clear = in(bool());
    final Bool take = in(bool());
    final SInt[] value;
    final Bool[] valid;
    final UInt row;
    final UInt shift = in(uint(6));
    final UInt sat = in(uint(2));
    final SInt sumResult = out(sint(32));
    final SInt sumInt32 = out(sint(32));
    final SInt sumWide = out(sint(48));
    final SInt maxValue = out(sint(32));
    final UInt maxIndex = out(uint(16));

    final SInt sum;
    final Bool seen;
    final SInt best;
    final UInt bestIndex;
    final SInt rowSum;
    final SInt rowBest;
    final UInt rowBestLane;
    final Bool rowWins;
    final Bool shiftZero;
    final SInt shifted;

    public VectorReducer(VectorConfig c) {
        int lanes = c.lanes();
        value = new SInt[lanes];
        valid = new Bool[lanes];
        for (int i = 0; i < lanes; i++) {
            value[i] = in(sint(32));
            valid[i] = in(bool());
        }
        row = in(uint(c.rowBits()));
        sum = regInit(sint(64), sint(0, 64));
        seen = regInit(bool(), bool(false));
        best = regInit(sint(32), sint(0, 32));
        bestIndex = regInit(uint(16), uint(0, 16));

        // the row's sum and its first maximum, in lane order (lane 0 is always valid)
        SInt s = mux(valid[0], resize(value[0], 64), sint(0, 64));
        SInt m = value[0];
        UInt lane = uint(0, c.laneBits());
        for (int i = 1; i < lanes; i++) {
            s = add(s, mux(valid[i], resize(value[i], 64), sint(0, 64)));
            Bool better = named(and(valid[i], gt(value[i], m)), "lane_better_" + i);
            m = mux(better, value[i], m);
            lane = mux(better, uint(i, c.laneBits()), lane);
        }
        rowSum = s;
        rowBest = m;
        rowBestLane = lane;
        rowWins = or(not(seen), gt(rowBest, best));
        when(clear, () -> {
            assign(sum, sint(0, 64));
            assign(seen, bool(false));
            assign(best, sint(0, 32));
            assign(bestIndex, uint(0, 16));
        }).elseWhen(take, () -> {
            assign(sum, add(sum, rowSum));
            assign(seen, bool(true));
            when(rowWins, () -> {
                assign(best, rowBest);
                assign(bestIndex, resize(asUInt(concat(row, rowBestLane)), 16));
            });
        });

        shiftZero = eq(shift, uint(0, 6));
        shifted = shiftRight(sum, sub(shift, uint(1, 6)));
        SInt rounded = mux(shiftZero, sum, VectorLane.halfUp(shifted));
        assign(sumResult, VectorLane.saturate(rounded, sat));
        assign(sumInt32, VectorLane.saturate(sum, uint(0, 2)));
        assign(sumWide, resize(sum, 48)); // RMS: a sum of at most 2^16 int32 squares is below 2^47
        assign(maxValue, best);
        assign(maxIndex, bestIndex);
    }
}
