package org.chiltepin.hw.array;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Weight-stationary systolic array: PE(i, j) holds weight W[i][j] of a {@code rows × cols} block
 * of B (rows along K, cols along N); rows of A stream through, and each beat produces one row of
 * partial sums C[m][j] = Σ_i A[m][i] · W[i][j] over the block's K range.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code weight_write}, {@code weight_row}, {@code weight_value_j}: write row
 *       {@code weight_row} of the shadow weights; the next pass (the beat after a
 *       {@code last}) switches to them as its first beat passes each PE. Writing a row while the
 *       current pass's first beat has not yet reached all of its PEs (rows + cols cycles after
 *       that beat was accepted) is the user's error.</li>
 *   <li>{@code s_axis_*}: beat m carries row m of A's block ({@code s_axis_payload_a_i} =
 *       A[m][k0 + i]) and {@code last} on a pass's final row.</li>
 *   <li>{@code m_axis_*}: one beat per A row, {@code m_axis_payload_c_j} = the partial sum,
 *       {@code accWidth} bits; {@code last} marks a pass's final row.</li>
 * </ul>
 *
 * <h2>Timing</h2>
 * A row leaves {@code rows + cols − 1} cycles after it was accepted; one row per cycle; the whole
 * array holds while {@code m_axis} is stalled. Row i of A enters through i skew registers;
 * column j of the sums is delayed by cols − 1 − j registers so a row leaves aligned.
 */
public final class WeightStationaryArray extends Block {

    /** Payload of {@code s_axis}: one row of A's block and the pass's last flag. */
    public static final class Beat extends HdlBundle {
        private final ArrayConfig config;
        public final SInt[] a;
        public final Bool last;

        public Beat(ArrayConfig config) {
            this.config = config;
            SInt[] as = new SInt[config.rows()];
            for (int i = 0; i < as.length; i++) {
                as[i] = sint(config.inputWidth());
            }
            a = fields("a", as);
            last = field("last", bool());
        }

        @Override
        protected Beat copy() {
            return new Beat(config);
        }
    }

    public final Stream<Beat> sAxis;
    public final Stream<SystolicArray.Row> mAxis;
    public final Bool weightWrite;
    public final UInt weightRow;
    public final SInt[] weightValue;
    final WeightStationaryPE[][] pe;
    final Bool advance;
    final Bool expectFirst;

    public WeightStationaryArray(ArrayConfig config) {
        int rows = config.rows();
        int cols = config.cols();
        sAxis = slaveStream(type(() -> new Beat(config)));
        mAxis = masterStream(type(() -> new SystolicArray.Row(config)));
        weightWrite = in(bool());
        weightRow = in(uint(Math.max(1, SystolicArray.bitsFor(rows - 1))));
        weightValue = new SInt[cols];
        for (int j = 0; j < cols; j++) {
            weightValue[j] = in(sint(config.inputWidth()));
        }
        advance = bool();
        expectFirst = regInit(bool(), bool(true));
        pe = new WeightStationaryPE[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                boolean east = j < cols - 1;
                boolean bottom = i == rows - 1;
                pe[i][j] = build(() -> new WeightStationaryPE(config, east, bottom));
            }
        }
        assign(advance, not(and(mAxis.valid(), not(mAxis.ready()))));
        assign(sAxis.ready(), advance);
        Bool accepted = sAxis.fire();
        when(accepted, () -> assign(expectFirst, sAxis.payload().last));

        for (int i = 0; i < rows; i++) {
            SInt a = sAxis.payload().a[i];
            Bool valid = accepted;
            Bool first = expectFirst;
            Bool last = sAxis.payload().last;
            for (int d = 0; d < i; d++) {
                a = named(regNextWhen(a, advance), "skew_a_" + i + "_" + d);
                valid = named(regNextWhen(valid, advance, bool(false)), "skew_valid_" + i + "_" + d);
                first = named(regNextWhen(first, advance), "skew_first_" + i + "_" + d);
                if (i == rows - 1) {
                    last = named(regNextWhen(last, advance), "skew_last_" + i + "_" + d);
                }
            }
            WeightStationaryPE p = pe[i][0];
            assign(p.inA, a);
            assign(p.inValid, valid);
            assign(p.inFirst, first);
            if (p.inLast != null) {
                assign(p.inLast, last);
            }
        }
        for (int i = 0; i < rows; i++) {
            Bool rowSelected = eq(weightRow, uint(i, widthOf(weightRow)));
            for (int j = 0; j < cols; j++) {
                WeightStationaryPE p = pe[i][j];
                assign(p.enable, advance);
                assign(p.weightWrite, and(weightWrite, rowSelected));
                assign(p.weightValue, weightValue[j]);
                if (j > 0) {
                    WeightStationaryPE west = pe[i][j - 1];
                    assign(p.inA, west.outA);
                    assign(p.inValid, west.outValid);
                    assign(p.inFirst, west.outFirst);
                    if (p.inLast != null) {
                        assign(p.inLast, west.outLast);
                    }
                }
                assign(p.inPsum, i == 0 ? sint(0, config.accWidth()) : pe[i - 1][j].outPsum);
            }
        }
        // Deskew: column j's sums leave the bottom row j cycles after column 0's.
        for (int j = 0; j < cols; j++) {
            SInt c = pe[rows - 1][j].outPsum;
            for (int d = 0; d < cols - 1 - j; d++) {
                c = named(regNextWhen(c, advance), "deskew_c_" + j + "_" + d);
            }
            assign(mAxis.payload().c[j], c);
        }
        WeightStationaryPE corner = pe[rows - 1][cols - 1];
        assign(mAxis.valid(), corner.outValid);
        assign(mAxis.payload().last, corner.outLast);
    }
}
