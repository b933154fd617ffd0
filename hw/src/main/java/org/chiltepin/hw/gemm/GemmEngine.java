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
 *       (48 bits; the counter for READ_COUNTER).</li>
 * </ul>
 *
 * <h2>Timing</h2>
 * Output-stationary: a COMPUTE of M×K×N runs ⌈M/rows⌉·⌈N/cols⌉ array passes of K beats back to back (one beat per
 * cycle when K ≥ max(rows, cols)). Weight-stationary: ⌈N/cols⌉·⌈K/rows⌉ passes of max(M, 2·rows + cols + 3)
 * cycles, each loading a block of weights while the previous one streams. Results are written into the accumulators
 * rows + cols + 3 cycles after its last beat, and it responds then. A command passes two decode
 * registers ({@code cmd_word} with its range products, {@code dec_*} with ends, checks and status)
 * and can issue two cycles after it is accepted. STORE and READ_ACC emit one beat per cycle after
 * a 7-cycle latency (S0 read, S1 word, S2 operands, S3 product, S4 shift, S5 round, queue).
 * Parameters: {@link GemmConfig}.
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

    private static final int ADDR = 17;     // range ends: 16-bit address + 16-bit count
    /**
     * Cycles from a word's issue (S0) to its last group's push into the queue, for one group: S1
     * (read data), S2 (operands), S3 (product), S4 (shifted), S5 (rounded). The queue needs
     * enough entries to cover the credit round trip at one word per {@code groups} cycles.
     */
    private static final int OUTPUT_LATENCY = 5;
    /** Decode register stages between {@code s_axis_cmd} and the dispatcher: cmd_word, dec_*. */
    private static final int DECODE_CYCLES = 2;

    private final GemmConfig config;
    public final Stream<Bits> sAxisCmd;
    public final Stream<Bits> sAxisData;
    public final Stream<Row> mAxisData;
    public final Stream<Response> mAxisResp;

    /** The array core, named {@code core} in the Verilog whichever the dataflow. */
    final Block core;
    final Mem<Bits> aMem;
    final Mem<Bits> bMem;
    final Mem<Bits> accMem;
    final Mem<SInt>[] scaleMult;
    final Mem<UInt>[] scaleShift;

    // Decoded head command (named wires, for readable Verilog).
    final UInt cmdOpcode;
    final UInt cmdTag;
    final Bool cmdFlag;
    final Bool cmdReserved;
    final UInt cmdAddr0;
    final UInt cmdAddr1;
    final UInt cmdAddr2;
    final UInt cmdCount;
    final UInt cmdN;
    final UInt cmdK;
    final UInt cmdMBlocks;
    final UInt cmdNBlocks;
    final UInt cmdKBlocks;
    final UInt cmdLoadEnd;
    final UInt cmdAEnd;
    final UInt cmdBEnd;
    final UInt cmdAccRows;
    final UInt cmdAccEnd;
    final UInt cmdOutRows;
    final UInt cmdOutEnd;
    final UInt cmdScaleEnd;
    final UInt cmdStatus;
    /** Stage 1 of the decode holds a command (cmd_word and its range products). */
    final Bool cmdValid;
    /** The decode register: the head command with its ranges and status, waiting to issue. */
    final Bool decValid;
    final Decoded dec;
    final Bool canIssue;
    final Bool accept;

    // Dispatcher's own response (errors, FENCE, counters).
    final Bool dispRespValid;
    final UInt dispRespTag;
    final UInt dispRespOpcode;
    final UInt dispRespStatus;
    final UInt dispRespValue;

    // Load unit.
    final Bool loadActive;
    final Bool loadRespValid;
    final UInt loadTarget;
    final Bool loadDiscard;
    final UInt loadAddr;
    final UInt loadRemaining;
    final UInt loadLo;
    final UInt loadHi;
    final UInt loadTag;
    final UInt loadOpcode;
    final UInt loadStatus;

    // Compute unit: the command's parameters; the issue side is built per dataflow.
    final Bool compActive;
    final Bool compRespValid;
    final Bool compAccumulate;
    final UInt compTag;
    final UInt compK;
    final UInt compM;
    final UInt compMBlocks;
    final UInt compNBlocks;
    final UInt compKBlocks;
    final UInt compABase;
    final UInt compBBase;
    final UInt compALo;
    final UInt compAHi;
    final UInt compBLo;
    final UInt compBHi;
    final UInt compAccLo;
    final UInt compAccHi;
    /** High in the cycle a COMPUTE is accepted: the issue side starts over. */
    final Bool computeStart;
    // Compute unit: accumulator write-back (read-modify-write). Within a COMPUTE every row has its
    // own address and COMPUTEs run one at a time, so a read never needs the previous cycle's write.
    /** Result rows the issued beats will produce, and rows written so far. */
    final UInt rowsExpected;
    final UInt rowsWritten;
    final Bool rmwRead;
    final Bits accReadData;
    final Bool wbValid;
    final Bool wbAccumulate;
    final UInt wbAddr;
    final Bits wbRow;

    // Output unit: issue, two pipeline stages, a small queue with credits.
    final Bool outActive;
    final Bool outRespValid;
    final Bool outStore;
    final Bool outRelu;
    final UInt outTag;
    final UInt outOpcode;
    final UInt outAddr;
    final UInt outIssued;
    final UInt outTotal;
    final UInt outNb;
    final UInt outNBlocks;
    final UInt outN;
    final UInt outScaleRow;
    final UInt outLo;
    final UInt outHi;
    final UInt outCredits;
    final Bool outIssue;
    final Bool s1Valid;
    final Bool s1Last;
    final Bool s1Store;
    final Bool s1Relu;
    final Bits s1Mask;
    final SInt[] s1Mult;
    final UInt[] s1Shift;
    /** Groups 1.. of the word in S1 are still to be requantized (only when requantLanes < cols). */
    final Bool w1Busy;
    final UInt w1Group;
    final Bits w1Acc;
    /** Requantization stages S2..S5: the control that travels with a group of lanes. */
    final Stage s2;
    final Stage s3;
    final Stage s4;
    final Stage s5;
    /** S2: operands of each lane (the accumulator, its channel's multiplier and shift). */
    final SInt[] s2Acc;
    final SInt[] s2Mult;
    final UInt[] s2Shift;
    /** S3: the exact 48-bit product, the right shift less one (capped at 63), shift == 0. */
    final SInt[] s3Product;
    final UInt[] s3Amount;
    final Bool[] s3Exact;
    /** S4: the product shifted right by shift − 1 (arithmetic), or the product itself. */
    final SInt[] s4Partial;
    final Bool[] s4Exact;
    /** S5: rounded half up; ReLU and saturation to int8 follow on the way into the queue. */
    final SInt[] s5Value;
    final SInt[] rqInt8;
    final SInt[] assembled;
    final Bits[] queue;
    final UInt queuePush;
    final UInt queuePop;
    final UInt queueCount;
    final int queueDepth;

    // Response arbitration.
    final Bool respLocked;
    final UInt respLockedSource;

    // Performance counters.
    final UInt[] counters;

    @SuppressWarnings("unchecked")
    public GemmEngine(GemmConfig config) {
        this.config = config;
        int rows = config.rows();
        int cols = config.cols();
        int logRows = GemmConfig.log2(rows);
        int logCols = GemmConfig.log2(cols);
        int aBits = GemmConfig.log2(config.aDepth());
        int bBits = GemmConfig.log2(config.bDepth());
        int cBits = GemmConfig.log2(config.accDepth());
        int scaleRows = config.scaleDepth() / cols;
        int sBits = GemmConfig.log2(scaleRows);
        int dataBits = 8 * config.dataBytes();
        int accBits = GemmConfig.ACC_WIDTH * cols;
        int cw = GemmConfig.COUNTER_WIDTH;
        boolean ws = config.weightStationary();

        sAxisCmd = slaveStream(type(() -> bits(GemmCommand.WIDTH)));
        sAxisData = slaveStream(type(() -> bits(dataBits)));
        mAxisData = masterStream(type(() -> new Row(cols)));
        mAxisResp = masterStream(type(Response::new));

        SystolicArray osCore = ws ? null : build(() -> new SystolicArray(config.array()));
        WeightStationaryArray wsCore = ws ? build(() -> new WeightStationaryArray(config.array())) : null;
        core = ws ? wsCore : osCore;
        aMem = mem(bits(8 * rows), config.aDepth());
        bMem = mem(bits(8 * cols), config.bDepth());
        accMem = mem(bits(accBits), config.accDepth());
        scaleMult = new Mem[cols];
        scaleShift = new Mem[cols];
        for (int j = 0; j < cols; j++) {
            scaleMult[j] = mem(sint(GemmConfig.MULT_WIDTH), scaleRows);
            scaleShift[j] = mem(uint(GemmConfig.SHIFT_WIDTH), scaleRows);
        }

        // ------------------------------------------------------------ command decode
        // Two register stages before the dispatcher: cmd_word with the range products (the
        // multipliers work on the command as it arrives), then dec_* with the ends, range checks
        // and status. Each is one multiplier, or one adder and an OR tree, deep.
        Bits raw = sAxisCmd.payload();
        Bool take = sAxisCmd.fire();
        cmdValid = regInit(bool(), bool(false));
        decValid = regInit(bool(), bool(false));
        canIssue = bool();
        Bits cmd = named(regNextWhen(raw, take), "cmd_word");
        cmdOpcode = field(cmd, GemmCommand.OPCODE);
        cmdTag = field(cmd, GemmCommand.TAG);
        cmdFlag = bit(cmd, GemmCommand.FLAG[0]);
        cmdReserved = or(neq(asUInt(slice(cmd, 15, 13)), u(0, 3)), neq(asUInt(slice(cmd, 127, 112)), u(0, 16)));
        cmdAddr0 = field(cmd, GemmCommand.ADDR0);
        cmdAddr1 = field(cmd, GemmCommand.ADDR1);
        cmdAddr2 = field(cmd, GemmCommand.ADDR2);
        cmdCount = field(cmd, GemmCommand.COUNT);
        cmdN = field(cmd, GemmCommand.N);
        cmdK = field(cmd, GemmCommand.K);

        Bool isFence = isOp(cmdOpcode, GemmCommand.FENCE);
        Bool isLoadA = isOp(cmdOpcode, GemmCommand.LOAD_A);
        Bool isLoadB = isOp(cmdOpcode, GemmCommand.LOAD_B);
        Bool isLoadS = isOp(cmdOpcode, GemmCommand.LOAD_SCALE);
        Bool isLoad = or(isLoadA, or(isLoadB, isLoadS));
        Bool isCompute = isOp(cmdOpcode, GemmCommand.COMPUTE);
        Bool isStore = isOp(cmdOpcode, GemmCommand.STORE);
        Bool isRead = isOp(cmdOpcode, GemmCommand.READ_ACC);
        Bool isOutput = or(isStore, isRead);
        Bool isCounter = isOp(cmdOpcode, GemmCommand.READ_COUNTER);
        Bool isClear = isOp(cmdOpcode, GemmCommand.CLEAR_COUNTERS);
        Bool known = and(not(cmdReserved),
                or(isFence, or(isLoad, or(isCompute, or(isOutput, or(isCounter, isClear))))));

        Bool countZero = eq(cmdCount, u(0, 16));
        Bool sizeBad = or(and(isLoad, countZero),
                or(and(isCompute, or(countZero, or(eq(cmdN, u(0, 16)), eq(cmdK, u(0, 16))))),
                        and(isOutput, or(countZero, eq(cmdN, u(0, 16))))));

        cmdMBlocks = ws ? null : ceilDiv(cmd, GemmCommand.COUNT, logRows, ADDR);
        cmdNBlocks = ceilDiv(cmd, GemmCommand.N, logCols, ADDR);
        cmdLoadEnd = add(resize(cmdAddr0, ADDR), resize(cmdCount, ADDR));
        // Range checks multiply only operands that can be in range: a factor larger than the
        // memory is an error by itself, so the products need depth-sized multipliers only.
        // Output-stationary: A spans ⌈M/rows⌉·K words, B ⌈N/cols⌉·K, the accumulators
        // ⌈M/rows⌉·rows·⌈N/cols⌉. Weight-stationary: A spans ⌈K/rows⌉·M, B ⌈N/cols⌉·⌈K/rows⌉·rows,
        // the accumulators M·⌈N/cols⌉.
        cmdKBlocks = ws ? ceilDiv(cmd, GemmCommand.K, logRows, ADDR) : null;
        UInt aF1 = ws ? cmdKBlocks : cmdMBlocks;
        UInt aF2 = ws ? resize(cmdCount, ADDR) : resize(cmdK, ADDR);
        Bool aFactorsFit = and(not(beyond(aF1, config.aDepth())), not(beyond(aF2, config.aDepth())));
        int aw = aBits + 1;
        UInt aSpan = product(take, "cmd_a_span", ws ? ceilDiv(raw, GemmCommand.K, logRows, aw) : ceilDiv(raw, GemmCommand.COUNT, logRows, aw),
                ws ? low(raw, GemmCommand.COUNT, aw) : low(raw, GemmCommand.K, aw));
        cmdAEnd = add(resize(cmdAddr0, endWidth(aSpan)), resize(aSpan, endWidth(aSpan)));
        int bBlocks = ws ? config.bDepth() / rows : config.bDepth();
        int bBlockBits = GemmConfig.log2(bBlocks) + 1;
        UInt bF2 = ws ? cmdKBlocks : resize(cmdK, ADDR);
        Bool bFactorsFit = and(not(beyond(cmdNBlocks, bBlocks)), not(beyond(bF2, bBlocks)));
        UInt bProduct = product(take, "cmd_b_span", ceilDiv(raw, GemmCommand.N, logCols, bBlockBits),
                ws ? ceilDiv(raw, GemmCommand.K, logRows, bBlockBits) : low(raw, GemmCommand.K, bBlockBits));
        UInt bSpan = ws ? shiftLeft(bProduct, logRows) : bProduct;
        cmdBEnd = add(resize(cmdAddr1, endWidth(bSpan)), resize(bSpan, endWidth(bSpan)));
        int accBlocks = config.accDepth() / rows;
        int blockBits = GemmConfig.log2(accBlocks) + 1;
        Bool outFactorsFit = and(not(beyond(cmdCount, config.accDepth())), not(beyond(cmdNBlocks, config.accDepth())));
        cmdOutRows = product(take, "cmd_out_rows", low(raw, GemmCommand.COUNT, cBits + 1),
                ceilDiv(raw, GemmCommand.N, logCols, cBits + 1));
        cmdOutEnd = add(resize(cmdAddr0, endWidth(cmdOutRows)), resize(cmdOutRows, endWidth(cmdOutRows)));
        Bool accFactorsFit = ws ? outFactorsFit
                : and(not(beyond(cmdMBlocks, accBlocks)), not(beyond(cmdNBlocks, accBlocks)));
        cmdAccRows = ws ? cmdOutRows : shiftLeft(product(take, "cmd_acc_blocks", ceilDiv(raw, GemmCommand.COUNT, logRows, blockBits),
                ceilDiv(raw, GemmCommand.N, logCols, blockBits)), logRows);
        cmdAccEnd = add(resize(cmdAddr2, endWidth(cmdAccRows)), resize(cmdAccRows, endWidth(cmdAccRows)));
        cmdScaleEnd = add(resize(cmdAddr1, ADDR), resize(cmdN, ADDR));
        Bool scaleAligned = logCols == 0 ? bool(true) : eq(slice(cmdAddr1, logCols - 1, 0), u(0, logCols));

        Bool loadRangeBad = or(and(isLoadA, beyond(cmdLoadEnd, config.aDepth())),
                or(and(isLoadB, beyond(cmdLoadEnd, config.bDepth())),
                        and(isLoadS, beyond(cmdLoadEnd, config.scaleDepth()))));
        Bool computeRangeBad = and(isCompute, or(not(and(aFactorsFit, and(bFactorsFit, accFactorsFit))),
                or(beyond(cmdAEnd, config.aDepth()), or(beyond(cmdBEnd, config.bDepth()), beyond(cmdAccEnd, config.accDepth())))));
        Bool outputRangeBad = and(isOutput, or(not(outFactorsFit), or(beyond(cmdOutEnd, config.accDepth()),
                and(isStore, or(beyond(cmdScaleEnd, config.scaleDepth()), not(scaleAligned))))));
        Bool counterRangeBad = and(isCounter, ge(cmdAddr0, u(GemmCommand.COUNTERS, 16)));
        Bool rangeBad = or(loadRangeBad, or(computeRangeBad, or(outputRangeBad, counterRangeBad)));

        cmdStatus = mux(not(known), u(GemmCommand.BAD_OPCODE, 4),
                mux(sizeBad, u(GemmCommand.BAD_SIZE, 4),
                        mux(rangeBad, u(GemmCommand.BAD_RANGE, 4), u(GemmCommand.OK, 4))));
        Bool error = neq(cmdStatus, u(GemmCommand.OK, 4));
        // The decoded command is registered: the dispatcher's hazard checks and unit loads start
        // from flip-flops, not from the end of the range multipliers.
        Bool advance = and(cmdValid, or(not(decValid), canIssue));
        dec = new Decoded(advance, cmdOpcode, cmdTag, cmdFlag, cmdAddr0, cmdAddr1, cmdAddr2, cmdCount, cmdN,
                ws ? null : cmdK,
                cmdMBlocks, cmdNBlocks, cmdKBlocks, cmdLoadEnd, resize(cmdAEnd, ADDR), resize(cmdBEnd, ADDR),
                resize(cmdAccEnd, ADDR), cmdOutRows, resize(cmdOutEnd, ADDR),
                cmdStatus, new Bool[] {isFence, isLoadA, isLoadB, isLoadS, isLoad, isCompute, isStore, isOutput,
                    isCounter, isClear, sizeBad, rangeBad, error});

        // ------------------------------------------------------------ unit state
        dispRespValid = regInit(bool(), bool(false));
        dispRespTag = reg(uint(8));
        dispRespOpcode = reg(uint(4));
        dispRespStatus = reg(uint(4));
        dispRespValue = reg(uint(cw));

        loadActive = regInit(bool(), bool(false));
        loadRespValid = regInit(bool(), bool(false));
        loadTarget = reg(uint(2));
        loadDiscard = reg(bool());
        loadAddr = reg(uint(16));
        loadRemaining = reg(uint(16));
        loadLo = reg(uint(ADDR));
        loadHi = reg(uint(ADDR));
        loadTag = reg(uint(8));
        loadOpcode = reg(uint(4));
        loadStatus = reg(uint(4));

        compActive = regInit(bool(), bool(false));
        compRespValid = regInit(bool(), bool(false));
        compAccumulate = reg(bool());
        compTag = reg(uint(8));
        compK = ws ? null : reg(uint(16));
        compM = ws ? reg(uint(16)) : null;
        compMBlocks = ws ? null : reg(uint(ADDR));
        compNBlocks = reg(uint(ADDR));
        compKBlocks = ws ? reg(uint(ADDR)) : null;
        compABase = ws ? reg(uint(aBits)) : null;
        compBBase = ws ? null : reg(uint(bBits));
        compALo = reg(uint(ADDR));
        compAHi = reg(uint(ADDR));
        compBLo = reg(uint(ADDR));
        compBHi = reg(uint(ADDR));
        compAccLo = reg(uint(ADDR));
        compAccHi = reg(uint(ADDR));
        computeStart = bool();
        rowsExpected = reg(uint(2 * ADDR));
        rowsWritten = reg(uint(2 * ADDR));
        wbValid = regInit(bool(), bool(false));
        wbAccumulate = reg(bool());
        wbAddr = reg(uint(cBits));
        wbRow = reg(bits(accBits));

        outActive = regInit(bool(), bool(false));
        outRespValid = regInit(bool(), bool(false));
        outStore = reg(bool());
        outRelu = reg(bool());
        outTag = reg(uint(8));
        outOpcode = reg(uint(4));
        outAddr = reg(uint(cBits));
        outIssued = reg(uint(dec.outRows.getBitsWidth()));
        outTotal = reg(uint(dec.outRows.getBitsWidth()));
        outNb = reg(uint(ADDR));
        outNBlocks = reg(uint(ADDR));
        outN = reg(uint(16));
        outScaleRow = reg(uint(sBits));
        outLo = reg(uint(ADDR));
        outHi = reg(uint(ADDR));
        int lanes = config.requantLanes();
        int groups = cols / lanes;
        int groupBits = Math.max(1, GemmConfig.log2(groups));
        queueDepth = queueDepth(groups);
        int creditBits = GemmConfig.log2(queueDepth) + 1;
        outCredits = regInit(uint(creditBits), u(queueDepth, creditBits));
        s1Valid = regInit(bool(), bool(false));
        s1Last = reg(bool());
        s1Store = reg(bool());
        s1Relu = reg(bool());
        s1Mask = reg(bits(cols));
        s1Mult = new SInt[cols];
        s1Shift = new UInt[cols];
        w1Busy = groups > 1 ? regInit(bool(), bool(false)) : null;
        w1Group = groups > 1 ? reg(uint(groupBits)) : null;
        w1Acc = groups > 1 ? reg(bits(accBits)) : null;
        int pw = GemmConfig.ACC_WIDTH + GemmConfig.MULT_WIDTH;
        s2 = new Stage("s2", lanes, groups > 1 ? groupBits : 0);
        s3 = new Stage("s3", lanes, groups > 1 ? groupBits : 0);
        s4 = new Stage("s4", lanes, groups > 1 ? groupBits : 0);
        s5 = new Stage("s5", lanes, groups > 1 ? groupBits : 0);
        s2Acc = new SInt[lanes];
        s2Mult = new SInt[lanes];
        s2Shift = new UInt[lanes];
        s3Product = new SInt[lanes];
        s3Amount = new UInt[lanes];
        s3Exact = new Bool[lanes];
        s4Partial = new SInt[lanes];
        s4Exact = new Bool[lanes];
        s5Value = new SInt[lanes];
        rqInt8 = new SInt[lanes];
        for (int l = 0; l < lanes; l++) {
            s2Acc[l] = reg(sint(GemmConfig.ACC_WIDTH));
            s2Mult[l] = reg(sint(GemmConfig.MULT_WIDTH));
            s2Shift[l] = reg(uint(GemmConfig.SHIFT_WIDTH));
            s3Product[l] = reg(sint(pw));
            s3Amount[l] = reg(uint(6));
            s3Exact[l] = reg(bool());
            s4Partial[l] = reg(sint(pw));
            s4Exact[l] = reg(bool());
            s5Value[l] = reg(sint(pw));
        }
        assembled = new SInt[(groups - 1) * lanes]; // the last group goes to the queue directly
        for (int j = 0; j < assembled.length; j++) {
            assembled[j] = reg(sint(GemmConfig.ACC_WIDTH));
        }
        // The S1 word stage must be free the cycle a new word's data arrives.
        Bool groupFree = groups == 1 ? bool(true)
                : and(not(s1Valid), or(not(w1Busy), eq(w1Group, u(groups - 1, groupBits))));
        respLocked = regInit(bool(), bool(false));
        respLockedSource = reg(uint(2));

        // ------------------------------------------------------------ hazards and dispatch
        UInt lo0 = resize(dec.addr0, ADDR);
        UInt lo1 = resize(dec.addr1, ADDR);
        UInt lo2 = resize(dec.addr2, ADDR);
        UInt aHi = dec.aEnd;
        UInt bHi = dec.bEnd;
        UInt accHi = dec.accEnd;
        UInt outRangeHi = dec.outEnd;
        Bool loadHazard = or(and(dec.isLoadA, and(compActive, overlaps(lo0, dec.loadEnd, compALo, compAHi))),
                or(and(dec.isLoadB, and(compActive, overlaps(lo0, dec.loadEnd, compBLo, compBHi))),
                        and(dec.isLoadS, and(outActive, outStore))));
        Bool loadsA = and(loadActive, and(not(loadDiscard), eq(loadTarget, u(0, 2))));
        Bool loadsB = and(loadActive, and(not(loadDiscard), eq(loadTarget, u(1, 2))));
        Bool loadsS = and(loadActive, and(not(loadDiscard), eq(loadTarget, u(2, 2))));
        Bool computeHazard = or(and(loadsA, overlaps(lo0, aHi, loadLo, loadHi)),
                or(and(loadsB, overlaps(lo1, bHi, loadLo, loadHi)),
                        and(outActive, overlaps(lo2, accHi, outLo, outHi))));
        Bool outputHazard = or(and(compActive, overlaps(lo0, outRangeHi, compAccLo, compAccHi)),
                and(dec.isStore, loadsS));
        Bool allIdle = and(not(loadActive), and(not(compActive), not(outActive)));

        // A rejected LOAD (reserved bits set: BAD_OPCODE, or a bad range: BAD_RANGE) still
        // consumes its data beats, discarded, keeping the data stream aligned with the command
        // stream and the memory unchanged; every other dec.error answers at once.
        Bool loadDiscardNow = and(dec.isLoad, and(not(dec.sizeBad), dec.error));
        Bool toLoad = and(dec.isLoad, not(dec.sizeBad));
        Bool toCompute = and(dec.isCompute, not(dec.error));
        Bool toOutput = and(dec.isOutput, not(dec.error));
        Bool immediate = and(not(toLoad), and(not(toCompute), not(toOutput)));
        assign(canIssue, mux(toLoad, and(not(loadActive), or(loadDiscardNow, not(loadHazard))),
                mux(toCompute, and(not(compActive), not(computeHazard)),
                        mux(toOutput, and(not(outActive), not(outputHazard)),
                                and(not(dispRespValid), or(not(dec.isFence), or(dec.error, allIdle)))))));
        accept = and(decValid, canIssue);
        // Stage 1 takes a command when it is empty or hands its command on to an empty stage 2;
        // the ready does not wait for the dispatcher (one bubble when both stages are full).
        assign(sAxisCmd.ready(), or(not(cmdValid), not(decValid)));
        when(take, () -> assign(cmdValid, bool(true))).elseWhen(advance, () -> assign(cmdValid, bool(false)));
        when(advance, () -> assign(decValid, bool(true))).elseWhen(accept, () -> assign(decValid, bool(false)));

        String[] counterNames = {"count_cycles", "count_busy", "count_mac_active", "count_stall_input",
            "count_stall_output", "count_stall_hazard"};
        counters = new UInt[GemmCommand.COUNTERS];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = named(regInit(uint(cw), u(0, cw)), counterNames[i]);
        }
        UInt counterValue = counters[counters.length - 1];
        for (int i = counters.length - 2; i >= 0; i--) {
            counterValue = mux(eq(dec.addr0, u(i, 16)), counters[i], counterValue);
        }
        UInt counterResult = counterValue;

        when(and(accept, immediate), () -> {
            assign(dispRespValid, bool(true));
            assign(dispRespTag, dec.tag);
            assign(dispRespOpcode, dec.opcode);
            assign(dispRespStatus, dec.status);
            assign(dispRespValue, mux(and(dec.isCounter, not(dec.error)), counterResult, u(0, cw)));
        });
        when(and(accept, toLoad), () -> {
            assign(loadActive, bool(true));
            assign(loadTarget, mux(dec.isLoadA, u(0, 2), mux(dec.isLoadB, u(1, 2), u(2, 2))));
            assign(loadDiscard, loadDiscardNow);
            assign(loadAddr, dec.addr0);
            assign(loadRemaining, dec.count);
            assign(loadLo, lo0);
            assign(loadHi, dec.loadEnd);
            assign(loadTag, dec.tag);
            assign(loadOpcode, dec.opcode);
            assign(loadStatus, dec.status);
        });
        assign(computeStart, and(accept, toCompute));
        when(computeStart, () -> {
            assign(compActive, bool(true));
            assign(compAccumulate, dec.flag);
            assign(compTag, dec.tag);
            assign(compNBlocks, dec.nBlocks);
            if (ws) {
                assign(compM, dec.count);
                assign(compKBlocks, dec.kBlocks);
                assign(compABase, resize(dec.addr0, aBits));
            } else {
                assign(compK, dec.k);
                assign(compMBlocks, dec.mBlocks);
                assign(compBBase, resize(dec.addr1, bBits));
            }
            assign(compALo, lo0);
            assign(compAHi, aHi);
            assign(compBLo, lo1);
            assign(compBHi, bHi);
            assign(compAccLo, lo2);
            assign(compAccHi, accHi);
            assign(rowsExpected, u(0, 2 * ADDR));
            assign(rowsWritten, u(0, 2 * ADDR));
        });
        when(and(accept, toOutput), () -> {
            assign(outActive, bool(true));
            assign(outStore, dec.isStore);
            assign(outRelu, dec.flag);
            assign(outTag, dec.tag);
            assign(outOpcode, dec.opcode);
            assign(outAddr, resize(dec.addr0, cBits));
            assign(outIssued, u(0, dec.outRows.getBitsWidth()));
            assign(outTotal, dec.outRows);
            assign(outNb, u(0, ADDR));
            assign(outNBlocks, dec.nBlocks);
            assign(outN, dec.n);
            assign(outScaleRow, slice(dec.addr1, logCols + sBits - 1, logCols));
            assign(outLo, lo0);
            assign(outHi, outRangeHi);
        });

        // ------------------------------------------------------------ load unit
        assign(sAxisData.ready(), and(loadActive, not(loadRespValid)));
        Bool dataFire = sAxisData.fire();
        Bits data = sAxisData.payload();
        Bool writeData = and(dataFire, not(loadDiscard));
        write(aMem, resize(loadAddr, aBits), slice(data, 8 * rows - 1, 0), and(writeData, eq(loadTarget, u(0, 2))));
        write(bMem, resize(loadAddr, bBits), slice(data, 8 * cols - 1, 0), and(writeData, eq(loadTarget, u(1, 2))));
        UInt scaleWriteRow = slice(loadAddr, logCols + sBits - 1, logCols);
        for (int j = 0; j < cols; j++) {
            Bool lane = logCols == 0 ? bool(true) : eq(slice(loadAddr, logCols - 1, 0), u(j, logCols));
            Bool we = and(writeData, and(eq(loadTarget, u(2, 2)), lane));
            write(scaleMult[j], scaleWriteRow, asSInt(slice(data, 15, 0)), we);
            write(scaleShift[j], scaleWriteRow, asUInt(slice(data, 23, 16)), we);
        }
        when(dataFire, () -> {
            assign(loadAddr, add(loadAddr, u(1, 16)));
            assign(loadRemaining, sub(loadRemaining, u(1, 16)));
            when(eq(loadRemaining, u(1, 16)), () -> assign(loadRespValid, bool(true)));
        });

        // ------------------------------------------------------------ compute unit: issue
        Stream<SystolicArray.Row> result = ws ? wsCore.mAxis : osCore.mAxis;
        IssueSide issue = ws ? weightStationaryIssue(wsCore, result) : outputStationaryIssue(osCore, result);
        when(issue.rowsIssued(), () -> assign(rowsExpected, add(rowsExpected, u(issue.rowsPerIssue(), 2 * ADDR))));

        // ------------------------------------------------------------ compute unit: write-back
        assign(result.ready(), bool(true));
        Bool rowArrives = result.valid();
        rmwRead = and(rowArrives, issue.rowAccumulate());
        outIssue = and(outActive, and(lt(outIssued, outTotal), and(neq(outCredits, u(0, widthOf(outCredits))), and(not(rmwRead), groupFree))));
        accReadData = readSync(accMem, mux(rmwRead, issue.rowAddr(), outAddr), or(rmwRead, outIssue));
        Bits rowBits = asBits(result.payload().c[cols - 1]);
        for (int j = cols - 2; j >= 0; j--) {
            rowBits = concat(rowBits, result.payload().c[j]);
        }
        Bits arrivingRow = rowBits;
        assign(wbValid, rowArrives);
        assign(wbAccumulate, issue.rowAccumulate());
        when(rowArrives, () -> {
            assign(wbAddr, issue.rowAddr());
            assign(wbRow, arrivingRow);
        });
        Bits old = accReadData;
        Bits sum = null;
        for (int j = 0; j < cols; j++) {
            SInt lane = asSInt(slice(wbRow, 32 * j + 31, 32 * j));
            SInt prev = asSInt(slice(old, 32 * j + 31, 32 * j));
            SInt s = mux(wbAccumulate, add(prev, lane), lane);
            sum = sum == null ? asBits(s) : concat(s, sum);
        }
        Bits writeBack = sum;
        write(accMem, wbAddr, writeBack, wbValid);
        when(wbValid, () -> assign(rowsWritten, add(rowsWritten, u(1, 2 * ADDR))));
        // Done when every beat is issued and every row they produce is written.
        when(and(compActive, and(not(compRespValid), and(issue.idle(), and(not(rowArrives), and(not(wbValid),
                eq(rowsWritten, rowsExpected)))))), () -> assign(compRespValid, bool(true)));

        // ------------------------------------------------------------ output unit
        // S0 issues an accumulator read (and the scale reads); S1 has the word and feeds
        // requantLanes lanes per cycle to the multipliers (group 0 straight from the RAM, later
        // groups from a copy, since compute's read-modify-write shares the read port); S2
        // rounds, shifts, applies ReLU and saturates, and the last group completes a queue entry.
        int columnWidth = ADDR + logCols;
        UInt scaleRead = add(outScaleRow, resize(outNb, sBits));
        Bool[] laneValid = new Bool[cols];
        for (int j = 0; j < cols; j++) {
            s1Mult[j] = readSync(scaleMult[j], scaleRead, outIssue);
            s1Shift[j] = readSync(scaleShift[j], scaleRead, outIssue);
            UInt column = add(shiftLeft(outNb, logCols), u(j, columnWidth));
            laneValid[j] = lt(column, resize(outN, columnWidth));
        }
        Bits mask = asBits(laneValid[cols - 1]);
        for (int j = cols - 2; j >= 0; j--) {
            mask = concat(mask, laneValid[j]);
        }
        Bits issueMask = mask;
        assign(s1Valid, outIssue);
        when(outIssue, () -> {
            assign(s1Last, eq(add(outIssued, u(1, outIssued.getBitsWidth())), outTotal));
            assign(s1Store, outStore);
            assign(s1Relu, outRelu);
            assign(s1Mask, issueMask);
            assign(outIssued, add(outIssued, u(1, outIssued.getBitsWidth())));
            assign(outAddr, add(outAddr, u(1, cBits)));
            assign(outNb, mux(eq(outNb, sub(outNBlocks, u(1, ADDR))), u(0, ADDR), add(outNb, u(1, ADDR))));
        });
        Bits laneSource = accReadData;
        UInt group = null;
        if (groups > 1) {
            when(s1Valid, () -> assign(w1Acc, accReadData));
            when(s1Valid, () -> {
                assign(w1Busy, bool(true));
                assign(w1Group, u(1, widthOf(w1Group)));
            }).elseWhen(w1Busy, () -> {
                assign(w1Group, add(w1Group, u(1, widthOf(w1Group))));
                when(eq(w1Group, u(groups - 1, widthOf(w1Group))), () -> assign(w1Busy, bool(false)));
            });
            laneSource = mux(s1Valid, accReadData, w1Acc);
            group = mux(s1Valid, u(0, widthOf(w1Group)), w1Group);
        }
        Bool processing = groups > 1 ? or(s1Valid, w1Busy) : s1Valid;
        assign(s2.valid, processing);
        UInt currentGroup = group;
        Bits source = laneSource;
        when(processing, () -> {
            assign(s2.last, s1Last);
            assign(s2.store, s1Store);
            assign(s2.relu, s1Relu);
            if (currentGroup != null) {
                assign(s2.group, currentGroup);
            }
            for (int l = 0; l < lanes; l++) {
                SInt acc = null;
                SInt m = null;
                UInt sh = null;
                Bool valid = null;
                for (int g = groups - 1; g >= 0; g--) {
                    int j = g * lanes + l;
                    SInt accJ = asSInt(slice(source, 32 * j + 31, 32 * j));
                    Bool pick = currentGroup == null ? bool(true) : eq(currentGroup, u(g, widthOf(currentGroup)));
                    acc = acc == null ? accJ : mux(pick, accJ, acc);
                    m = m == null ? s1Mult[j] : mux(pick, s1Mult[j], m);
                    sh = sh == null ? s1Shift[j] : mux(pick, s1Shift[j], sh);
                    valid = valid == null ? bit(s1Mask, j) : mux(pick, bit(s1Mask, j), valid);
                }
                // READ_ACC passes the accumulator through as acc × 1, shift 0.
                assign(s2Acc[l], acc);
                assign(s2Mult[l], mux(s1Store, m, sint(1, GemmConfig.MULT_WIDTH)));
                assign(s2Shift[l], mux(s1Store, sh, u(0, GemmConfig.SHIFT_WIDTH)));
                assign(s2.laneValid[l], valid);
            }
        });
        // S3..S5: multiply; shift right by s − 1; round half up — one register stage each, so
        // no stage holds more than one multiplier, one barrel shifter or one 48-bit carry chain.
        // round(p / 2^s) = (p >> s) + bit s−1 of p: with t = p >> (s−1), that is t[pw−1:1] + t[0].
        // A shift of s − 1 ≥ 47 leaves only sign bits in t, and the result is 0 either way,
        // so the amount is capped at 63 (6 bits) rather than carried at 8.
        s3.follow(s2);
        s4.follow(s3);
        s5.follow(s4);
        for (int l = 0; l < lanes; l++) {
            int lane = l;
            Bool exact = eq(s2Shift[l], u(0, GemmConfig.SHIFT_WIDTH));
            UInt less = sub(s2Shift[l], u(1, GemmConfig.SHIFT_WIDTH));
            UInt capped = mux(ge(less, u(64, GemmConfig.SHIFT_WIDTH)), u(63, 6), resize(less, 6));
            when(s2.valid, () -> {
                assign(s3Product[lane], mul(s2Acc[lane], s2Mult[lane]));
                assign(s3Exact[lane], exact);
                assign(s3Amount[lane], mux(exact, u(0, 6), capped));
            });
            when(s3.valid, () -> {
                assign(s4Partial[lane], shiftRight(s3Product[lane], s3Amount[lane]));
                assign(s4Exact[lane], s3Exact[lane]);
            });
            SInt t = s4Partial[l];
            SInt rounded = add(resize(slice(t, pw - 1, 1), pw), asSInt(concat(u(0, pw - 1), bit(t, 0))));
            when(s4.valid, () -> assign(s5Value[lane], mux(s4Exact[lane], t, rounded)));
        }
        // On the way into the queue: ReLU, then saturate to int8 (STORE), or pass (READ_ACC).
        // The value fits in int8 when bits pw−1..7 are all equal: no wide comparators needed.
        SInt[] fresh = new SInt[lanes];
        for (int l = 0; l < lanes; l++) {
            SInt v = s5Value[l];
            Bool negative = bit(v, pw - 1);
            SInt high = slice(v, pw - 1, 7);
            Bool fits = or(eq(high, sint(0, pw - 7)), eq(high, sint(-1, pw - 7)));
            rqInt8[l] = mux(and(s5.relu, negative), sint(0, 8),
                    mux(fits, slice(v, 7, 0), mux(negative, sint(-128, 8), sint(127, 8))));
            SInt value = mux(s5.store, resize(rqInt8[l], GemmConfig.ACC_WIDTH), resize(v, GemmConfig.ACC_WIDTH));
            fresh[l] = mux(s5.laneValid[l], value, sint(0, GemmConfig.ACC_WIDTH));
        }
        // Assemble the groups of a word; the last group's lanes go to the queue directly.
        Bits queued = asBits(s5.last);
        for (int j = 0; j < cols; j++) {
            int g = j / lanes;
            SInt laneOut = fresh[j % lanes];
            if (groups > 1 && g < groups - 1) {
                SInt held = assembled[j];
                SInt value = laneOut;
                when(and(s5.valid, eq(s5.group, u(g, widthOf(s5.group)))), () -> assign(held, value));
                laneOut = held;
            }
            queued = concat(laneOut, queued);
        }
        Bool pushWord = groups > 1 ? and(s5.valid, eq(s5.group, u(groups - 1, widthOf(s5.group)))) : s5.valid;
        // Registers, not a memory: an asynchronously read RAM maps to no iCE40 primitive.
        queue = new Bits[queueDepth];
        int qBits = GemmConfig.log2(queueDepth);
        queuePush = regInit(uint(qBits), u(0, qBits));
        queuePop = regInit(uint(qBits), u(0, qBits));
        queueCount = regInit(uint(qBits + 1), u(0, qBits + 1));
        Bits entry = queued;
        Bits head = null;
        for (int i = queueDepth - 1; i >= 0; i--) {
            queue[i] = reg(bits(accBits + 1));
            Bits slot = queue[i];
            when(and(pushWord, eq(queuePush, u(i, qBits))), () -> assign(slot, entry));
            head = head == null ? slot : mux(eq(queuePop, u(i, qBits)), slot, head);
        }
        when(pushWord, () -> assign(queuePush, add(queuePush, u(1, qBits))));
        assign(mAxisData.valid(), neq(queueCount, u(0, qBits + 1)));
        assign(mAxisData.payload().last, bit(head, 0));
        for (int j = 0; j < cols; j++) {
            assign(mAxisData.payload().c[j], asSInt(slice(head, 32 * j + 32, 32 * j + 1)));
        }
        Bool popped = mAxisData.fire();
        when(popped, () -> assign(queuePop, add(queuePop, u(1, qBits))));
        when(and(pushWord, not(popped)), () -> assign(queueCount, add(queueCount, u(1, qBits + 1))))
                .elseWhen(and(popped, not(pushWord)), () -> assign(queueCount, sub(queueCount, u(1, qBits + 1))));
        when(and(popped, not(outIssue)), () -> assign(outCredits, add(outCredits, u(1, creditBits))))
                .elseWhen(and(outIssue, not(popped)), () -> assign(outCredits, sub(outCredits, u(1, creditBits))));
        when(and(popped, bit(head, 0)), () -> assign(outRespValid, bool(true)));

        // ------------------------------------------------------------ responses
        // Fixed priority (dispatcher, load, compute, output), but a response offered and not
        // taken stays selected until it is: a stream beat must not change while stalled.
        Bool[] valid = {dispRespValid, loadRespValid, compRespValid, outRespValid};
        UInt[] tags = {dispRespTag, loadTag, compTag, outTag};
        UInt[] opcodes = {dispRespOpcode, loadOpcode, u(GemmCommand.COMPUTE, 4), outOpcode};
        UInt[] statuses = {dispRespStatus, loadStatus, u(GemmCommand.OK, 4), u(GemmCommand.OK, 4)};
        UInt[] values = {dispRespValue, u(0, cw), u(0, cw), u(0, cw)};
        UInt priority = u(3, 2);
        for (int s = 2; s >= 0; s--) {
            priority = mux(valid[s], u(s, 2), priority);
        }
        UInt selected = mux(respLocked, respLockedSource, priority);
        Bool any = or(valid[0], or(valid[1], or(valid[2], valid[3])));
        UInt rTag = tags[3];
        UInt rOpcode = opcodes[3];
        UInt rStatus = statuses[3];
        UInt rValue = values[3];
        for (int s = 2; s >= 0; s--) {
            Bool pick = eq(selected, u(s, 2));
            rTag = mux(pick, tags[s], rTag);
            rOpcode = mux(pick, opcodes[s], rOpcode);
            rStatus = mux(pick, statuses[s], rStatus);
            rValue = mux(pick, values[s], rValue);
        }
        assign(mAxisResp.valid(), any);
        assign(mAxisResp.payload().tag, rTag);
        assign(mAxisResp.payload().opcode, rOpcode);
        assign(mAxisResp.payload().status, rStatus);
        assign(mAxisResp.payload().value, rValue);
        Bool respFire = mAxisResp.fire();
        assign(respLocked, and(any, not(mAxisResp.ready())));
        assign(respLockedSource, selected);
        when(and(respFire, eq(selected, u(0, 2))), () -> assign(dispRespValid, bool(false)));
        when(and(respFire, eq(selected, u(1, 2))), () -> {
            assign(loadRespValid, bool(false));
            assign(loadActive, bool(false));
        });
        when(and(respFire, eq(selected, u(2, 2))), () -> {
            assign(compRespValid, bool(false));
            assign(compActive, bool(false));
        });
        when(and(respFire, eq(selected, u(3, 2))), () -> {
            assign(outRespValid, bool(false));
            assign(outActive, bool(false));
        });

        // ------------------------------------------------------------ performance counters
        Bool busy = or(or(cmdValid, decValid), or(loadActive, or(compActive, outActive)));
        Bool[] events = {
            bool(true),
            busy,
            ws ? wsCore.sAxis.fire() : osCore.sAxis.fire(),
            and(loadActive, and(not(loadRespValid), not(sAxisData.valid()))),
            or(and(mAxisData.valid(), not(mAxisData.ready())), and(mAxisResp.valid(), not(mAxisResp.ready()))),
            and(decValid, not(canIssue)),
        };
        Bool clear = and(accept, and(dec.isClear, not(dec.error)));
        for (int i = 0; i < counters.length; i++) {
            UInt c = counters[i];
            Bool event = events[i];
            when(clear, () -> assign(c, u(0, cw))).elseWhen(event, () -> assign(c, add(c, u(1, cw))));
        }
    }

    public GemmConfig config() {
        return config;
    }

    /**
     * The engine's latencies, in clock cycles; the manifest reports these, and a co-simulation
     * test ({@code GemmLatencyCosimTest}) measures them.
     *
     * @param decodeCycles from a command's acceptance on {@code s_axis_cmd} to its issue (cmd_word, dec_*)
     * @param immediateResponseCycles from acceptance to the response of a command the dispatcher answers
     *     itself (FENCE, READ_COUNTER, CLEAR_COUNTERS, an illegal command) on an idle engine
     * @param storeLatencyCycles from issue to the first beat of a STORE or READ_ACC on {@code m_axis_data}
     *     (S0 read, S1 word, S2 operands, S3 product, S4 shift, S5 round, queue)
     * @param computeDrainCycles from a COMPUTE's last array beat to its rows in the accumulators
     */
    public record Latencies(int decodeCycles, int immediateResponseCycles, int storeLatencyCycles,
            int computeDrainCycles) {
    }

    /** The latencies of an engine built from {@code config}. */
    public static Latencies latencies(GemmConfig config) {
        return new Latencies(DECODE_CYCLES, DECODE_CYCLES + 1, OUTPUT_LATENCY + 2, config.rows() + config.cols() + 3);
    }

    /** What the dataflow-specific issue side tells the shared write-back. */
    /**
     * Queue entries for one STORE / READ_ACC beat per cycle: a credit comes back
     * OUTPUT_LATENCY + groups + 1 cycles after its word issues (pushed, popped, counted), and a
     * word issues at most every {@code groups} cycles. A power of two, at least 2.
     */
    static int queueDepth(int groups) {
        int needed = (OUTPUT_LATENCY + groups + 1 + groups - 1) / groups;
        return Integer.highestOneBit(Math.max(2, needed) * 2 - 1);
    }

    /** The registered decode of one command, named {@code dec_<field>} in the Verilog. */
    static final class Decoded {
        final UInt opcode;
        final UInt tag;
        final Bool flag;
        final UInt addr0;
        final UInt addr1;
        final UInt addr2;
        final UInt count;
        final UInt n;
        final UInt k;
        final UInt mBlocks;
        final UInt nBlocks;
        final UInt kBlocks;
        final UInt loadEnd;
        final UInt aEnd;
        final UInt bEnd;
        final UInt accEnd;
        final UInt outRows;
        final UInt outEnd;
        final UInt status;
        final Bool isFence;
        final Bool isLoadA;
        final Bool isLoadB;
        final Bool isLoadS;
        final Bool isLoad;
        final Bool isCompute;
        final Bool isStore;
        final Bool isOutput;
        final Bool isCounter;
        final Bool isClear;
        final Bool sizeBad;
        final Bool rangeBad;
        final Bool error;

        Decoded(Bool take, UInt opcode, UInt tag, Bool flag, UInt addr0, UInt addr1, UInt addr2, UInt count, UInt n,
                UInt k, UInt mBlocks, UInt nBlocks, UInt kBlocks, UInt loadEnd, UInt aEnd, UInt bEnd, UInt accEnd,
                UInt outRows, UInt outEnd, UInt status, Bool[] flags) {
            this.opcode = stage(opcode, take, "opcode");
            this.tag = stage(tag, take, "tag");
            this.flag = stage(flag, take, "flag");
            this.addr0 = stage(addr0, take, "addr0");
            this.addr1 = stage(addr1, take, "addr1");
            this.addr2 = stage(addr2, take, "addr2");
            this.count = stage(count, take, "count");
            this.n = stage(n, take, "n");
            this.k = stage(k, take, "k");
            this.mBlocks = stage(mBlocks, take, "m_blocks");
            this.nBlocks = stage(nBlocks, take, "n_blocks");
            this.kBlocks = stage(kBlocks, take, "k_blocks");
            this.loadEnd = stage(loadEnd, take, "load_end");
            this.aEnd = stage(aEnd, take, "a_end");
            this.bEnd = stage(bEnd, take, "b_end");
            this.accEnd = stage(accEnd, take, "acc_end");
            this.outRows = stage(outRows, take, "out_rows");
            this.outEnd = stage(outEnd, take, "out_end");
            this.status = stage(status, take, "status");
            String[] flagNames = {"is_fence", "is_load_a", "is_load_b", "is_load_s", "is_load", "is_compute", "is_store",
                "is_output", "is_counter", "is_clear", "size_bad", "range_bad", "error"};
            Bool[] r = new Bool[flags.length];
            for (int i = 0; i < flags.length; i++) {
                r[i] = stage(flags[i], take, flagNames[i]);
            }
            isFence = r[0];
            isLoadA = r[1];
            isLoadB = r[2];
            isLoadS = r[3];
            isLoad = r[4];
            isCompute = r[5];
            isStore = r[6];
            isOutput = r[7];
            isCounter = r[8];
            isClear = r[9];
            sizeBad = r[10];
            rangeBad = r[11];
            error = r[12];
        }

        private static <T extends spinal.core.Data> T stage(T value, Bool take, String name) {
            return value == null ? null : named(regNextWhen(value, take), "dec_" + name);
        }
    }

    /** Control registers of one requantization stage, named {@code <stage>_<field>}. */
    static final class Stage {
        final Bool valid;
        final Bool last;
        final Bool store;
        final Bool relu;
        /** The group of lanes in the stage (null when every lane is requantized at once). */
        final UInt group;
        final Bool[] laneValid;

        Stage(String name, int lanes, int groupBits) {
            valid = named(regInit(bool(), bool(false)), name + "_valid");
            last = named(reg(bool()), name + "_last");
            store = named(reg(bool()), name + "_store");
            relu = named(reg(bool()), name + "_relu");
            group = groupBits > 0 ? named(reg(uint(groupBits)), name + "_group") : null;
            laneValid = new Bool[lanes];
            for (int l = 0; l < lanes; l++) {
                laneValid[l] = named(reg(bool()), name + "_lane_valid_" + l);
            }
        }

        /** Takes the previous stage's control every cycle (its data only when it is valid). */
        void follow(Stage previous) {
            assign(valid, previous.valid);
            when(previous.valid, () -> {
                assign(last, previous.last);
                assign(store, previous.store);
                assign(relu, previous.relu);
                if (group != null) {
                    assign(group, previous.group);
                }
                for (int l = 0; l < laneValid.length; l++) {
                    assign(laneValid[l], previous.laneValid[l]);
                }
            });
        }
    }

    private record IssueSide(Bool idle, Bool rowsIssued, int rowsPerIssue, UInt rowAddr, Bool rowAccumulate) {
    }

    /**
     * Output-stationary: pass (mb, nb) streams K beats of A word {@code aAddr + mb·K + k} and B word
     * {@code bAddr + nb·K + k}; its rows r go to acc word {@code accAddr + (mb·rows + r)·nBlocks + nb}.
     */
    private IssueSide outputStationaryIssue(SystolicArray array, Stream<SystolicArray.Row> result) {
        int rows = config.rows();
        int cols = config.cols();
        int aBits = GemmConfig.log2(config.aDepth());
        int bBits = GemmConfig.log2(config.bDepth());
        int cBits = GemmConfig.log2(config.accDepth());
        Bool issueDone = named(reg(bool()), "issue_done");
        UInt issueMb = named(reg(uint(ADDR)), "issue_mb");
        UInt issueNb = named(reg(uint(ADDR)), "issue_nb");
        UInt issueK = named(reg(uint(16)), "issue_k");
        UInt issueARow = named(reg(uint(aBits)), "issue_a_row");
        UInt issueBRow = named(reg(uint(bBits)), "issue_b_row");
        Bool stageValid = named(regInit(bool(), bool(false)), "stage_valid");
        Bool stageLast = named(reg(bool()), "stage_last");
        var in = array.sAxis;
        Bool stageFree = or(not(stageValid), in.fire());
        Bool doIssue = and(compActive, and(not(issueDone), stageFree));
        Bits aWord = named(readSync(aMem, add(issueARow, resize(issueK, aBits)), doIssue), "a_word");
        Bits bWord = named(readSync(bMem, add(issueBRow, resize(issueK, bBits)), doIssue), "b_word");
        Bool lastK = eq(issueK, sub(compK, u(1, 16)));
        when(stageFree, () -> {
            assign(stageValid, doIssue);
            assign(stageLast, lastK);
        });
        when(computeStart, () -> {
            assign(issueDone, bool(false));
            assign(issueMb, u(0, ADDR));
            assign(issueNb, u(0, ADDR));
            assign(issueK, u(0, 16));
            assign(issueARow, resize(dec.addr0, aBits));
            assign(issueBRow, resize(dec.addr1, bBits));
        }).elseWhen(doIssue, () -> when(lastK, () -> {
            assign(issueK, u(0, 16));
            when(eq(issueNb, sub(compNBlocks, u(1, ADDR))), () -> {
                assign(issueNb, u(0, ADDR));
                assign(issueBRow, compBBase);
                when(eq(issueMb, sub(compMBlocks, u(1, ADDR))), () -> assign(issueDone, bool(true)))
                        .otherwise(() -> {
                            assign(issueMb, add(issueMb, u(1, ADDR)));
                            assign(issueARow, add(issueARow, resize(compK, aBits)));
                        });
            }).otherwise(() -> {
                assign(issueNb, add(issueNb, u(1, ADDR)));
                assign(issueBRow, add(issueBRow, resize(compK, bBits)));
            });
        }).otherwise(() -> assign(issueK, add(issueK, u(1, 16)))));
        assign(in.valid(), stageValid);
        assign(in.payload().last, stageLast);
        for (int i = 0; i < rows; i++) {
            assign(in.payload().a[i], asSInt(slice(aWord, 8 * i + 7, 8 * i)));
        }
        for (int j = 0; j < cols; j++) {
            assign(in.payload().b[j], asSInt(slice(bWord, 8 * j + 7, 8 * j)));
        }

        // Write side: the next pass starts one word further; after the last nb, the next mb
        // block starts right after this pass's last row.
        UInt wrNb = named(reg(uint(ADDR)), "wr_nb");
        UInt wrPassBase = named(reg(uint(cBits)), "wr_pass_base");
        UInt wrRowAddr = named(reg(uint(cBits)), "wr_row_addr");
        when(computeStart, () -> {
            assign(wrNb, u(0, ADDR));
            assign(wrPassBase, resize(dec.addr2, cBits));
            assign(wrRowAddr, resize(dec.addr2, cBits));
        }).elseWhen(result.valid(), () -> when(result.payload().last, () -> {
            when(eq(wrNb, sub(compNBlocks, u(1, ADDR))), () -> {
                assign(wrNb, u(0, ADDR));
                assign(wrPassBase, add(wrRowAddr, u(1, cBits)));
                assign(wrRowAddr, add(wrRowAddr, u(1, cBits)));
            }).otherwise(() -> {
                assign(wrNb, add(wrNb, u(1, ADDR)));
                assign(wrPassBase, add(wrPassBase, u(1, cBits)));
                assign(wrRowAddr, add(wrPassBase, u(1, cBits)));
            });
        }).otherwise(() -> assign(wrRowAddr, add(wrRowAddr, resize(compNBlocks, cBits)))));
        return new IssueSide(and(issueDone, not(stageValid)), and(in.fire(), stageLast), rows, wrRowAddr, compAccumulate);
    }

    /**
     * Weight-stationary: for each nb, for each kb, the pass loads rows B words
     * {@code bAddr + (nb·kBlocks + kb)·rows + i} as the array's weights, then streams M beats of A
     * word {@code aAddr + kb·M + m}; row m goes to acc word {@code accAddr + m·nBlocks + nb},
     * added to it for kb > 0 (or when the command accumulates). The next pass's weights load
     * while the current pass streams, once its first beat has passed every PE.
     */
    private IssueSide weightStationaryIssue(WeightStationaryArray array, Stream<SystolicArray.Row> result) {
        int rows = config.rows();
        int cols = config.cols();
        int aBits = GemmConfig.log2(config.aDepth());
        int bBits = GemmConfig.log2(config.bDepth());
        int cBits = GemmConfig.log2(config.accDepth());
        int rowBits = widthOf(array.weightRow);
        int guardCycles = rows + cols + 2;
        int guardBits = SystolicArray.bitsFor(guardCycles);

        // Weight loader.
        Bool wLoading = named(regInit(bool(), bool(false)), "w_loading");
        Bool wDone = named(reg(bool()), "w_done");
        UInt wRow = named(reg(uint(rowBits)), "w_row");
        UInt wKb = named(reg(uint(ADDR)), "w_kb");
        UInt wNb = named(reg(uint(ADDR)), "w_nb");
        UInt wAddr = named(reg(uint(bBits)), "w_addr");
        Bool wWrite = named(regInit(bool(), bool(false)), "w_write");
        UInt wWriteRow = named(reg(uint(rowBits)), "w_write_row");
        Bool wWriteLast = named(reg(bool()), "w_write_last");
        Bool weightsReady = named(regInit(bool(), bool(false)), "weights_ready");
        UInt guard = named(regInit(uint(guardBits), uint(0, guardBits)), "weight_guard");
        // Stream side.
        Bool sActive = named(regInit(bool(), bool(false)), "s_active");
        Bool sDone = named(reg(bool()), "s_done");
        UInt sM = named(reg(uint(16)), "s_m");
        UInt sKb = named(reg(uint(ADDR)), "s_kb");
        UInt sNb = named(reg(uint(ADDR)), "s_nb");
        UInt sARow = named(reg(uint(aBits)), "s_a_row");
        Bool stageValid = named(regInit(bool(), bool(false)), "stage_valid");
        Bool stageLast = named(reg(bool()), "stage_last");

        Bool lastRow = eq(wRow, uint(rows - 1, rowBits));
        // Not while the last row of the previous load is still being written: weights_ready is
        // set only after that write, and the next load would overwrite the unused shadow weights.
        Bool startLoad = and(compActive, and(not(wLoading), and(not(wWrite), and(not(wDone), and(not(weightsReady),
                eq(guard, uint(0, guardBits)))))));
        Bool loadRead = wLoading;
        Bits bWord = named(readSync(bMem, wAddr, loadRead), "b_word");
        assign(wWrite, loadRead);
        assign(wWriteRow, wRow);
        assign(wWriteLast, lastRow);
        Bool lastKb = eq(wKb, sub(compKBlocks, u(1, ADDR)));
        Bool lastNb = eq(wNb, sub(compNBlocks, u(1, ADDR)));
        when(computeStart, () -> {
            assign(wLoading, bool(false));
            assign(wDone, bool(false));
            assign(wKb, u(0, ADDR));
            assign(wNb, u(0, ADDR));
            assign(wAddr, resize(dec.addr1, bBits));
        }).elseWhen(startLoad, () -> {
            assign(wLoading, bool(true));
            assign(wRow, uint(0, rowBits));
        }).elseWhen(wLoading, () -> {
            assign(wAddr, add(wAddr, u(1, bBits)));
            assign(wRow, add(wRow, uint(1, rowBits)));
            when(lastRow, () -> {
                assign(wLoading, bool(false));
                when(lastKb, () -> {
                    assign(wKb, u(0, ADDR));
                    assign(wNb, add(wNb, u(1, ADDR)));
                    when(lastNb, () -> assign(wDone, bool(true)));
                }).otherwise(() -> assign(wKb, add(wKb, u(1, ADDR))));
            });
        });
        assign(array.weightWrite, wWrite);
        assign(array.weightRow, wWriteRow);
        for (int j = 0; j < cols; j++) {
            assign(array.weightValue[j], asSInt(slice(bWord, 8 * j + 7, 8 * j)));
        }

        var in = array.sAxis;
        Bool stageFree = or(not(stageValid), in.fire());
        Bool startPass = and(compActive, and(not(sActive), and(not(sDone), weightsReady)));
        Bool doIssue = and(sActive, stageFree);
        Bits aWord = named(readSync(aMem, add(sARow, resize(sM, aBits)), doIssue), "a_word");
        Bool lastM = eq(sM, sub(compM, u(1, 16)));
        Bool passLastKb = eq(sKb, sub(compKBlocks, u(1, ADDR)));
        Bool passLastNb = eq(sNb, sub(compNBlocks, u(1, ADDR)));
        // weights_ready: set when a pass's last weight row is written, taken when the pass starts.
        when(computeStart, () -> assign(weightsReady, bool(false)))
                .elseWhen(and(wWrite, wWriteLast), () -> assign(weightsReady, bool(true)))
                .elseWhen(startPass, () -> assign(weightsReady, bool(false)));
        when(startPass, () -> assign(guard, uint(guardCycles, guardBits)))
                .elseWhen(neq(guard, uint(0, guardBits)), () -> assign(guard, sub(guard, uint(1, guardBits))));
        when(stageFree, () -> {
            assign(stageValid, doIssue);
            assign(stageLast, lastM);
        });
        when(computeStart, () -> {
            assign(sActive, bool(false));
            assign(sDone, bool(false));
            assign(sKb, u(0, ADDR));
            assign(sNb, u(0, ADDR));
            assign(sARow, resize(dec.addr0, aBits));
        }).elseWhen(startPass, () -> {
            assign(sActive, bool(true));
            assign(sM, u(0, 16));
        }).elseWhen(doIssue, () -> when(lastM, () -> {
            assign(sActive, bool(false));
            when(passLastKb, () -> {
                assign(sKb, u(0, ADDR));
                assign(sARow, compABase);
                assign(sNb, add(sNb, u(1, ADDR)));
                when(passLastNb, () -> assign(sDone, bool(true)));
            }).otherwise(() -> {
                assign(sKb, add(sKb, u(1, ADDR)));
                assign(sARow, add(sARow, resize(compM, aBits)));
            });
        }).otherwise(() -> assign(sM, add(sM, u(1, 16)))));
        assign(in.valid(), stageValid);
        assign(in.payload().last, stageLast);
        for (int i = 0; i < rows; i++) {
            assign(in.payload().a[i], asSInt(slice(aWord, 8 * i + 7, 8 * i)));
        }

        // Write side: row m of pass (nb, kb) → accAddr + m·nBlocks + nb.
        UInt wrKb = named(reg(uint(ADDR)), "wr_kb");
        UInt wrPassBase = named(reg(uint(cBits)), "wr_pass_base");
        UInt wrRowAddr = named(reg(uint(cBits)), "wr_row_addr");
        when(computeStart, () -> {
            assign(wrKb, u(0, ADDR));
            assign(wrPassBase, resize(dec.addr2, cBits));
            assign(wrRowAddr, resize(dec.addr2, cBits));
        }).elseWhen(result.valid(), () -> when(result.payload().last, () -> {
            when(eq(wrKb, sub(compKBlocks, u(1, ADDR))), () -> {
                assign(wrKb, u(0, ADDR));
                assign(wrPassBase, add(wrPassBase, u(1, cBits)));
                assign(wrRowAddr, add(wrPassBase, u(1, cBits)));
            }).otherwise(() -> {
                assign(wrKb, add(wrKb, u(1, ADDR)));
                assign(wrRowAddr, wrPassBase);
            });
        }).otherwise(() -> assign(wrRowAddr, add(wrRowAddr, resize(compNBlocks, cBits)))));
        Bool accumulateRow = or(compAccumulate, neq(wrKb, u(0, ADDR)));
        return new IssueSide(and(sDone, and(not(sActive), not(stageValid))), in.fire(), 1, wrRowAddr, accumulateRow);
    }

    /** Width of base + span: one more than the wider of a 17-bit address and the span. */
    private static int endWidth(UInt span) {
        return Math.max(ADDR, span.getBitsWidth()) + 1;
    }

    /** A range product, registered with the command word it was computed from. */
    private static UInt product(Bool take, String name, UInt a, UInt b) {
        return named(regNextWhen(mul(a, b), take), name);
    }

    /** The low {@code width} bits of a command field (zero-extended if the field is narrower). */
    private static UInt low(Bits word, int[] position, int width) {
        int w = Math.min(width, position[1]);
        return resize(asUInt(slice(word, position[0] + w - 1, position[0])), width);
    }

    /**
     * ⌈field / 2^log⌉ modulo 2^width, from the field's bits directly (the low bits of a sum
     * depend only on the low bits of its terms), so no wider intermediate is left half unused.
     */
    private static UInt ceilDiv(Bits word, int[] position, int log, int width) {
        if (log == 0) {
            return low(word, position, width);
        }
        int hi = Math.min(position[1] - 1, log + width - 1);
        UInt whole = resize(asUInt(slice(word, position[0] + hi, position[0] + log)), width);
        Bool rest = neq(asUInt(slice(word, position[0] + log - 1, position[0])), u(0, log));
        return add(whole, resize(asUInt(asBits(rest)), width));
    }

    /**
     * {@code end > limit}. For a power-of-two limit 2^k (every memory depth) that is "a bit above k
     * is set, or bit k and a bit below it": OR trees instead of a carry chain, since this sits on
     * the decode path.
     */
    private static Bool beyond(UInt end, int limit) {
        int w = end.getBitsWidth();
        int k = Integer.numberOfTrailingZeros(limit);
        if (Integer.bitCount(limit) != 1 || k + 1 >= w || k == 0) {
            return gt(end, u(limit, w));
        }
        Bool above = neq(slice(end, w - 1, k + 1), u(0, w - k - 1));
        return or(above, and(bit(end, k), neq(slice(end, k - 1, 0), u(0, k))));
    }

    private static Bool overlaps(UInt lo1, UInt hi1, UInt lo2, UInt hi2) {
        return and(lt(lo1, hi2), lt(lo2, hi1));
    }

    private static Bool isOp(UInt opcode, int value) {
        return eq(opcode, u(value, 4));
    }

    private static UInt field(Bits word, int[] position) {
        return asUInt(slice(word, position[0] + position[1] - 1, position[0]));
    }

    private static UInt u(long value, int width) {
        return uint(value, width);
    }
}
