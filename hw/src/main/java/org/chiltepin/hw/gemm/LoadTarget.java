package org.chiltepin.hw.gemm;

/** The memory a LOAD writes: the A or B scratchpad or the scale tables (a 2-bit encoding, in this order). */
enum LoadTarget {
    A, B, SCALE
}
