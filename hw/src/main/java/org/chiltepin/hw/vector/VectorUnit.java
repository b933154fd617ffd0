package org.chiltepin.hw.vector;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The vector unit: the non-matmul operations of a transformer (elementwise add / multiply /
 * requantization, exponential, SiLU, normalization by a reciprocal, max with argmax, sum, the
 * root mean square, dynamic requantization to int8, rotary embedding) on a
 * local int32 scratchpad of {@code words} words in {@code lanes} banks, one row of {@code lanes}
 * elements per cycle. One command runs at a time (docs/vector.md).
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code s_axis_cmd_*}: 128-bit commands ({@link VectorCommand} has the encoding).</li>
 *   <li>{@code s_axis_data_*}: LOAD's rows, lanes {@code d_i} (s32); lanes past the length in
 *       the last row are ignored.</li>
 *   <li>{@code m_axis_data_*}: STORE's rows, lanes {@code d_i} (lanes past the length are 0),
 *       {@code last} on the command's final row.</li>
 *   <li>{@code m_axis_rsp_*}: one response per command: {@code tag}, {@code opcode},
 *       {@code status} (0 OK, 1 bad opcode, 2 bad size, 3 bad range), {@code value} (s32: the
 *       maximum, the sum, EXP's sum of outputs, RMS's root, QUANT's scale word), {@code index}
 *       (16 bits: the first index of MAX's maximum or of QUANT's max|a|).</li>
 * </ul>
 *
 * <h2>Timing</h2>
 * A command is accepted in IDLE, checked the next cycle (an illegal one is answered then and
 * changes nothing: no write, no data consumed), then sweeps ⌈len/lanes⌉ rows at one per cycle
 * through the {@value VectorLane#STAGES}-stage lanes; EXP, NORM and RMS first read their scalar
 * (2 cycles), NORM divides ({@value VectorDivider#STEPS} cycles); RMS takes the square root
 * after its sweep ({@value VectorSqrt#STEPS} cycles); QUANT sweeps twice with the search of its
 * exponent between (1 to 34 cycles); MAX, SUM, RMS and QUANT write their result one cycle after. STORE stalls the lanes while {@code m_axis_data} is not ready.
 * Parameters: {@link VectorConfig}.
 */
public final class VectorUnit extends Block {

    /** A row of lanes: payload of {@code s_axis_data} (without {@code last}) and {@code m_axis_data}. */
    public static final class Row extends HdlBundle {
        private final int lanes;
        private final boolean withLast;
        public final SInt[] d;
        /** The command's final row ({@code m_axis_data} only; null on {@code s_axis_data}). */
        public final Bool last;

        public Row(int lanes, boolean withLast) {
            this.lanes = lanes;
            this.withLast = withLast;
            SInt[] ds = new SInt[lanes];
            for (int j = 0; j < lanes; j++) {
                ds[j] = sint(32);
            }
            d = fields("d", ds);
            last = withLast ? field("last", bool()) : null;
        }

        @Override
        protected Row copy() {
            return new Row(lanes, withLast);
        }
    }

    /** Payload of {@code m_axis_rsp}. */
    public static final class Response extends HdlBundle {
        public final UInt tag = field("tag", uint(8));
        public final UInt opcode = field("opcode", uint(4));
        public final UInt status = field("status", uint(2));
        public final SInt value = field("value", sint(32));
        public final UInt index = field("index", uint(16));

        @Override
        protected Response copy() {
            return new Response();
        }
    }

    final VectorConfig config;
    public final Stream<Bits> sAxisCmd;
    public final Stream<Row> sAxisData;
    public final Stream<Row> mAxisData;
    public final Stream<Response> mAxisRsp;

    final Mem<SInt>[] bank;
    final SInt[] readA;
    final SInt[] readB;
    final VectorLane[] lane;
    final VectorReducer reducer;
    final VectorDivider divider;
    final VectorSqrt sqrt;
    final VectorControl control;

    @SuppressWarnings("unchecked")
    public VectorUnit(VectorConfig config) {
        this.config = config;
        int lanes = config.lanes();
        sAxisCmd = slaveStream(type(() -> bits(VectorCommand.WIDTH)));
        sAxisData = slaveStream(type(() -> new Row(lanes, false)));
        mAxisData = masterStream(type(() -> new Row(lanes, true)));
        mAxisRsp = masterStream(type(Response::new));

        bank = new Mem[lanes];
        readA = new SInt[lanes];
        readB = new SInt[lanes];
        lane = new VectorLane[lanes];
        for (int i = 0; i < lanes; i++) {
            bank[i] = named(mem(sint(32), config.rows()), "bank_" + i);
            boolean odd = (i & 1) == 1;
            lane[i] = build(() -> new VectorLane(odd));
        }
        reducer = build(() -> new VectorReducer(config));
        divider = build(VectorDivider::new);
        sqrt = build(VectorSqrt::new);
        control = new VectorControl(config, this);
        for (int i = 0; i < lanes; i++) {
            readA[i] = named(readSync(bank[i], control.readRowA, control.advance), "read_a_" + i);
            readB[i] = named(readSync(bank[i], control.readRowB, control.advance), "read_b_" + i);
        }
        control.connect(this);
    }
}
