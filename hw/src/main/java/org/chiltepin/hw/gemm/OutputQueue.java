package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hdl.Switch;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The {@link OutputUnit}'s result queue in front of {@code m_axis_data}: {@code depth} entries of
 * {@code {lanes, last}} in registers (an asynchronously read RAM maps to no iCE40 primitive), and
 * the credits that S0 spends when it issues a word and gets back when its entry leaves. A pushed
 * word is visible on {@code m_axis_data} the next cycle. With depth 1 (serial multipliers) the
 * entry is the {@link RequantPipeline}'s assembled word itself ({@code queue_full} says it is
 * complete), so a word is held once, not copied.
 */
final class OutputQueue extends HdlArea {
    final Bits[] queue;
    final UInt queuePush;
    final UInt queuePop;
    final UInt queueCount;
    /** Depth 1: the entry holds a word (null otherwise). */
    final Bool queueFull;
    final Bits queueHead;
    final Bool popped;
    /** The beat leaving is the command's last: the output unit may respond. */
    final Bool lastPopped;

    OutputQueue(GemmConfig config, int depth, RequantPipeline requant, Bool outIssue, Stream<GemmEngine.Row> mAxisData,
            UInt credits) {
        int cols = config.cols();
        int width = GemmConfig.ACC_WIDTH * cols + 1;
        int creditBits = widthOf(credits);
        Bool push = requant.pushWord;
        if (depth == 1) {
            // One entry: the word the requantization assembled in its own registers (serial
            // multipliers), held until it leaves; S0 issues the next word only with the credit back.
            queue = new Bits[0];
            queuePush = null;
            queuePop = null;
            queueCount = null;
            queueFull = named(regInit(bool(), bool(false)), "queue_full");
            queueHead = requant.queued;
            driveOutput(cols, mAxisData);
            popped = mAxisData.fire();
            when(push, () -> assign(queueFull, bool(true))).elseWhen(popped, () -> assign(queueFull, bool(false)));
            assign(mAxisData.valid(), queueFull);
            countCredits(popped, outIssue, credits, creditBits);
            lastPopped = and(popped, bit(queueHead, 0));
            return;
        }
        queueFull = null;
        int qBits = GemmConfig.log2(depth);
        queue = new Bits[depth];
        queuePush = regInit(uint(qBits), uint(0, qBits));
        queuePop = regInit(uint(qBits), uint(0, qBits));
        queueCount = regInit(uint(qBits + 1), uint(0, qBits + 1));
        Bits entry = requant.queued;
        for (int i = 0; i < depth; i++) {
            queue[i] = reg(bits(width));
        }
        queueHead = bits(width);
        Switch.on(queuePop, c -> {
            for (int i = 0; i < depth - 1; i++) {
                int slot = i;
                c.is(uint(i, qBits), () -> assign(queueHead, queue[slot]));
            }
            c.otherwise(() -> assign(queueHead, queue[depth - 1]));
        });
        for (int i = 0; i < depth; i++) {
            Bits slot = queue[i];
            when(and(push, eq(queuePush, uint(i, qBits))), () -> assign(slot, entry));
        }
        when(push, () -> assign(queuePush, add(queuePush, uint(1, qBits))));
        assign(mAxisData.valid(), neq(queueCount, uint(0, qBits + 1)));
        driveOutput(cols, mAxisData);
        popped = mAxisData.fire();
        when(popped, () -> assign(queuePop, add(queuePop, uint(1, qBits))));
        when(and(push, not(popped)), () -> assign(queueCount, add(queueCount, uint(1, qBits + 1))))
                .elseWhen(and(popped, not(push)), () -> assign(queueCount, sub(queueCount, uint(1, qBits + 1))));
        countCredits(popped, outIssue, credits, creditBits);
        lastPopped = and(popped, bit(queueHead, 0));
    }

    private void driveOutput(int cols, Stream<GemmEngine.Row> mAxisData) {
        assign(mAxisData.payload().last, bit(queueHead, 0));
        for (int j = 0; j < cols; j++) {
            assign(mAxisData.payload().c[j], asSInt(slice(queueHead, 32 * j + 32, 32 * j + 1)));
        }
    }

    /** A credit goes with each issued word and comes back when its entry leaves. */
    private static void countCredits(Bool popped, Bool outIssue, UInt credits, int creditBits) {
        when(and(popped, not(outIssue)), () -> assign(credits, add(credits, uint(1, creditBits))))
                .elseWhen(and(outIssue, not(popped)), () -> assign(credits, sub(credits, uint(1, creditBits))));
    }
}
