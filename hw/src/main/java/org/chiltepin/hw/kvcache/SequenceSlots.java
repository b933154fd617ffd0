package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hdl.Switch;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The sequence slots: one allocated flag per sequence id ({@code seq_valid_i}), whether the
 * command's id is allocated, and the lowest free id. A slot is taken by {@link #allocate} and
 * given back by {@link #release}, each taking effect at the next clock edge; both are never
 * asked in the same cycle.
 */
final class SequenceSlots extends HdlArea {
    /** Sequence i is allocated (registers, reset to 0). */
    final Bool[] seqValid;
    /** Sequence i is free. */
    final Bool[] seqFree;
    /** The command's sequence id is allocated (an id ≥ maxSeqs is not). */
    final Bool seqOk;
    /** Some sequence id is free. */
    final Bool seqSlotFree;
    /** The lowest free id (0 when none is free). */
    final UInt lowestFreeSeq;
    final Bool validSet;
    final Bool validClr;
    final UInt validIdx;

    SequenceSlots(KvCacheConfig config, UInt cmdSeq) {
        int seqBits = config.seqBits();
        int n = config.maxSeqs();
        seqValid = new Bool[n];
        seqFree = new Bool[n];
        for (int s = 0; s < n; s++) {
            seqValid[s] = regInit(bool(), bool(false));
            seqFree[s] = not(seqValid[s]);
        }
        seqOk = bool();
        seqSlotFree = bool();
        lowestFreeSeq = uint(seqBits);
        validSet = bool();
        validClr = bool();
        validIdx = uint(seqBits);
        assign(validSet, bool(false));
        assign(validClr, bool(false));
        assign(validIdx, cmdSeq);

        assign(seqOk, bool(false));
        Switch.on(cmdSeq, c -> {
            for (int s = 0; s < n; s++) {
                Bool valid = seqValid[s];
                c.is(uint(s, seqBits), () -> assign(seqOk, valid));
            }
        });
        // Priority from the highest id down: the last (lowest) free id assigned wins.
        assign(seqSlotFree, bool(false));
        assign(lowestFreeSeq, uint(0, seqBits));
        for (int s = n - 1; s >= 0; s--) {
            int id = s;
            when(seqFree[s], () -> {
                assign(seqSlotFree, bool(true));
                assign(lowestFreeSeq, uint(id, seqBits));
            });
        }
        when(validSet, () -> setFlag(true)).elseWhen(validClr, () -> setFlag(false));
    }

    private void setFlag(boolean value) {
        Switch.on(validIdx, c -> {
            for (int s = 0; s < seqValid.length; s++) {
                Bool flag = seqValid[s];
                c.is(uint(s, widthOf(validIdx)), () -> assign(flag, bool(value)));
            }
        });
    }

    /** Marks {@code id} allocated from the next cycle on. */
    void allocate(UInt id) {
        assign(validSet, bool(true));
        assign(validIdx, id);
    }

    /** Marks the command's id free from the next cycle on. */
    void release() {
        assign(validClr, bool(true));
    }
}
