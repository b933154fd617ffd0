package org.chiltepin.hdl;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bool;
import spinal.core.SpinalEnum;
import spinal.core.SpinalEnumCraft;
import spinal.core.UInt;
import spinal.lib.bus.amba4.axi.Axi4;

/** Small blocks exercising the facade's spinal.lib pieces: enumerations, switches, areas, AXI4. */
final class LibToys {
    private LibToys() {
    }

    enum Phase { IDLE, LOAD, RUN, DONE }

    enum Op { INC, DEC, DOUBLE, CLEAR }

    /**
     * A counter driven by a 4-state machine: {@code go} in IDLE loads {@code start} (LOAD), RUN
     * applies {@code code} (decoded from raw bits) {@code steps} times, DONE raises {@code done} for
     * one cycle and returns to IDLE.
     */
    static final class Sequencer extends Block {
        final Bool go = in(bool());
        final UInt code = in(uint(2));
        final UInt start = in(uint(8));
        final UInt value = out(uint(8));
        final Bool done = out(bool());
        final HdlEnum<Phase> phases = HdlEnum.of(Phase.class);
        final HdlEnum<Op> ops = HdlEnum.of(Op.class);
        final SpinalEnumCraft<SpinalEnum> state = phases.regInit(Phase.IDLE);
        final SpinalEnumCraft<SpinalEnum> opcode = ops.fromBits(asBits(code));
        final UInt count = regInit(uint(8), uint(0, 8));
        final UInt steps = regInit(uint(2), uint(0, 2));
        final Bool lastStep = eq(steps, uint(3, 2));

        Sequencer() {
            phases.on(state, c -> c
                    .is(Phase.IDLE, () -> when(go, () -> phases.set(state, Phase.LOAD)))
                    .is(Phase.LOAD, () -> {
                        assign(count, start);
                        phases.set(state, Phase.RUN);
                    })
                    .is(Phase.RUN, () -> {
                        ops.on(opcode, o -> o
                                .is(Op.INC, () -> assign(count, add(count, uint(1, 8))))
                                .is(Op.DEC, () -> assign(count, sub(count, uint(1, 8))))
                                .is(Op.DOUBLE, () -> assign(count, add(count, count)))
                                .is(Op.CLEAR, () -> assign(count, uint(0, 8))));
                        assign(steps, add(steps, uint(1, 2)));
                        when(lastStep, () -> phases.set(state, Phase.DONE));
                    })
                    .is(Phase.DONE, () -> phases.set(state, Phase.IDLE)));
            assign(done, phases.is(state, Phase.DONE));
            assign(value, count);
        }
    }

    /** A flat area: its fields are named as if the block declared them. */
    static final class Doubler extends HdlArea {
        final UInt twice;

        Doubler(UInt x) {
            twice = add(x, x);
        }
    }

    /** A prefixed area, used twice: {@code lo_held}, {@code hi_held}. */
    static final class Holder extends HdlArea {
        final UInt held;
        final Doubler doubler;

        Holder(UInt x, Bool enable) {
            super(true);
            held = regNextWhen(x, enable, uint(0, widthOf(x)));
            doubler = new Doubler(held);
        }
    }

    static final class Areas extends Block {
        final UInt a = in(uint(4));
        final Bool en = in(bool());
        final UInt sum = out(uint(4));
        final Holder lo;
        final Holder hi;

        Areas() {
            lo = new Holder(a, en);
            hi = new Holder(lo.held, en);
            assign(sum, add(lo.doubler.twice, hi.held));
        }
    }

    /** An AXI4 master whose channels are driven from and observed on plain ports. */
    static final class AxiMaster extends Block {
        final Bool go = in(bool());
        final Axi4 mAxi = Axi4Port.master(Axi4Port.config(32, 64));
        final Bool seen = out(bool());

        AxiMaster() {
            assign(mAxi.aw().valid(), go);
            assign(mAxi.aw().payload().addr(), uint(0x40, 32));
            assign(mAxi.aw().payload().len(), uint(0, 8));
            assign(mAxi.aw().payload().size(), uint(3, 3));
            assign(mAxi.aw().payload().burst(), asBits(uint(Axi4Port.BURST_INCR, 2)));
            assign(mAxi.w().valid(), go);
            assign(mAxi.w().payload().data(), asBits(uint(0, 64)));
            assign(mAxi.w().payload().strb(), asBits(uint(0xff, 8)));
            assign(mAxi.w().payload().last(), bool(true));
            assign(mAxi.b().ready(), bool(true));
            assign(mAxi.ar().valid(), bool(false));
            assign(mAxi.ar().payload().addr(), uint(0, 32));
            assign(mAxi.ar().payload().len(), uint(0, 8));
            assign(mAxi.ar().payload().size(), uint(3, 3));
            assign(mAxi.ar().payload().burst(), asBits(uint(Axi4Port.BURST_INCR, 2)));
            assign(mAxi.r().ready(), bool(true));
            Bool okay = eq(mAxi.b().payload().resp(), asBits(uint(Axi4Port.RESP_OKAY, 2)));
            Bool rIdle = and(not(mAxi.r().valid()), and(eq(mAxi.r().payload().data(), asBits(uint(0, 64))),
                    and(eq(mAxi.r().payload().resp(), asBits(uint(0, 2))), not(mAxi.r().payload().last()))));
            Bool ready = and(mAxi.aw().ready(), and(mAxi.w().ready(), mAxi.ar().ready()));
            assign(seen, and(and(mAxi.b().valid(), okay), or(rIdle, ready)));
        }
    }
}
