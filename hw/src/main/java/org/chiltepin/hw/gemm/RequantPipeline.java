package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * Requantization S2..S5 of the {@link OutputUnit}, {@code requantLanes} lanes wide: S2 picks each
 * lane's accumulator, multiplier and shift (READ_ACC passes the sum through as acc × 1, shift 0);
 * S3 multiplies (48 bits exact); S4 shifts right by shift − 1; S5 rounds half up. On the way out,
 * ReLU and saturation to int8 (STORE), and a word is assembled from its groups. One register stage
 * each, so no stage holds more than one multiplier, one barrel shifter or one 48-bit carry chain:
 * round(p / 2^s) = (p >> s) + bit s−1 of p; with t = p >> (s−1), that is t[pw−1:1] + t[0]. A shift
 * of s − 1 ≥ 47 leaves only sign bits in t and the result is 0 either way, so the amount is capped
 * at 63 (6 bits).
 */
final class RequantPipeline extends HdlArea {
    final RequantStage s2;
    final RequantStage s3;
    final RequantStage s4;
    final RequantStage s5;
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
    /** S5: rounded half up. */
    final SInt[] s5Value;
    final SInt[] rqInt8;
    final SInt[] assembled;
    /** With serial multipliers: the held word's {@code last} (null otherwise). */
    final Bool assembledLast;
    /**
     * A whole word (its last group) leaves S5: the queue entry {@code {lanes, last}}; with serial
     * multipliers the entry is registered here and complete from the next cycle.
     */
    final Bool pushWord;
    final Bits queued;
    /**
     * {@link GemmConfig#serialMultipliers()}: each lane's {@link SerialMultiplier} (S2 then lasts {@link #MULT_CYCLES} cycles
     * and takes a new group only when empty); null otherwise.
     */
    final SerialMultiplier[] serial;

    /** Cycles S2 holds a group with serial multipliers: one per bit of the multiplier. */
    static final int MULT_CYCLES = GemmConfig.MULT_WIDTH;

    /**
     * What S1 feeds in: {@code processing} high for a group of lanes this cycle, which group (null
     * when every lane is requantized at once), the accumulator word, the word's control and lane
     * mask, and each channel's multiplier and shift.
     */
    record Input(Bool processing, UInt group, Bits source, Bool last, Bool store, Bool relu, Bits mask, SInt[] mult,
            UInt[] shift) {
    }

    /** The serial multipliers finish this cycle (they run in lockstep). */
    Bool serialDoneNow() {
        return serialDone();
    }

    private Bool serialDone() {
        return serial[0].done.isUnnamed() ? named(serial[0].done, "s2_multiplier_done") : serial[0].done;
    }

    RequantPipeline(GemmConfig config, Input in) {
        Bool processing = in.processing();
        UInt group = in.group();
        Bits source = in.source();
        int cols = config.cols();
        int lanes = config.requantLanes();
        int groups = cols / lanes;
        int groupBits = groups > 1 ? Math.max(1, GemmConfig.log2(groups)) : 0;
        int pw = GemmConfig.ACC_WIDTH + GemmConfig.MULT_WIDTH;
        int aw = GemmConfig.ACC_WIDTH;
        boolean sequential = config.serialMultipliers();
        s2 = new RequantStage("s2", lanes, groupBits);
        s3 = new RequantStage("s3", lanes, groupBits);
        s4 = new RequantStage("s4", lanes, groupBits);
        s5 = new RequantStage("s5", lanes, groupBits);
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
        serial = sequential ? new SerialMultiplier[lanes] : null;
        for (int l = 0; l < lanes; l++) {
            s2Acc[l] = reg(sint(aw));
            s2Mult[l] = sequential ? sint(GemmConfig.MULT_WIDTH) : reg(sint(GemmConfig.MULT_WIDTH));
            s2Shift[l] = reg(uint(GemmConfig.SHIFT_WIDTH));
            s3Product[l] = sequential ? sint(pw) : reg(sint(pw));
            s3Amount[l] = reg(uint(6));
            s3Exact[l] = reg(bool());
            s4Partial[l] = reg(sint(pw));
            s4Exact[l] = reg(bool());
            s5Value[l] = reg(sint(pw));
            if (sequential) {
                named(s2Mult[l], "s2_mult_" + l);
                assign(s2Mult[l], sint(0, GemmConfig.MULT_WIDTH)); // read only when a group enters S2
                serial[l] = new SerialMultiplier("s2_multiplier_" + l, processing, asBits(s2Acc[l]), asBits(s2Mult[l]), true);
            }
        }
        // The last group goes to the queue directly; with serial multipliers every group is held
        // here, and these registers are the queue's one entry (OutputQueue).
        assembled = new SInt[(sequential ? groups : groups - 1) * lanes];
        assembledLast = sequential ? named(reg(bool()), "assembled_last") : null;
        for (int j = 0; j < assembled.length; j++) {
            assembled[j] = reg(sint(aw));
        }

        if (sequential) { // S2 holds its group until the multiplier's last step
            when(processing, () -> assign(s2.valid, bool(true)))
                    .elseWhen(serialDone(), () -> assign(s2.valid, bool(false)));
        } else {
            assign(s2.valid, processing);
        }
        when(processing, () -> {
            assign(s2.last, in.last());
            assign(s2.store, in.store());
            assign(s2.relu, in.relu());
            if (group != null) {
                assign(s2.group, group);
            }
            for (int l = 0; l < lanes; l++) {
                SInt acc = null;
                SInt m = null;
                UInt sh = null;
                Bool valid = null;
                for (int g = groups - 1; g >= 0; g--) {
                    int j = g * lanes + l;
                    SInt accJ = asSInt(slice(source, 32 * j + 31, 32 * j));
                    Bool pick = group == null ? bool(true) : eq(group, uint(g, widthOf(group)));
                    acc = acc == null ? accJ : mux(pick, accJ, acc);
                    m = m == null ? in.mult()[j] : mux(pick, in.mult()[j], m);
                    sh = sh == null ? in.shift()[j] : mux(pick, in.shift()[j], sh);
                    valid = valid == null ? bit(in.mask(), j) : mux(pick, bit(in.mask(), j), valid);
                }
                // READ_ACC passes the accumulator through as acc × 1, shift 0.
                assign(s2Acc[l], acc);
                assign(s2Mult[l], mux(in.store(), m, sint(1, GemmConfig.MULT_WIDTH)));
                assign(s2Shift[l], mux(in.store(), sh, uint(0, GemmConfig.SHIFT_WIDTH)));
                assign(s2.laneValid[l], valid);
            }
        });
        Bool s2Out = sequential ? serialDone() : s2.valid;
        s3.follow(s2, s2Out);
        s4.follow(s3);
        s5.follow(s4);
        for (int l = 0; l < lanes; l++) {
            int lane = l;
            Bool exact = named(eq(s2Shift[l], uint(0, GemmConfig.SHIFT_WIDTH)), "s2_exact_" + l);
            UInt less = named(sub(s2Shift[l], uint(1, GemmConfig.SHIFT_WIDTH)), "s2_shift_less_" + l);
            UInt capped = named(uint(6), "s2_amount_" + l);
            when(ge(less, uint(64, GemmConfig.SHIFT_WIDTH)), () -> assign(capped, uint(63, 6)))
                    .otherwise(() -> assign(capped, resize(less, 6)));
            if (sequential) {
                // The multiplier's registers are S3's product: S2 takes no group in its done cycle.
                assign(s3Product[lane], asSInt(serial[lane].product));
            }
            when(s2Out, () -> {
                if (!sequential) {
                    assign(s3Product[lane], mul(s2Acc[lane], s2Mult[lane]));
                }
                assign(s3Exact[lane], exact);
                assign(s3Amount[lane], mux(exact, uint(0, 6), capped));
            });
            when(s3.valid, () -> {
                assign(s4Partial[lane], shiftRight(s3Product[lane], s3Amount[lane]));
                assign(s4Exact[lane], s3Exact[lane]);
            });
            SInt t = s4Partial[l];
            SInt half = named(resize(slice(t, pw - 1, 1), pw), "s4_half_" + l);
            SInt roundUp = named(asSInt(concat(uint(0, pw - 1), bit(t, 0))), "s4_round_up_" + l);
            SInt rounded = named(add(half, roundUp), "s4_rounded_" + l);
            when(s4.valid, () -> assign(s5Value[lane], mux(s4Exact[lane], t, rounded)));
        }
        // On the way into the queue: ReLU, then saturate to int8 (STORE), or pass (READ_ACC).
        // The value fits in int8 when bits pw−1..7 are all equal: no wide comparators needed.
        SInt[] fresh = new SInt[lanes];
        for (int l = 0; l < lanes; l++) {
            SInt v = s5Value[l];
            Bool negative = named(bit(v, pw - 1), "s5_negative_" + l);
            SInt high = named(slice(v, pw - 1, 7), "s5_high_" + l);
            Bool fits = named(or(eq(high, sint(0, pw - 7)), eq(high, sint(-1, pw - 7))), "s5_fits_" + l);
            SInt low = named(slice(v, 7, 0), "s5_low_" + l);
            SInt int8 = sint(8);
            rqInt8[l] = int8;
            when(and(s5.relu, negative), () -> assign(int8, sint(0, 8)))
                    .elseWhen(fits, () -> assign(int8, low))
                    .elseWhen(negative, () -> assign(int8, sint(-128, 8)))
                    .otherwise(() -> assign(int8, sint(127, 8)));
            SInt stored = named(resize(int8, aw), "s5_stored_" + l);
            SInt read = named(resize(v, aw), "s5_read_" + l);
            SInt out = named(sint(aw), "s5_out_" + l);
            Bool laneValid = s5.laneValid[l];
            when(not(laneValid), () -> assign(out, sint(0, aw)))
                    .elseWhen(s5.store, () -> assign(out, stored))
                    .otherwise(() -> assign(out, read));
            fresh[l] = out;
        }
        // Assemble the groups of a word; the last group's lanes go to the queue directly (into the
        // held entry with serial multipliers).
        if (assembledLast != null) {
            when(s5.valid, () -> assign(assembledLast, s5.last));
        }
        Bits word = asBits(assembledLast != null ? assembledLast : s5.last);
        for (int j = 0; j < cols; j++) {
            int g = j / lanes;
            SInt laneOut = fresh[j % lanes];
            if (sequential || (groups > 1 && g < groups - 1)) {
                SInt held = assembled[j];
                SInt value = laneOut;
                when(groups == 1 ? s5.valid : and(s5.valid, eq(s5.group, uint(g, widthOf(s5.group)))),
                        () -> assign(held, value));
                laneOut = held;
            }
            word = concat(laneOut, word);
        }
        queued = word;
        pushWord = groups > 1 ? and(s5.valid, eq(s5.group, uint(groups - 1, widthOf(s5.group)))) : s5.valid;
    }

    /**
     * With serial multipliers: S2 can take a group this cycle (its multiplier is idle). A method, not
     * a field, so the wire exists (and is named by its user) only where a user needs it.
     */
    Bool s2Free() {
        return not(s2.valid);
    }
}
