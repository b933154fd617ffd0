package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hw.array.SystolicArray;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The dataflow-specific half of the {@link ComputeUnit}: it streams operands from the scratchpads
 * into the array core and says where each result row goes. {@link OutputStationaryIssue} and
 * {@link WeightStationaryIssue} implement it; the write-back and the completion check are shared.
 */
interface IssueSide {
    /** Every beat of the COMPUTE is issued and the operand stage is empty. */
    Bool idle();

    /** High in a cycle whose issued beat completes {@link #rowsPerIssue()} result rows. */
    Bool rowsIssued();

    int rowsPerIssue();

    /** The accumulator word of the result row arriving now. */
    UInt rowAddr();

    /** The arriving row is added to the accumulator word (not written over it). */
    Bool rowAccumulate();

    /** A beat enters the array this cycle (the MAC-active counter's event). */
    Bool macFire();

    /** The array's result rows. */
    Stream<SystolicArray.Row> result();

    /** Lane i of a scratchpad word (bits 8i+7..8i) to the array operand {@code lanes[i]}. */
    static void lanes(SInt[] lanes, Bits word) {
        for (int i = 0; i < lanes.length; i++) {
            assign(lanes[i], asSInt(slice(word, 8 * i + 7, 8 * i)));
        }
    }
}
