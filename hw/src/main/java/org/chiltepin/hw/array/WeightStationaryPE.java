package org.chiltepin.hw.array;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.SInt;

/**
 * One weight-stationary processing element: holds a weight, multiplies the A element arriving
 * from the west by it, adds the partial sum arriving from the north, and passes the sum south
 * and A (with the beat's flags) east, both registered.
 *
 * <p>Ports (registers update only while {@code enable} is high, except the shadow weight):
 * <ul>
 *   <li>{@code weight_write}, {@code weight_value}: load the shadow weight (any time);</li>
 *   <li>{@code in_a}, {@code in_valid}, {@code in_first}, {@code in_last} (only where it is
 *       passed on): A and the beat's flags;
 *       a valid first beat of a pass makes the shadow weight the active one (and uses it);</li>
 *   <li>{@code in_psum}: the partial sum from the north (0 on the top row);</li>
 *   <li>{@code out_psum}: {@code in_psum + in_a × weight}, {@code accWidth} bits, wrapping;</li>
 *   <li>{@code out_a}, {@code out_first}, {@code out_valid} (if the PE has an east neighbour;
 *       the bottom-right PE has {@code out_valid}, which marks the array's output) and
 *       {@code in_last}/{@code out_last} (bottom row only: the flag is needed where rows leave):
 *       the inputs delayed by one cycle.</li>
 * </ul>
 */
public final class WeightStationaryPE extends Block {
    final Bool enable;
    final Bool weightWrite;
    final SInt weightValue;
    final SInt inA;
    final Bool inValid;
    final Bool inFirst;
    final Bool inLast;
    final SInt inPsum;
    final SInt outA;
    final Bool outFirst;
    final Bool outValid;
    final Bool outLast;
    final SInt outPsum;
    final SInt weightShadow;
    final SInt weightActive;
    /** The weight this beat uses: the shadow one on a pass's first beat. */
    final SInt weight;

    /**
     * @param forwardA  the PE has an east neighbour: emit {@code out_a}, {@code out_first}, {@code out_valid}
     * @param bottomRow the PE is in the bottom row: carry the last flag (and emit
     *                  {@code out_valid} even at the east edge)
     */
    public WeightStationaryPE(ArrayConfig config, boolean forwardA, boolean bottomRow) {
        moduleName("WeightStationaryPE" + (bottomRow || !forwardA ? "_" : "") + (bottomRow ? "s" : "") + (forwardA ? "" : "e"));
        int w = config.inputWidth();
        boolean validOut = forwardA || bottomRow;
        enable = in(bool());
        weightWrite = in(bool());
        weightValue = in(sint(w));
        inA = in(sint(w));
        inValid = in(bool());
        inFirst = in(bool());
        inLast = bottomRow ? in(bool()) : null;
        inPsum = in(sint(config.accWidth()));
        outA = forwardA ? out(reg(sint(w))) : null;
        outFirst = forwardA ? out(reg(bool())) : null;
        outValid = validOut ? out(regInit(bool(), bool(false))) : null;
        outLast = bottomRow ? out(reg(bool())) : null;
        outPsum = out(reg(sint(config.accWidth())));
        // Zero weights after reset: a pass started before any weight load computes zeros.
        weightShadow = regInit(sint(w), sint(0, w));
        weightActive = regInit(sint(w), sint(0, w));

        weight = mux(inFirst, weightShadow, weightActive);
        when(weightWrite, () -> assign(weightShadow, weightValue));
        when(enable, () -> {
            if (forwardA) {
                assign(outA, inA);
                assign(outFirst, inFirst);
            }
            if (validOut) {
                assign(outValid, inValid);
            }
            if (bottomRow) {
                assign(outLast, inLast);
            }
            assign(outPsum, add(inPsum, resize(mul(inA, weight), config.accWidth())));
            when(and(inValid, inFirst), () -> assign(weightActive, weightShadow));
        });
    }
}
