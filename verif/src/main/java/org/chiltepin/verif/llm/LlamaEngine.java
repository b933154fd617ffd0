package org.chiltepin.verif.llm;

import java.io.PrintWriter;

/**
 * Something that runs the model one position at a time: the float reference, the integer golden
 * model, or (later) the simulated chip. The host sends a token id and its position and gets the
 * greedy next token back, which is also what the chip's interface will be.
 */
public interface LlamaEngine {
    /** A short name for reports, e.g. "float" or "golden". */
    String name();

    /** The model this engine runs. */
    LlamaConfig config();

    /**
     * Runs {@code token} at position {@code pos} (0, 1, 2, ... in order; pos 0 starts a new
     * sequence) and returns the argmax of the logits, the first index on ties.
     */
    int step(int token, int pos);

    /** Engine-specific figures after a run (cycles, bytes, ...); nothing by default. */
    default void report(PrintWriter out) {
    }
}
