package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.gemm.GemmEngine;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * A GEMM tile's READ_ACC beats as memory words (docs/chip.md §3.1): a beat of {@code cols} int32
 * lanes leaves as ⌈cols / 2⌉ words, word i holding lane 2i in bits 31..0 and lane 2i + 1 in bits
 * 63..32 (0 past the last lane) — the vector tile's memory layout (§3.3), so the vector tile can
 * LOAD the results as they are. The beat stays on the engine's stream (a valid payload is held
 * until taken) while {@link #accPart} steps through its words; the owner takes the beat from the
 * engine with the word where {@link #accLastPart} is high. No latency: the word of the current
 * part is combinational.
 */
final class AccWords extends HdlArea {
    /** The word of the current part of the engine's beat. */
    final Bits accWord;
    /** The current part is the beat's last word. */
    final Bool accLastPart;
    /** Which word of the beat is next (a register; null when a beat is one word, cols ≤ 2). */
    final UInt accPart;

    /**
     * @param row  the engine's result beat ({@code m_axis_data}'s payload)
     * @param take a word of a READ_ACC beat goes to the write packer in this cycle
     */
    AccWords(GemmEngine.Row row, Bool take) {
        int cols = row.c.length;
        int parts = (cols + 1) / 2;
        Bits[] pairs = new Bits[parts];
        for (int i = 0; i < parts; i++) {
            Bits low = asBits(row.c[2 * i]);
            Bits high = 2 * i + 1 < cols ? asBits(row.c[2 * i + 1]) : bitsLiteral(0, GemmConfig.ACC_WIDTH);
            pairs[i] = concat(high, low);
        }
        accWord = named(bits(ChipConfig.FLIT_WIDTH), "acc_word");
        accLastPart = named(bool(), "acc_last_part");
        if (parts == 1) {
            accPart = null;
            assign(accWord, pairs[0]);
            assign(accLastPart, bool(true));
            return;
        }
        int partBits = Integer.numberOfTrailingZeros(parts);
        accPart = regInit(uint(partBits), uint(0, partBits));
        Bits word = pairs[parts - 1];
        for (int i = parts - 2; i >= 0; i--) {
            word = mux(eq(accPart, uint(i, partBits)), pairs[i], word);
        }
        assign(accWord, word);
        assign(accLastPart, eq(accPart, uint(parts - 1, partBits)));
        // parts is a power of two: the counter wraps to 0 after the last part
        when(take, () -> assign(accPart, add(accPart, uint(1, partBits))));
    }
}
