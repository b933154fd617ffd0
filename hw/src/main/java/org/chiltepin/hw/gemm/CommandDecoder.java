package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The GEMM engine's command decoder: two register stages between {@code s_axis_cmd} and the
 * {@link Dispatcher}. Stage 1 ({@code cmd_word}, {@code cmd_valid}) holds the command with its
 * range products (the multipliers work on the command as it arrives); stage 2 ({@code dec_*},
 * {@code dec_valid}) holds the fields, the range ends, the checks and the status. Each stage is one
 * multiplier, or one adder and an OR tree, deep. The FPGA profile puts a stage between them
 * ({@code rng_*}, {@code rng_valid}): the range ends, factor checks and block counts are registered
 * there, so {@code cmd_error} is OR trees over flip-flops, not behind an adder.
 *
 * <p>Ports (in the engine's module): {@code s_axis_cmd} is ready when stage 1 is empty or hands its
 * command on; a command moves to stage 2 when that is empty or the dispatcher issues its command
 * ({@code can_issue}). Latency: a command can issue two cycles after it is accepted
 * (three in the FPGA profile, plus the range products' steps with serial multipliers;
 * {@link GemmEngine.Latencies#decodeCycles()} has the dispatcher's cycles too). Status: 0 OK, 1 bad opcode (or reserved bits set),
 * 2 zero size, 3 out of range ({@link GemmCommand}).
 */
final class CommandDecoder extends HdlArea {
    /** Width of a range end: 16-bit address + 16-bit count. */
    static final int ADDR = 17;
    /** Register stages from s_axis_cmd to the dispatcher: cmd_word, (rng_* in the FPGA profile,) dec_*. */
    static int stages(GemmConfig config) {
        return config.fpgaProfile() ? 3 : 2;
    }

    /**
     * Cycles from acceptance to the dispatcher's decision: the stages. With serial multipliers the
     * command is not copied into {@code cmd_word}: it waits on {@code s_axis_cmd} (valid, unchanged)
     * while its range products are computed, and is accepted into the range stage, so stage 1 lies
     * before acceptance.
     */
    static int cycles(GemmConfig config) {
        return config.serialMultipliers() ? stages(config) - 1 : stages(config);
    }

    /** Serial multipliers: the command on {@code s_axis_cmd} is held in place, not registered. */
    static boolean holdsInPlace(GemmConfig config) {
        return config.serialMultipliers();
    }

    /** Stage 1 holds a command (cmd_word and its range products). */
    final Bool cmdValid;
    /** FPGA profile: the range stage holds a command (rng_*); null otherwise. */
    final Bool rngValid;
    /** Stage 2 holds the decoded head command, waiting to issue. */
    final Bool decValid;
    final Bits cmdWord;
    final UInt cmdOpcode;
    final UInt cmdTag;
    final Bool cmdFlag;
    final Bool cmdReserved;
    /** A transposing LOAD_B (bit 13 on LOAD_B, {@link GemmConfig#transposeLoad()}); null without it. */
    final Bool cmdTranspose;
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
    // The checks behind the status, by name.
    final Bool cmdKnown;
    final Bool cmdSizeBad;
    final Bool loadRangeBad;
    final Bool computeRangeBad;
    final Bool outputRangeBad;
    final Bool counterRangeBad;
    final Bool cmdRangeBad;
    final UInt cmdStatus;
    /** The stage before dec_* hands its command on this cycle. */
    final Bool advance;
    /** FPGA profile: stage 1 hands its command to the range stage this cycle; null otherwise. */
    private final Bool rngLoad;
    /**
     * Serial multipliers ({@link GemmConfig#serialMultipliers()}): stage 1's range products are done ({@code cmd_products_ready}): they are
     * {@link SerialMultiplier}s started when the command is accepted; null otherwise.
     */
    private final Bool productsReady;
    /** Operand and product wiring of the range products (stage 1). */
    private final Bits raw;
    private final Bits cmd;
    private final Bool take;
    private final int productSteps;
    /** The registered decode, {@code dec_*}. */
    final Decoded dec;

    CommandDecoder(GemmConfig config, Stream<Bits> sAxisCmd, Bool canIssue) {
        int rows = config.rows();
        int logRows = GemmConfig.log2(rows);
        int logCols = GemmConfig.log2(config.cols());
        int aBits = GemmConfig.log2(config.aDepth());
        int cBits = GemmConfig.log2(config.accDepth());
        boolean ws = config.weightStationary();
        int rangeWidth = config.rangeWidth();

        raw = sAxisCmd.payload();
        boolean split = config.fpgaProfile();
        boolean hold = holdsInPlace(config);
        productSteps = config.serialMultipliers() ? productSteps(config) : 0;
        productsReady = config.serialMultipliers() ? named(bool(), "cmd_products_ready") : null;
        cmdValid = regInit(bool(), bool(false));
        rngValid = split ? regInit(bool(), bool(false)) : null;
        decValid = regInit(bool(), bool(false));
        // Held in place: stage 1 is the offered command itself; its products start the cycle it is
        // first offered ({@code cmd_start}) and it is accepted when they are done and the range
        // stage has room. Else it is registered in cmd_word when accepted.
        take = hold ? named(and(sAxisCmd.valid(), not(cmdValid)), "cmd_start") : sAxisCmd.fire();
        cmdWord = hold ? raw : regNextWhen(raw, take);
        cmd = cmdWord;
        // The decoded command is registered: the dispatcher's hazard checks and unit loads start
        // from flip-flops, not from the end of the range multipliers.
        advance = and(split ? rngValid : cmdValid, or(not(decValid), canIssue));
        Bool moveOn = split ? or(not(rngValid), advance) : null;
        Bool held = hold ? and(cmdValid, sAxisCmd.valid()) : cmdValid; // still offered
        rngLoad = !split ? null : and(held, productsReady == null ? moveOn : and(productsReady, moveOn));
        // The fields and checks come from the stage before dec_*; the range ends from stage 1.
        Bits word = late(cmd, "word");
        if (split) { // the reserved bits reach the range stage as cmd_reserved_bits, ORed
            unused("rng_word_reserved", slice(word, 127, 112), slice(word, 15, 13));
        }
        cmdOpcode = field(word, GemmCommand.OPCODE);
        cmdTag = field(word, GemmCommand.TAG);
        cmdFlag = bit(word, GemmCommand.FLAG[0]);
        // In the FPGA profile the reserved bits are ORed before the range stage, which keeps 1 bit of them, not 19.
        // With the transposing load, bit 13 is checked against the opcode below.
        boolean tl = config.transposeLoad();
        int lowReserved = tl ? GemmCommand.TRANSPOSE + 1 : GemmCommand.TRANSPOSE;
        cmdReserved = late(named(or(neq(asUInt(slice(cmd, 15, lowReserved)), uint(0, 16 - lowReserved)),
                neq(asUInt(slice(cmd, 127, 112)), uint(0, 16))), "cmd_reserved_bits"), "reserved");
        cmdAddr0 = field(word, GemmCommand.ADDR0);
        cmdAddr1 = field(word, GemmCommand.ADDR1);
        cmdAddr2 = field(word, GemmCommand.ADDR2);
        cmdCount = field(word, GemmCommand.COUNT);
        cmdN = field(word, GemmCommand.N);
        cmdK = field(word, GemmCommand.K);
        // Stage 1's fields, for the range ends (the same signals without the range stage).
        UInt addr0 = split ? field(cmd, GemmCommand.ADDR0) : cmdAddr0;
        UInt addr1 = split ? field(cmd, GemmCommand.ADDR1) : cmdAddr1;
        UInt addr2 = split ? field(cmd, GemmCommand.ADDR2) : cmdAddr2;
        UInt count = split ? field(cmd, GemmCommand.COUNT) : cmdCount;
        UInt n = split ? field(cmd, GemmCommand.N) : cmdN;
        UInt k = split ? field(cmd, GemmCommand.K) : cmdK;

        Bool isFence = named(isOp(cmdOpcode, GemmCommand.FENCE), "cmd_is_fence");
        Bool isLoadA = named(isOp(cmdOpcode, GemmCommand.LOAD_A), "cmd_is_load_a");
        Bool isLoadB = named(isOp(cmdOpcode, GemmCommand.LOAD_B), "cmd_is_load_b");
        Bool isLoadS = named(isOp(cmdOpcode, GemmCommand.LOAD_SCALE), "cmd_is_load_s");
        Bool isLoad = named(or(isLoadA, or(isLoadB, isLoadS)), "cmd_is_load");
        Bool isCompute = named(isOp(cmdOpcode, GemmCommand.COMPUTE), "cmd_is_compute");
        Bool isStore = named(isOp(cmdOpcode, GemmCommand.STORE), "cmd_is_store");
        Bool isRead = named(isOp(cmdOpcode, GemmCommand.READ_ACC), "cmd_is_read");
        Bool isOutput = named(or(isStore, isRead), "cmd_is_output");
        Bool isCounter = named(isOp(cmdOpcode, GemmCommand.READ_COUNTER), "cmd_is_counter");
        Bool isClear = named(isOp(cmdOpcode, GemmCommand.CLEAR_COUNTERS), "cmd_is_clear");
        cmdTranspose = tl ? named(and(bit(word, GemmCommand.TRANSPOSE), isLoadB), "cmd_transpose") : null;
        Bool misplaced = tl ? named(and(bit(word, GemmCommand.TRANSPOSE), not(isLoadB)), "cmd_transpose_misplaced") : null;
        cmdKnown = and(not(tl ? or(cmdReserved, misplaced) : cmdReserved),
                or(isFence, or(isLoad, or(isCompute, or(isOutput, or(isCounter, isClear))))));

        Bool countZero = named(eq(cmdCount, uint(0, 16)), "cmd_count_zero");
        Bool nZero = named(eq(cmdN, uint(0, 16)), "cmd_n_zero");
        Bool kZero = eq(cmdK, uint(0, 16));
        if (tl) {
            named(kZero, "cmd_k_zero"); // used twice
        }
        Bool sizeBad = or(and(isLoad, countZero),
                or(and(isCompute, or(countZero, or(nZero, kZero))),
                        and(isOutput, or(countZero, nZero))));
        cmdSizeBad = tl ? or(sizeBad, and(cmdTranspose, kZero)) : sizeBad; // a transposed row has k bytes

        UInt mBlocks = ws ? null : ceilDiv(cmd, GemmCommand.COUNT, logRows, ADDR);
        UInt nBlocks = ceilDiv(cmd, GemmCommand.N, logCols, ADDR);
        cmdMBlocks = ws ? null : late(mBlocks, "m_blocks");
        cmdNBlocks = late(nBlocks, "n_blocks");
        if (split) { // the range stage keeps rangeWidth bits of these; the rest is checked by the range ends
            unused("range_high_bits", cmdAddr1, cmdAddr2, cmdNBlocks);
            if (!ws) {
                unused("range_high_m_blocks", cmdMBlocks);
            }
        }
        UInt plainLoadEnd = add(named(resize(addr0, ADDR), "cmd_load_base"), named(resize(count, ADDR), "cmd_load_span"));
        if (tl) {
            named(plainLoadEnd, "cmd_words_end");
        }
        // A transposing LOAD_B writes ⌈count/cols⌉·k words from addr0 (k ≤ dataBytes, the bytes of a beat).
        Bool transposeFits = null;
        UInt tEnd = null;
        if (tl) {
            int tw = Math.max(GemmConfig.log2(config.bDepth()) + 1, rowBytesWidth(config));
            // ⌈count/cols⌉ ≤ bDepth, and a row fits a beat.
            long rowsFit = (long) config.cols() * config.bDepth();
            Bool rowBytesFit = le(cmdK, uint(config.dataBytes(), 16));
            transposeFits = named(rowsFit >= 65536 ? rowBytesFit : and(le(cmdCount, uint((int) rowsFit, 16)), rowBytesFit),
                    "transpose_factors_fit");
            UInt tSpan = product("cmd_t_span", w -> ceilDiv(w, GemmCommand.COUNT, logCols, tw), w -> low(w, GemmCommand.K, tw));
            tEnd = named(end(addr0, tSpan, "cmd_t_end"), "cmd_t_end");
            cmdLoadEnd = mux(cmdTranspose, named(resize(tEnd, ADDR), "cmd_rows_end"), plainLoadEnd);
        } else {
            cmdLoadEnd = late(plainLoadEnd, "load_end");
        }
        // Range checks multiply only operands that can be in range: a factor larger than the
        // memory is an error by itself, so the products need depth-sized multipliers only.
        // Output-stationary: A spans ⌈M/rows⌉·K words, B ⌈N/cols⌉·K, the accumulators
        // ⌈M/rows⌉·rows·⌈N/cols⌉. Weight-stationary: A spans ⌈K/rows⌉·M, B ⌈N/cols⌉·⌈K/rows⌉·rows,
        // the accumulators M·⌈N/cols⌉.
        UInt kBlocks = ws ? ceilDiv(cmd, GemmCommand.K, logRows, ADDR) : null;
        cmdKBlocks = ws ? late(kBlocks, "k_blocks") : null;
        UInt aF1 = ws ? kBlocks : mBlocks;
        UInt aF2 = ws ? resize(count, ADDR) : resize(k, ADDR);
        Bool aFactorsFit = late(named(and(not(beyond(aF1, config.aDepth())), not(beyond(aF2, config.aDepth()))),
                "a_factors_fit"), "a_factors_fit");
        int aw = aBits + 1;
        UInt aSpan = product("cmd_a_span",
                w -> ws ? ceilDiv(w, GemmCommand.K, logRows, aw) : ceilDiv(w, GemmCommand.COUNT, logRows, aw),
                w -> ws ? low(w, GemmCommand.COUNT, aw) : low(w, GemmCommand.K, aw));
        cmdAEnd = late(end(addr0, aSpan, "cmd_a_end"), "a_end");
        int bBlocks = ws ? config.bDepth() / rows : config.bDepth();
        int bBlockBits = GemmConfig.log2(bBlocks) + 1;
        UInt bF2 = ws ? kBlocks : resize(k, ADDR);
        Bool bFactorsFit = late(named(and(not(beyond(nBlocks, bBlocks)), not(beyond(bF2, bBlocks))), "b_factors_fit"),
                "b_factors_fit");
        UInt bProduct = product("cmd_b_span", w -> ceilDiv(w, GemmCommand.N, logCols, bBlockBits),
                w -> ws ? ceilDiv(w, GemmCommand.K, logRows, bBlockBits) : low(w, GemmCommand.K, bBlockBits));
        UInt bSpan = ws ? shiftLeft(bProduct, logRows) : bProduct;
        cmdBEnd = late(end(addr1, bSpan, "cmd_b_end"), "b_end");
        int accBlocks = config.accDepth() / rows;
        int blockBits = GemmConfig.log2(accBlocks) + 1;
        Bool outFits = named(and(not(beyond(count, config.accDepth())), not(beyond(nBlocks, config.accDepth()))),
                "out_factors_fit");
        Bool outFactorsFit = late(outFits, "out_factors_fit");
        UInt outRows = product("cmd_out_rows", w -> low(w, GemmCommand.COUNT, cBits + 1),
                w -> ceilDiv(w, GemmCommand.N, logCols, cBits + 1));
        cmdOutRows = late(outRows, "out_rows");
        cmdOutEnd = late(end(addr0, outRows, "cmd_out_end"), "out_end");
        Bool accFactorsFit = ws ? outFactorsFit
                : late(named(and(not(beyond(mBlocks, accBlocks)), not(beyond(nBlocks, accBlocks))), "acc_factors_fit"),
                        "acc_factors_fit");
        cmdAccRows = ws ? outRows
                : shiftLeft(product("cmd_acc_blocks", w -> ceilDiv(w, GemmCommand.COUNT, logRows, blockBits),
                        w -> ceilDiv(w, GemmCommand.N, logCols, blockBits)), logRows);
        cmdAccEnd = late(end(addr2, cmdAccRows, "cmd_acc_end"), "acc_end");
        cmdScaleEnd = late(add(named(resize(addr1, ADDR), "cmd_scale_base"), named(resize(n, ADDR), "cmd_scale_span")),
                "scale_end");
        Bool scaleAligned = logCols == 0 ? bool(true)
                : named(eq(slice(cmdAddr1, logCols - 1, 0), uint(0, logCols)), "cmd_scale_aligned");

        Bool loadRangeBadPlain = or(and(isLoadA, beyondNamed(cmdLoadEnd, config.aDepth(), tl, "load_a_beyond")),
                or(and(isLoadB, beyondNamed(cmdLoadEnd, config.bDepth(), tl, "load_b_beyond")),
                        and(isLoadS, beyondNamed(cmdLoadEnd, config.scaleDepth(), tl, "load_s_beyond"))));
        // The full end is checked: cmd_load_end keeps 17 bits, enough for an end in range.
        loadRangeBad = tl ? or(loadRangeBadPlain, and(cmdTranspose, or(not(transposeFits), beyond(tEnd, config.bDepth()))))
                : loadRangeBadPlain;
        computeRangeBad = and(isCompute, or(not(and(aFactorsFit, and(bFactorsFit, accFactorsFit))),
                or(beyond(cmdAEnd, config.aDepth()), or(beyond(cmdBEnd, config.bDepth()), beyond(cmdAccEnd, config.accDepth())))));
        outputRangeBad = and(isOutput, or(not(outFactorsFit), or(beyond(cmdOutEnd, config.accDepth()),
                and(isStore, or(beyond(cmdScaleEnd, config.scaleDepth()), not(scaleAligned))))));
        counterRangeBad = and(isCounter, ge(cmdAddr0, uint(GemmCommand.COUNTERS, 16)));
        cmdRangeBad = or(loadRangeBad, or(computeRangeBad, or(outputRangeBad, counterRangeBad)));

        cmdStatus = uint(4);
        when(not(cmdKnown), () -> assign(cmdStatus, uint(GemmCommand.BAD_OPCODE, 4)))
                .elseWhen(cmdSizeBad, () -> assign(cmdStatus, uint(GemmCommand.BAD_SIZE, 4)))
                .elseWhen(cmdRangeBad, () -> assign(cmdStatus, uint(GemmCommand.BAD_RANGE, 4)))
                .otherwise(() -> assign(cmdStatus, uint(GemmCommand.OK, 4)));
        Bool error = named(neq(cmdStatus, uint(GemmCommand.OK, 4)), "cmd_error");
        // The output unit tells lanes apart by N up to the last column a legal command can reach.
        int nWidth = Math.min(16, rangeWidth + logCols);
        dec = new Decoded(rangeWidth, advance, cmdOpcode, cmdTag, cmdFlag, cmdAddr0, cmdAddr1, cmdAddr2, cmdCount,
                nWidth < 16 ? resize(cmdN, nWidth) : cmdN,
                ws ? null : split ? resize(cmdK, rangeWidth) : cmdK, // a legal K ≤ A depth (a_factors_fit)
                cmdMBlocks, cmdNBlocks, cmdKBlocks, cmdLoadEnd, resize(cmdAEnd, rangeWidth), resize(cmdBEnd, rangeWidth),
                resize(cmdAccEnd, rangeWidth), cmdOutRows, resize(cmdOutEnd, rangeWidth),
                cmdStatus, new Bool[] {isFence, isLoadA, isLoadB, isLoadS, isLoad, isCompute, isStore, isOutput,
                    isCounter, isClear, cmdSizeBad, error},
                cmdTranspose, tl ? named(sub(named(resize(cmdK, rowBytesWidth(config)), "cmd_row_bytes"), uint(1, rowBytesWidth(config))),
                        "cmd_row_last") : null);

        // Stage 1 takes a command when it is empty or hands its command on to an empty stage 2;
        // the ready does not wait for the dispatcher (one bubble when both stages are full).
        // With the range stage: when any stage is empty, the stages behind it move up.
        // With serial multipliers stage 1 also waits for its range products.
        Bool room = split ? or(not(rngValid), not(decValid)) : null;
        if (hold) {
            // Accepted into the range stage. cmd_valid follows the offer, so a command withdrawn
            // without a handshake (the host protocol's engine timeout) starts over.
            assign(sAxisCmd.ready(), rngLoad);
            assign(cmdValid, and(sAxisCmd.valid(), not(rngLoad)));
        } else {
            assign(sAxisCmd.ready(), split ? or(not(cmdValid), productsReady == null ? room : and(productsReady, room))
                    : or(not(cmdValid), not(decValid)));
            when(take, () -> assign(cmdValid, bool(true))).elseWhen(split ? rngLoad : advance,
                    () -> assign(cmdValid, bool(false)));
        }
        if (split) {
            when(rngLoad, () -> assign(rngValid, bool(true))).elseWhen(advance, () -> assign(rngValid, bool(false)));
        }
    }

    /** Bits of a transposing LOAD_B's byte index (k ≤ dataBytes). */
    static int rowBytesWidth(GemmConfig config) {
        return 32 - Integer.numberOfLeadingZeros(config.dataBytes());
    }

    /** A stage holds a command. */
    Bool holding() {
        Bool held = or(cmdValid, decValid);
        return rngValid == null ? held : or(held, rngValid);
    }

    /** FPGA profile: {@code value} registered into the range stage ({@code rng_<name>}); else itself. */
    private <T extends spinal.core.Data> T late(T value, String name) {
        if (rngLoad == null) {
            return value;
        }
        if (value.isUnnamed()) {
            named(value, "cmd_" + name);
        }
        return named(regNextWhen(value, rngLoad), "rng_" + name);
    }

    /** Stage 2 empties: its command issued ({@code accept}) and none follows. */
    void issued(Bool accept) {
        when(advance, () -> assign(decValid, bool(true))).elseWhen(accept, () -> assign(decValid, bool(false)));
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
        final Bool error;
        /** A transposing LOAD_B, and its row's last byte (k − 1); null without {@link GemmConfig#transposeLoad()}. */
        final Bool transpose;
        final UInt rowLast;
        /** The three addresses as range starts ({@link GemmConfig#rangeWidth()} bits). */
        final UInt lo0;
        final UInt lo1;
        final UInt lo2;

        Decoded(int rangeWidth, Bool take, UInt opcode, UInt tag, Bool flag, UInt addr0, UInt addr1, UInt addr2, UInt count, UInt n,
                UInt k, UInt mBlocks, UInt nBlocks, UInt kBlocks, UInt loadEnd, UInt aEnd, UInt bEnd, UInt accEnd,
                UInt outRows, UInt outEnd, UInt status, Bool[] flags, Bool transpose, UInt rowLast) {
            this.opcode = stage(opcode, take, "opcode");
            this.tag = stage(tag, take, "tag");
            this.flag = stage(flag, take, "flag");
            this.addr0 = stage(addr0, take, "addr0");
            this.addr1 = stage(fit(addr1, rangeWidth), take, "addr1");
            this.addr2 = stage(fit(addr2, rangeWidth), take, "addr2");
            this.count = stage(count, take, "count");
            this.n = stage(n, take, "n");
            this.k = stage(k, take, "k");
            this.mBlocks = stage(fit(mBlocks, rangeWidth), take, "m_blocks");
            this.nBlocks = stage(fit(nBlocks, rangeWidth), take, "n_blocks");
            this.kBlocks = stage(fit(kBlocks, rangeWidth), take, "k_blocks");
            this.loadEnd = stage(fit(loadEnd, rangeWidth), take, "load_end");
            this.aEnd = stage(fit(aEnd, rangeWidth), take, "a_end");
            this.bEnd = stage(fit(bEnd, rangeWidth), take, "b_end");
            this.accEnd = stage(fit(accEnd, rangeWidth), take, "acc_end");
            this.outRows = stage(outRows, take, "out_rows");
            this.outEnd = stage(fit(outEnd, rangeWidth), take, "out_end");
            this.status = stage(status, take, "status");
            String[] flagNames = {"is_fence", "is_load_a", "is_load_b", "is_load_s", "is_load", "is_compute", "is_store",
                "is_output", "is_counter", "is_clear", "size_bad", "error"};
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
            error = r[11];
            this.transpose = stage(transpose, take, "transpose");
            this.rowLast = stage(rowLast, take, "row_last");
            lo0 = named(resize(this.addr0, rangeWidth), "dec_lo0");
            lo1 = named(resize(this.addr1, rangeWidth), "dec_lo1");
            lo2 = named(resize(this.addr2, rangeWidth), "dec_lo2");
        }

        /**
         * A range value cut to the units' {@code rangeWidth}: the FPGA profile keeps log2(largest
         * memory) + 1 bits, enough for every command that passed the range checks.
         */
        private static UInt fit(UInt value, int rangeWidth) {
            return value == null || widthOf(value) <= rangeWidth ? value : resize(value, rangeWidth);
        }

        private static <T extends spinal.core.Data> T stage(T value, Bool take, String name) {
            return value == null ? null : named(regNextWhen(value, take), "dec_" + name);
        }
    }

    /** base + span, one bit wider than the wider of a 17-bit address and the span. */
    private static UInt end(UInt base, UInt span, String name) {
        int w = Math.max(ADDR, span.getBitsWidth()) + 1;
        return add(named(resize(base, w), name + "_base"), named(resize(span, w), name + "_span"));
    }

    /**
     * A range product of two operands of the command word: registered with the word it was
     * computed from; with serial multipliers a {@link SerialMultiplier} started when the word is
     * accepted ({@code b} from the incoming word, zero-extended to {@link #productSteps} bits;
     * {@code a} from {@code cmd_word}), done {@link #productSteps} cycles later.
     */
    private UInt product(String name, java.util.function.Function<Bits, UInt> a, java.util.function.Function<Bits, UInt> b) {
        if (productsReady == null) {
            return named(regNextWhen(mul(named(a.apply(raw), name + "_a"), named(b.apply(raw), name + "_b")), take), name);
        }
        UInt aOp = named(a.apply(cmd), name + "_a");
        UInt bOp = named(b.apply(raw), name + "_b");
        int width = widthOf(aOp) + widthOf(bOp);
        SerialMultiplier m = new SerialMultiplier(name + "_multiplier", take, asBits(aOp),
                asBits(resize(bOp, productSteps)), false);
        if (!productsDriven) { // the multipliers start together and take the same steps
            productsDriven = true;
            assign(productsReady, not(m.busy));
        }
        // The product's bits above width(a) + width(b) are zero (b was zero-extended).
        if (productSteps > widthOf(bOp)) {
            dropBits(m.product, widthOf(m.product) - 1, width, name + "_high_zeros");
        }
        return named(asUInt(slice(m.product, width - 1, 0)), name);
    }

    private boolean productsDriven;

    /**
     * Serial multipliers: steps of the range multipliers, the widest of their {@code b} operands (the
     * range stage waits that long after a command's acceptance).
     */
    static int productSteps(GemmConfig config) {
        int rows = config.rows();
        int aw = GemmConfig.log2(config.aDepth()) + 1;
        int bBlocks = config.weightStationary() ? config.bDepth() / rows : config.bDepth();
        int bBlockBits = GemmConfig.log2(bBlocks) + 1;
        int cBits = GemmConfig.log2(config.accDepth());
        int blockBits = GemmConfig.log2(config.accDepth() / rows) + 1;
        int steps = Math.max(aw, Math.max(bBlockBits, cBits + 1));
        return config.weightStationary() ? steps : Math.max(steps, blockBits);
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
        Bool rest = slice(word, position[0] + log - 1, position[0]).orR();
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
            return gt(end, uint(limit, w));
        }
        Bool above = slice(end, w - 1, k + 1).orR();
        return or(above, and(bit(end, k), slice(end, k - 1, 0).orR()));
    }

    /** {@link #beyond}, named {@code name} when {@code named} (keeps the OR trees of a multiplexed end out of one expression). */
    private static Bool beyondNamed(UInt end, int limit, boolean named, String name) {
        Bool b = beyond(end, limit);
        return named ? named(b, name) : b;
    }

    private static Bool isOp(UInt opcode, int value) {
        return eq(opcode, uint(value, 4));
    }

    private static UInt field(Bits word, int[] position) {
        return asUInt(slice(word, position[0] + position[1] - 1, position[0]));
    }
}
