package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import org.chiltepin.hw.array.SystolicArray;
import org.chiltepin.hw.array.WeightStationaryArray;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The GEMM engine: a systolic array — output-stationary ({@link SystolicArray}) or
 * weight-stationary ({@link WeightStationaryArray}), per {@link GemmConfig#dataflow()} — with A and B scratchpads, an
 * int32 accumulator memory, per-channel requantization to int8, performance counters, and a
 * command stream. Three units run concurrently — load, compute, output — so operands for the
 * next tile load while the current one computes and results drain; an in-order dispatcher
 * issues each command when its unit is free and its address ranges do not overlap those of a
 * running command of another unit (so results always equal in-order execution).
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code s_axis_cmd_*}: 128-bit commands ({@link GemmCommand} has the encoding).</li>
 *   <li>{@code s_axis_data_*}: operand words for LOAD_A / LOAD_B / LOAD_SCALE, {@code 8 ×
 *       dataBytes} bits, one word per beat, in command order. Lane i (bits 8i+7..8i) of an A
 *       word is A[mBlock·rows + i][k]; of a B word, B[k][nBlock·cols + i]. A scale entry is a
 *       signed 16-bit multiplier in bits 15..0 and an unsigned 8-bit shift in bits 23..16.</li>
 *   <li>{@code m_axis_data_*}: result rows, {@code cols} lanes {@code c_j} of 32 bits (int8 results
 *       of STORE sign-extended; lanes past N are 0) and {@code last} on a command's final beat.</li>
 *   <li>{@code m_axis_resp_*}: one response per command: {@code tag}, {@code opcode},
 *       {@code status} (0 OK, 1 bad opcode, 2 zero size, 3 out of range), {@code value}
 *       (48 bits; the counter for READ_COUNTER, zero-extended from 32 bits in the FPGA profile).</li>
 * </ul>
 *
 * <h2>Timing</h2>
 * Output-stationary: a COMPUTE of M×K×N runs ⌈M/rows⌉·⌈N/cols⌉ array passes of K beats back to back (one beat per
 * cycle when K ≥ max(rows, cols)). Weight-stationary: ⌈N/cols⌉·⌈K/rows⌉ passes of max(M, 2·rows + cols + 3)
 * cycles, each loading a block of weights while the previous one streams. Results are written into the accumulators
 * rows + cols + 3 cycles after its last beat, and it responds then. A command passes two decode
 * registers ({@code cmd_word} with its range products, {@code dec_*} with ends, checks and status)
 * and can issue two cycles after it is accepted (five in the FPGA profile: a range stage, registered
 * hazards, a registered issue decision; plus the serial range products' steps from 8 MACs up). STORE and
 * READ_ACC emit one beat per cycle after a 7-cycle latency (S0 read, S1 word, S2 operands, S3 product,
 * S4 shift, S5 round, queue), plus cols / requantLanes − 1 cycles when the lanes are requantized in
 * groups; with serial multipliers ({@link GemmConfig#serialMultipliers()}) each group holds S2 16 cycles.
 * {@link #latencies} has these numbers for the manifest.
 *
 * <h2>Units</h2>
 * The engine only declares the ports, the memories and the array core and wires its units, one
 * file each, all emitted inside this one module: {@link CommandDecoder}, {@link Dispatcher},
 * {@link LoadUnit}, {@link ComputeUnit} (with an {@link IssueSide} per dataflow), {@link OutputUnit}
 * ({@link RequantPipeline}, {@link OutputQueue}), {@link ResponseArbiter} and
 * {@link PerformanceCounters}. Parameters: {@link GemmConfig}.
 */
public final class GemmEngine extends Block {

    /** Payload of {@code m_axis_data}: one result row segment. */
    public static final class Row extends HdlBundle {
        private final int lanes;
        public final SInt[] c;
        public final Bool last;

        public Row(int lanes) {
            this.lanes = lanes;
            SInt[] cs = new SInt[lanes];
            for (int j = 0; j < lanes; j++) {
                cs[j] = sint(GemmConfig.ACC_WIDTH);
            }
            c = fields("c", cs);
            last = field("last", bool());
        }

        @Override
        protected Row copy() {
            return new Row(lanes);
        }
    }

    /** Payload of {@code m_axis_resp}. */
    public static final class Response extends HdlBundle {
        public final UInt tag = field("tag", uint(8));
        public final UInt opcode = field("opcode", uint(4));
        public final UInt status = field("status", uint(4));
        public final UInt value = field("value", uint(GemmConfig.COUNTER_WIDTH));

        @Override
        protected Response copy() {
            return new Response();
        }
    }

    private final GemmConfig config;
    public final Stream<Bits> sAxisCmd;
    public final Stream<Bits> sAxisData;
    public final Stream<Row> mAxisData;
    public final Stream<Response> mAxisResp;

    /** The array core, named {@code core} in the Verilog whichever the dataflow. */
    final Block core;
    final Mem<Bits> aMem;
    /** B: one memory ({@code b_mem}), or lane memories ({@code b_mem_lane_j}) with the transposing load. */
    final BScratchpad b;
    final Mem<Bits> bMem;
    final Mem<Bits>[] bMemLane;
    final Mem<Bits> accMem;
    final Mem<SInt>[] scaleMult;
    final Mem<UInt>[] scaleShift;

    /** The dispatcher's decision for the command in decode (it also lets the decoder advance). */
    final Bool canIssue;
    final CommandDecoder decoder;
    final PerformanceCounters counters;
    final LoadUnit load;
    final ComputeUnit compute;
    final OutputUnit output;
    final Dispatcher dispatcher;
    /** The accumulator memory's one read port: compute's read-modify-write first, else the output unit's S0. */
    final UInt accReadAddr;
    final Bits accReadData;
    final ResponseArbiter arbiter;

    @SuppressWarnings("unchecked")
    public GemmEngine(GemmConfig config) {
        this.config = config;
        int rows = config.rows();
        int cols = config.cols();
        int scaleRows = config.scaleDepth() / cols;
        boolean ws = config.weightStationary();

        sAxisCmd = slaveStream(type(() -> bits(GemmCommand.WIDTH)));
        sAxisData = slaveStream(type(() -> bits(8 * config.dataBytes())));
        mAxisData = masterStream(type(() -> new Row(cols)));
        mAxisResp = masterStream(type(Response::new));

        core = ws ? build(() -> new WeightStationaryArray(config.array())) : build(() -> new SystolicArray(config.array()));
        aMem = mem(bits(8 * rows), config.aDepth());
        b = new BScratchpad(config);
        bMem = b.word;
        bMemLane = b.lanes;
        accMem = mem(bits(GemmConfig.ACC_WIDTH * cols), config.accDepth());
        scaleMult = new Mem[cols];
        scaleShift = new Mem[cols];
        for (int j = 0; j < cols; j++) {
            scaleMult[j] = mem(sint(GemmConfig.MULT_WIDTH), scaleRows);
            scaleShift[j] = mem(uint(GemmConfig.SHIFT_WIDTH), scaleRows);
        }

        canIssue = bool();
        decoder = new CommandDecoder(config, sAxisCmd, canIssue);
        counters = new PerformanceCounters(config, decoder.dec.addr0);
        load = new LoadUnit(config, decoder.dec, sAxisData, aMem, b, scaleMult, scaleShift);
        compute = new ComputeUnit(config, core, decoder.dec, aMem, b);
        output = new OutputUnit(config, decoder.dec, compute.rmwRead);
        dispatcher = new Dispatcher(config, decoder, canIssue, load, compute, output, counters);

        accReadAddr = mux(compute.rmwRead, compute.issue.rowAddr(), output.outAddr);
        accReadData = readSync(accMem, accReadAddr, or(compute.rmwRead, output.outIssue));
        compute.writeBack(accMem, accReadData);
        output.emit(accReadData, scaleMult, scaleShift, mAxisData);

        UInt none = uint(0, 1);
        arbiter = new ResponseArbiter(mAxisResp,
                new ResponseArbiter.Source(dispatcher.dispRespValid, dispatcher.dispRespTag, dispatcher.dispRespOpcode,
                        dispatcher.dispRespStatus, dispatcher.dispRespValue, dispatcher::responded),
                new ResponseArbiter.Source(load.loadRespValid, load.loadTag, load.loadOpcode, load.loadStatus, none,
                        load::responded),
                new ResponseArbiter.Source(compute.compRespValid, compute.compTag, uint(GemmCommand.COMPUTE, 4),
                        uint(GemmCommand.OK, 4), none, compute::responded),
                new ResponseArbiter.Source(output.outRespValid, output.outTag, output.outOpcode, uint(GemmCommand.OK, 4),
                        none, output::responded));

        CommandDecoder.Decoded dec = decoder.dec;
        Bool busy = or(decoder.holding(),
                or(load.loadActive, or(compute.compActive, output.outActive)));
        Bool clear = named(and(dispatcher.accept, and(dec.isClear, not(dec.error))), "clear_counters");
        Bool eventBusy = named(busy, "event_busy");
        Bool eventMac = named(compute.issue.macFire(), "event_mac_active");
        if (counters.counters.length < GemmCommand.COUNTERS) { // the FPGA profile builds no stall counters
            counters.count(clear, bool(true), eventBusy, eventMac);
        } else {
            counters.count(clear, bool(true), eventBusy, eventMac,
                    named(and(load.loadActive, and(not(load.loadRespValid), not(sAxisData.valid()))), "event_stall_input"),
                    named(or(and(mAxisData.valid(), not(mAxisData.ready())), and(mAxisResp.valid(), not(mAxisResp.ready()))),
                            "event_stall_output"),
                    named(and(decoder.decValid, not(canIssue)), "event_stall_hazard"));
        }
    }

    public GemmConfig config() {
        return config;
    }

    /**
     * The engine's latencies, in clock cycles; the manifest reports these, and a co-simulation
     * test ({@code GemmLatencyCosimTest}) measures them.
     *
     * @param decodeCycles from a command's acceptance on {@code s_axis_cmd} to its issue to a unit (cmd_word,
     *     dec_*; and the range stage rng_* and the registered hazard checks in the FPGA profile)
     * @param immediateResponseCycles from acceptance to the response of a command the dispatcher answers
     *     itself (FENCE, READ_COUNTER, CLEAR_COUNTERS, an illegal command) on an idle engine
     * @param storeLatencyCycles from issue to the first beat of a STORE or READ_ACC on {@code m_axis_data}
     *     (S0 read, S1 word, S2 operands, S3 product, S4 shift, S5 round, queue; plus cols / requantLanes − 1
     *     cycles for the later lane groups of the beat)
     * @param computeDrainCycles from a COMPUTE's last array beat to its rows in the accumulators
     */
    public record Latencies(int decodeCycles, int immediateResponseCycles, int storeLatencyCycles,
            int computeDrainCycles) {
    }

    /** The latencies of an engine built from {@code config}. */
    public static Latencies latencies(GemmConfig config) {
        // The FPGA profile's registered hazard checks add a cycle before a command can go to a unit.
        // The FPGA profile's registered hazard checks add a cycle before a command can go to a
        // unit, and its registered issue decision one more (also before an immediate answer).
        int issue = config.fpgaProfile() ? 1 : 0;
        int decode = CommandDecoder.cycles(config) + 2 * issue;
        // A beat leaves when its last lane group is requantized: groups - 1 cycles after the first;
        // a serial multiplier (GemmConfig.serialMultipliers) holds each group MULT_CYCLES cycles in S2, and the
        // next group enters the cycle after.
        int groups = config.cols() / config.requantLanes();
        int store = config.serialMultipliers()
                ? OutputUnit.LATENCY + 2 + RequantPipeline.MULT_CYCLES - 1 + (groups - 1) * (RequantPipeline.MULT_CYCLES + 1)
                : OutputUnit.LATENCY + 2 + groups - 1;
        return new Latencies(decode, CommandDecoder.cycles(config) + 1 + issue, store, config.rows() + config.cols() + 3);
    }

}
