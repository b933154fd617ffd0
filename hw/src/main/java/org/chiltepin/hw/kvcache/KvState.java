package org.chiltepin.hw.kvcache;

/**
 * States of the controller's state machine ({@link KvCacheCore}); in the Verilog each is a
 * {@code localparam KvState_<NAME>} and the machine is one {@code case (state)}. The SRAM backend
 * has no {@link #GATHER_SETUP}.
 */
enum KvState {
    /** After reset: fills the free-page stack, one page per cycle. */
    INIT,
    /** Takes the next command; one-cycle commands (and every error) complete here. */
    IDLE,
    /** AXI gather: the first block-table entry has arrived; latch it, read the next. */
    GATHER_SETUP,
    /** Streams the gathered rows (the row store's work). */
    GATHER,
    /** Free, truncate, fork: read the block-table entry of the next page. */
    WALK_READ,
    /** Release (free, truncate) or share (fork) that page. */
    WALK_DO,
    /** Walk done: complete free and fork; truncate looks up its new last page. */
    WALK_FINISH,
    /** Truncate: record the new last page and length, respond. */
    TRUNC_TAIL,
    /** Copy-on-write: take a fresh page once the row store is free to copy. */
    COW_START,
    /** Copy the shared page's rows into it (the row store's work). */
    COW_COPY,
    /** Point the block table at the copy, drop a reference from the original. */
    COW_END
}
