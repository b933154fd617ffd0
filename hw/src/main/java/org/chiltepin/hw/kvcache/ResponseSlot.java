package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The response register behind {@code m_axis_rsp}: one response, loaded in the cycle a command
 * completes ({@link #respond}, only while {@code rspFree}) and shown from the next cycle until it
 * is taken. The status, id, length and page count are chosen by the state machine (defaults: OK,
 * the command's id, 0, 0); the opcode is echoed; the pool fields are the pool after the command.
 */
final class ResponseSlot extends HdlArea {
    final Bool rspValid;
    final UInt rspStatus;
    final UInt rspOp;
    final UInt rspSeq;
    final UInt rspLength;
    final UInt rspPages;
    final UInt rspFreePages;
    final UInt rspHighWater;
    /** The slot is empty or its response is taken in this cycle. */
    final Bool rspFree;
    /** A command completes in this cycle: load its response. */
    final Bool respond;
    final UInt rspStatusNext;
    final UInt rspSeqNext;
    final UInt rspLengthNext;
    final UInt rspPagesNext;

    ResponseSlot(KvCacheConfig config, Stream<KvCacheController.Response> out, KvCacheController.Command cmd,
            FreePool pool) {
        int seqBits = config.seqBits();
        int lenBits = config.lengthBits();
        int pagesBits = config.pagesBits();
        int poolBits = config.poolBits();
        rspValid = regInit(bool(), bool(false));
        rspStatus = reg(uint(4));
        rspOp = reg(uint(3));
        rspSeq = reg(uint(seqBits));
        rspLength = reg(uint(lenBits));
        rspPages = reg(uint(pagesBits));
        rspFreePages = reg(uint(poolBits));
        rspHighWater = reg(uint(poolBits));
        respond = bool();
        rspStatusNext = uint(4);
        rspSeqNext = uint(seqBits);
        rspLengthNext = uint(lenBits);
        rspPagesNext = uint(pagesBits);
        assign(respond, bool(false));
        assign(rspStatusNext, uint(KvCacheController.ST_OK, 4));
        assign(rspSeqNext, cmd.seq);
        assign(rspLengthNext, uint(0, lenBits));
        assign(rspPagesNext, uint(0, pagesBits));

        rspFree = or(not(rspValid), out.ready());
        when(respond, () -> {
            assign(rspValid, bool(true));
            assign(rspStatus, rspStatusNext);
            assign(rspOp, cmd.op);
            assign(rspSeq, rspSeqNext);
            assign(rspLength, rspLengthNext);
            assign(rspPages, rspPagesNext);
            assign(rspFreePages, pool.freeCountNext);
            assign(rspHighWater, pool.highWaterNext);
        }).elseWhen(out.ready(), () -> assign(rspValid, bool(false)));
        assign(out.valid(), rspValid);
        KvCacheController.Response p = out.payload();
        assign(p.status, rspStatus);
        assign(p.op, rspOp);
        assign(p.seq, rspSeq);
        assign(p.length, rspLength);
        assign(p.pages, rspPages);
        assign(p.freePages, rspFreePages);
        assign(p.highWater, rspHighWater);
    }

    /** Completes the command: OK, length and pages 0 (unless set). */
    void ok() {
        assign(respond, bool(true));
    }

    /** Completes the command with OK and the sequence's {@code length} and {@code pages}. */
    void ok(UInt length, UInt pages) {
        assign(rspLengthNext, length);
        assign(rspPagesNext, pages);
        ok();
    }

    /** Completes the command with error {@code status}. */
    void fail(int status) {
        assign(rspStatusNext, uint(status, 4));
        ok();
    }
}
