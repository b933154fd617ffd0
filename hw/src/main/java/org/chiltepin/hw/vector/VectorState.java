package org.chiltepin.hw.vector;

/** States of the vector unit's control ({@link VectorControl}). */
enum VectorState {
    /** Waiting for a command. */
    IDLE,
    /** The command is in its registers: checked here, answered at once when illegal. */
    CHECK,
    /** EXP, NORM, RMS: reading the scalar word. */
    SCALAR,
    /** The scalar's read data is valid. */
    SCALAR_WAIT,
    /** NORM: the divider computes the reciprocal. */
    DIVIDE,
    /** LOAD: rows from s_axis_data into the scratchpad. */
    LOAD,
    /** Rows through the lanes: elementwise ops, STORE, reductions. */
    SWEEP,
    /** RMS: the square root of the mean square. */
    ROOT,
    /** QUANT: the scale's exponent, one candidate per cycle. */
    QSEARCH,
    /** MAX, SUM, RMS: the result words are written; QUANT: its scale word. */
    FINISH,
    /** The response is offered. */
    RESPOND
}
