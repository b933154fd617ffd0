package org.chiltepin.hw.kvcache;

/**
 * The opcodes of {@code s_axis_cmd_payload_op}, in opcode order (ALLOC = 0 … STATS = 7, as
 * {@link KvCacheController#OP_ALLOC} …); the core decodes the field into this enumeration, so the
 * Verilog reads {@code case (opcode) KvOp_APPEND: …}. FORK is {@code FORK_SEQ}: SpinalHDL renames a
 * constant that is a Verilog or VHDL keyword ({@code fork}) to {@code FORK_1}.
 */
enum KvOp {
    ALLOC, APPEND, GATHER, TRUNCATE, FREE, FORK_SEQ, QUERY, STATS
}
