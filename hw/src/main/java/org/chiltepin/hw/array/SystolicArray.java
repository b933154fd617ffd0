package org.chiltepin.hw.array;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Output-stationary systolic array: computes one {@code rows × cols} tile C = A·B of a matrix
 * product with any inner dimension K ≥ 1, streaming K beats in and {@code rows} result rows out.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code clk}, {@code reset}: rising edge, synchronous active-high reset.</li>
 *   <li>{@code s_axis_*} (valid/ready stream, in): beat k carries column k of A
 *       ({@code s_axis_payload_a_i} = A[i][k], i &lt; rows), row k of B
 *       ({@code s_axis_payload_b_j} = B[k][j], j &lt; cols), signed {@code inputWidth} bits each,
 *       and {@code s_axis_payload_last}, set on the tile's K-th beat.</li>
 *   <li>{@code m_axis_*} (valid/ready stream, out): one beat per result row i, rows in order
 *       0..rows−1: {@code m_axis_payload_c_j} = C[i][j], signed {@code accWidth} bits;
 *       {@code m_axis_payload_last} marks row rows−1.</li>
 * </ul>
 *
 * <h2>Timing</h2>
 * <ul>
 *   <li>Latency: result row i leaves {@code cols + i} cycles after the tile's last beat is
 *       accepted (no output stall).</li>
 *   <li>Throughput: one beat per cycle (rows × cols MACs per cycle). A tile's last beat is
 *       accepted at least {@code max(rows, cols)} cycles after the previous tile's last beat;
 *       tiles with K ≥ max(rows, cols) therefore stream back to back, shorter ones are spaced
 *       by holding {@code s_axis_ready} low while {@code s_axis_payload_last} is set.</li>
 *   <li>Back-pressure: while {@code m_axis_valid && !m_axis_ready} the whole array holds its
 *       state and {@code s_axis_ready} is low (a combinational path from {@code m_axis_ready}).</li>
 * </ul>
 *
 * <h2>Arithmetic</h2>
 * Exact products, {@code accWidth}-bit two's-complement accumulation that wraps on overflow (see
 * docs/numerics.md). Parameters and their legal ranges: {@link ArrayConfig}.
 *
 * <h2>Structure</h2>
 * Row i of A enters through i skew registers, column j of B through j; PE(i, j) sees A[i][k] and
 * B[k][j] together at cycle k + i + j. Each PE captures its dot product when the last beat passes;
 * the last-beat token leaving the east edge of row i selects that row for {@code m_axis}.
 * When {@link ArrayConfig#pairedProducts()} (even cols, int8), PE(i, 2j) and PE(i, 2j+1) take
 * their products from one combinational {@link ProductPair} {@code pair_i_j} fed with the same
 * operands the PEs see, so arithmetic and timing are unchanged; on the iCE40 each pair becomes
 * one SB_MAC16 (docs/fpga.md).
 */
public final class SystolicArray extends Block {

    /** Payload of {@code s_axis}: one column of A, one row of B, and the tile's last flag. */
    public static final class Beat extends HdlBundle {
        private final ArrayConfig config;
        public final SInt[] a;
        public final SInt[] b;
        public final Bool last;

        public Beat(ArrayConfig config) {
            this.config = config;
            a = fields("a", sints(config.rows(), config.inputWidth()));
            b = fields("b", sints(config.cols(), config.inputWidth()));
            last = field("last", bool());
        }

        @Override
        protected Beat copy() {
            return new Beat(config);
        }
    }

    /** Payload of {@code m_axis}: one row of C, and whether it is the tile's last row. */
    public static final class Row extends HdlBundle {
        private final ArrayConfig config;
        public final SInt[] c;
        public final Bool last;

        public Row(ArrayConfig config) {
            this.config = config;
            c = fields("c", sints(config.cols(), config.accWidth()));
            last = field("last", bool());
        }

        @Override
        protected Row copy() {
            return new Row(config);
        }
    }

    private final ArrayConfig config;
    public final Stream<Beat> sAxis;
    public final Stream<Row> mAxis;
    final ProcessingElement[][] pe;
    /** pair[i][j] multiplies for PE(i, 2j) and PE(i, 2j+1); null when the PEs multiply themselves. */
    final ProductPair[][] pair;
    /** Output not blocked: every register of the array advances this cycle. */
    final Bool advance;
    /** The next accepted beat starts a tile. */
    final Bool expectFirst;
    /** Cycles before a tile's last beat may be accepted; null when max(rows, cols) = 1. */
    final UInt holdoff;
    /** The last-beat token has left the east edge of row i: row i is on m_axis. */
    final Bool[] rowDone;

    public SystolicArray(ArrayConfig config) {
        this.config = config;
        int rows = config.rows();
        int cols = config.cols();
        sAxis = slaveStream(type(() -> new Beat(config)));
        mAxis = masterStream(type(() -> new Row(config)));
        advance = bool();
        expectFirst = regInit(bool(), bool(true));
        int spacing = config.tileSpacing();
        holdoff = spacing > 1 ? regInit(uint(bitsFor(spacing - 1)), uint(0, bitsFor(spacing - 1))) : null;

        boolean paired = config.pairedProducts();
        pe = new ProcessingElement[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                boolean east = j < cols - 1;
                boolean south = i < rows - 1;
                pe[i][j] = build(() -> new ProcessingElement(config, east, south, paired));
            }
        }
        pair = paired ? new ProductPair[rows][cols / 2] : null;
        if (paired) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols / 2; j++) {
                    pair[i][j] = build(() -> new ProductPair(config.inputWidth()));
                }
            }
        }

        // Handshake: hold everything while the output is blocked; space out short tiles.
        assign(advance, not(and(mAxis.valid(), not(mAxis.ready()))));
        Bool lastTooSoon = holdoff == null ? bool(false) : and(sAxis.payload().last, neq(holdoff, uint(0, widthOf(holdoff))));
        assign(sAxis.ready(), and(advance, not(lastTooSoon)));
        Bool accepted = sAxis.fire();
        when(accepted, () -> assign(expectFirst, sAxis.payload().last));
        if (holdoff != null) {
            when(and(accepted, sAxis.payload().last), () -> assign(holdoff, uint(spacing - 1, widthOf(holdoff))))
                    .elseWhen(and(advance, neq(holdoff, uint(0, widthOf(holdoff)))),
                            () -> assign(holdoff, sub(holdoff, uint(1, widthOf(holdoff)))));
        }

        // The operands arriving at PE(i, j): from the skew registers at the edges, else from the
        // west / north neighbour. They go to the PE, and to its ProductPair when paired.
        SInt[][] opA = new SInt[rows][cols];
        SInt[][] opB = new SInt[rows][cols];

        // West edge: row i of A and the beat's flags, delayed by i cycles.
        for (int i = 0; i < rows; i++) {
            SInt a = sAxis.payload().a[i];
            Bool valid = accepted;
            Bool first = expectFirst;
            Bool last = sAxis.payload().last;
            for (int d = 0; d < i; d++) {
                a = named(regNextWhen(a, advance), "skew_a_" + i + "_" + d);
                valid = named(regNextWhen(valid, advance, bool(false)), "skew_valid_" + i + "_" + d);
                first = named(regNextWhen(first, advance), "skew_first_" + i + "_" + d);
                last = named(regNextWhen(last, advance), "skew_last_" + i + "_" + d);
            }
            ProcessingElement p = pe[i][0];
            opA[i][0] = a;
            assign(p.inValid, valid);
            assign(p.inFirst, first);
            assign(p.inLast, last);
        }
        // North edge: row k of B, column j delayed by j cycles.
        for (int j = 0; j < cols; j++) {
            SInt b = sAxis.payload().b[j];
            for (int d = 0; d < j; d++) {
                b = named(regNextWhen(b, advance), "skew_b_" + j + "_" + d);
            }
            opB[0][j] = b;
        }
        // Interior: each PE feeds its east and south neighbours.
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                ProcessingElement p = pe[i][j];
                assign(p.enable, advance);
                if (j > 0) {
                    ProcessingElement west = pe[i][j - 1];
                    opA[i][j] = west.outA;
                    assign(p.inValid, west.outValid);
                    assign(p.inFirst, west.outFirst);
                    assign(p.inLast, west.outLast);
                }
                if (i > 0) {
                    opB[i][j] = pe[i - 1][j].outB;
                }
                // A paired PE has in_a / in_b only where it forwards them.
                if (p.inA != null) {
                    assign(p.inA, opA[i][j]);
                }
                if (p.inB != null) {
                    assign(p.inB, opB[i][j]);
                }
                if (paired) {
                    ProductPair pp = pair[i][j / 2];
                    int k = j % 2;
                    assign(pp.a[k], opA[i][j]);
                    assign(pp.b[k], opB[i][j]);
                    assign(p.inProduct, pp.p[k]);
                }
            }
        }

        // Output: the row whose last-beat token left the east edge (at most one at a time).
        rowDone = new Bool[rows];
        for (int i = 0; i < rows; i++) {
            rowDone[i] = and(pe[i][cols - 1].outValid, pe[i][cols - 1].outLast);
        }
        Bool anyDone = rowDone[rows - 1];
        for (int i = rows - 2; i >= 0; i--) {
            anyDone = or(rowDone[i], anyDone);
        }
        assign(mAxis.valid(), anyDone);
        assign(mAxis.payload().last, rowDone[rows - 1]);
        // The lowest done row wins (at most one is): the last assignment in program order.
        for (int j = 0; j < cols; j++) {
            assign(mAxis.payload().c[j], pe[rows - 1][j].result);
        }
        for (int i = rows - 2; i >= 0; i--) {
            int row = i;
            when(rowDone[i], () -> {
                for (int j = 0; j < cols; j++) {
                    assign(mAxis.payload().c[j], pe[row][j].result);
                }
            });
        }
    }

    public ArrayConfig config() {
        return config;
    }

    private static SInt[] sints(int n, int width) {
        SInt[] s = new SInt[n];
        for (int i = 0; i < n; i++) {
            s[i] = sint(width);
        }
        return s;
    }

    /** Bits needed to hold values 0..max. */
    public static int bitsFor(int max) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
    }
}
