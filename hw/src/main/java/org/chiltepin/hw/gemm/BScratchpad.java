package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;

/**
 * The B scratchpad: one memory of {@code cols}-byte words, or, with the transposing LOAD_B
 * ({@link GemmConfig#transposeLoad()}), {@code cols} byte-wide lane memories ({@code b_mem_lane_j})
 * that share the address and have a write enable each, so one cycle can write one byte of one
 * lane (a transposed row's byte j into word base + j at lane t). Reads return the whole word
 * either way.
 */
final class BScratchpad {
    private final int cols;
    /** The single memory, or null with lanes. */
    final Mem<Bits> word;
    /** The lane memories, or null without the transposing load. */
    final Mem<Bits>[] lanes;

    @SuppressWarnings("unchecked")
    BScratchpad(GemmConfig config) {
        cols = config.cols();
        if (config.transposeLoad()) {
            word = null;
            lanes = new Mem[cols];
            for (int j = 0; j < cols; j++) {
                lanes[j] = mem(bits(GemmConfig.INPUT_WIDTH), config.bDepth());
            }
        } else {
            word = mem(bits(GemmConfig.INPUT_WIDTH * cols), config.bDepth());
            lanes = null;
        }
    }

    /** Writes lane j's byte {@code data[j]} at {@code address} where {@code enable[j]}. */
    void writeLanes(UInt address, Bits[] data, Bool[] enable) {
        for (int j = 0; j < cols; j++) {
            write(lanes[j], address, data[j], enable[j]);
        }
    }

    /** Writes the whole word (single memory only). */
    void writeWord(UInt address, Bits data, Bool enable) {
        write(word, address, data, enable);
    }

    /** The word at {@code address}, a cycle later; lane reads are named {@code <name>_lane_j}. */
    Bits read(UInt address, Bool enable, String name) {
        if (lanes == null) {
            return readSync(word, address, enable);
        }
        Bits w = bits(GemmConfig.INPUT_WIDTH * cols);
        UInt shared = named(address, name + "_addr"); // one address for every lane
        for (int j = 0; j < cols; j++) {
            Bits lane = named(readSync(lanes[j], shared, enable), name + "_lane_" + j);
            assign(slice(w, 8 * j + 7, 8 * j), lane);
        }
        return w;
    }
}
