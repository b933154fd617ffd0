package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Axi4Port;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;
import spinal.lib.bus.amba4.axi.Axi4;

/**
 * Paged KV-cache memory controller, its rows in on-chip SRAM or, over AXI4, in external memory:
 * block tables map each sequence's logical pages to physical pages of {@code pageTokens} token
 * rows, a free-page stack hands pages out and takes them back, pages are shared between forked
 * sequences by reference count and copied on the first write into a shared page
 * (copy-on-write). Parameters and legal ranges: {@link KvCacheConfig}.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code clk}, {@code reset}: rising edge, synchronous active-high reset. After reset the
 *       controller fills its free-page stack for {@code numPages} cycles ({@code s_axis_cmd_ready}
 *       low), then takes commands.</li>
 *   <li>{@code s_axis_cmd_*} (valid/ready, in): {@code op} (3 bits, see {@link #OP_ALLOC} …),
 *       {@code seq} ({@code seqBits}), {@code kv} (gather: 0 = K, 1 = V), {@code first} and
 *       {@code count} ({@code lengthBits} each), {@code k_i} and {@code v_i} (int8, i &lt;
 *       kvHeads·headDim: the row an append writes). A command is accepted in the cycle its
 *       response is produced; multi-cycle commands (gather, truncate, free, fork, an append that
 *       copies a shared page) keep {@code ready} low until then, so the payload must stay stable
 *       (as the stream protocol requires anyway).</li>
 *   <li>{@code m_axis_rsp_*} (valid/ready, out): exactly one response per command, in command
 *       order: {@code status} (4 bits, {@link #ST_OK} …), {@code op} (echo), {@code seq} (the new
 *       id for alloc and fork, else the command's), {@code length} and {@code pages} (the
 *       sequence's tokens and pages after the command; 0 on errors, free and stats),
 *       {@code free_pages} and {@code high_water} (pool state after the command).</li>
 *   <li>{@code m_axis_row_*} (valid/ready, out): the rows of a gather, in token order:
 *       {@code data_i} (int8 lanes), {@code last} on the gather's final row. The gather's
 *       response is produced in the cycle its last row is read from SRAM, so it appears on
 *       {@code m_axis_rsp} in the same cycle as that row appears on {@code m_axis_row} (the two
 *       streams are independent; a consumer may take them in either order).</li>
 * </ul>
 *
 * <h2>Commands</h2>
 * ALLOC → lowest free id; APPEND(seq, k, v) writes token {@code length}, taking a page from the
 * pool only when the last page is full, copying the last page first when it is shared;
 * GATHER(seq, kv, first, count) streams rows first..first+count−1; TRUNCATE(seq, count) keeps
 * the first {@code count} tokens and releases the pages beyond; FREE(seq) releases every page;
 * FORK(seq) → a new id sharing all of seq's pages; QUERY(seq) → length, pages; STATS → pool.
 *
 * <h2>Statuses</h2>
 * {@link #ST_OK}, {@link #ST_NO_PAGES} (pool empty: append needing a page), {@link #ST_BAD_SEQ}
 * (id out of range or not allocated — includes use after free), {@link #ST_RANGE} (gather past
 * the end, truncate beyond the length), {@link #ST_TABLE_FULL} (alloc or fork with every
 * sequence slot taken), {@link #ST_SEQ_FULL} (append to a sequence holding maxTokens). An error
 * changes nothing.
 *
 * <h2>Timing</h2>
 * <ul>
 *   <li>Append, alloc, query, stats: one command per cycle (response 1 cycle later), including
 *       appends that open a new page. An append into a shared page first copies it and takes
 *       {@code rows + 5} cycles in all (rows = rows already in the page, see
 *       {@link #copyOnWriteAppendCycles}).</li>
 *   <li>Gather: 1 cycle of block-table lookup, then one row per cycle with no bubble at page
 *       boundaries (the next page's block-table entry is read while the current page streams);
 *       first row on {@code m_axis_row} 2 cycles after the command is presented. Back-pressure on
 *       {@code m_axis_row} stalls the gather.</li>
 *   <li>Free, fork: {@code 2·pages + 2} cycles ({@link #walkCycles}); truncate: 2 per page
 *       released + 3.</li>
 * </ul>
 *
 * <h2>Structure</h2>
 * One Verilog module, written as parts ({@link org.chiltepin.hdl.HdlArea}s) whose signals keep
 * their names: {@link KvCacheCore} (the state machine over {@link KvState}: checks, completes and
 * sequences every command), {@link KvTables} (block table: synchronous-read SRAM of
 * 2^seqBits × maxPagesPerSeq entries; lengths, last pages, reference counts: asynchronous-read
 * tables), {@link FreePool} (free-page stack and counters), {@link SequenceSlots} (allocated
 * flags), {@link ResponseSlot} (the response register), and a {@link RowStore} that holds and
 * moves the K/V rows: {@link SramRowStore} (banked on-chip SRAM, token row
 * r = page·pageTokens + slot at address r / banks of bank r mod banks, synchronous read) or
 * {@link AxiRowStore}.
 *
 * <h2>AXI4 master backend ({@code backend = "axi"})</h2>
 * The K/V rows live in external memory; the tables stay on chip. Token row r occupies one data
 * word of {@code 2·rowBits} bits at byte address {@code r · 2·rowBits/8}: the K row in the low
 * half, the V row in the high half. Port {@code m_axi} ({@link Axi4Port}: {@code m_axi_aw*},
 * {@code m_axi_w*}, {@code m_axi_b*}, {@code m_axi_ar*}, {@code m_axi_r*}; 32-bit addresses, no
 * IDs, so responses come back in order) and {@code axi_error} (sticky: a response other than OKAY,
 * or RLAST on the wrong beat). Appends are single-beat writes, up to 15 awaiting their B
 * response; a gather is one INCR burst per page run (ARLEN ≤ pageTokens − 1, never leaving its
 * page, several outstanding, started only when every earlier write has its B response); a copy
 * is one read and one write burst. Details: {@link AxiRowStore}.
 */
public final class KvCacheController extends Block {
    public static final int OP_ALLOC = 0;
    public static final int OP_APPEND = 1;
    public static final int OP_GATHER = 2;
    public static final int OP_TRUNCATE = 3;
    public static final int OP_FREE = 4;
    public static final int OP_FORK = 5;
    public static final int OP_QUERY = 6;
    public static final int OP_STATS = 7;

    public static final int ST_OK = 0;
    public static final int ST_NO_PAGES = 1;
    public static final int ST_BAD_SEQ = 2;
    public static final int ST_RANGE = 3;
    public static final int ST_TABLE_FULL = 4;
    public static final int ST_SEQ_FULL = 5;

    /**
     * Cycles from a gather command being presented (idle controller, free response slot, SRAM
     * backend) to its first row on {@code m_axis_row}: block-table read, data read.
     */
    public static final int GATHER_FIRST_ROW_LATENCY = 2;

    /** Cycles a free or fork of a sequence holding {@code pages} pages takes (truncate: one more). */
    public static int walkCycles(int pages) {
        return 2 * pages + 2;
    }

    /** Cycles an append into a shared page holding {@code rows} rows takes, the copy included. */
    public static int copyOnWriteAppendCycles(int rows) {
        return rows + 5;
    }

    /** Payload of {@code s_axis_cmd}. */
    public static final class Command extends HdlBundle {
        private final KvCacheConfig config;
        public final UInt op;
        public final UInt seq;
        public final Bool kv;
        public final UInt first;
        public final UInt count;
        public final SInt[] k;
        public final SInt[] v;

        public Command(KvCacheConfig config) {
            this.config = config;
            op = field("op", uint(3));
            seq = field("seq", uint(config.seqBits()));
            kv = field("kv", bool());
            first = field("first", uint(config.lengthBits()));
            count = field("count", uint(config.lengthBits()));
            k = fields("k", lanes(config.lanes()));
            v = fields("v", lanes(config.lanes()));
        }

        @Override
        protected Command copy() {
            return new Command(config);
        }
    }

    /** Payload of {@code m_axis_rsp}. */
    public static final class Response extends HdlBundle {
        private final KvCacheConfig config;
        public final UInt status;
        public final UInt op;
        public final UInt seq;
        public final UInt length;
        public final UInt pages;
        public final UInt freePages;
        public final UInt highWater;

        public Response(KvCacheConfig config) {
            this.config = config;
            status = field("status", uint(4));
            op = field("op", uint(3));
            seq = field("seq", uint(config.seqBits()));
            length = field("length", uint(config.lengthBits()));
            pages = field("pages", uint(config.pagesBits()));
            freePages = field("free_pages", uint(config.poolBits()));
            highWater = field("high_water", uint(config.poolBits()));
        }

        @Override
        protected Response copy() {
            return new Response(config);
        }
    }

    /** Payload of {@code m_axis_row}: one gathered K or V row. */
    public static final class Row extends HdlBundle {
        private final KvCacheConfig config;
        public final SInt[] data;
        public final Bool last;

        public Row(KvCacheConfig config) {
            this.config = config;
            data = fields("data", lanes(config.lanes()));
            last = field("last", bool());
        }

        @Override
        protected Row copy() {
            return new Row(config);
        }
    }

    private final KvCacheConfig config;

    public final Stream<Command> sAxisCmd;
    public final Stream<Response> mAxisRsp;
    public final Stream<Row> mAxisRow;
    /** The AXI4 master port {@code m_axi_*} (AXI backend; null with SRAM). */
    public final Axi4 mAxi;
    /** Sticky: an AXI response was not OKAY, or RLAST came on the wrong beat (AXI backend; null with SRAM). */
    public final Bool axiError;

    final KvTables tables;
    final FreePool pool;
    final SequenceSlots slots;
    final ResponseSlot rsp;
    final KvCacheCore core;
    final RowStore rows;

    public KvCacheController(KvCacheConfig config) {
        this.config = config;
        sAxisCmd = slaveStream(type(() -> new Command(config)));
        mAxisRsp = masterStream(type(() -> new Response(config)));
        mAxisRow = masterStream(type(() -> new Row(config)));
        mAxi = config.axi() ? Axi4Port.master(Axi4Port.config(KvCacheConfig.AXI_ADDR_BITS, config.axiDataBits())) : null;
        axiError = config.axi() ? out(bool()) : null;

        UInt seq = sAxisCmd.payload().seq;
        tables = new KvTables(config, seq);
        pool = new FreePool(config);
        slots = new SequenceSlots(config, seq);
        rsp = new ResponseSlot(config, mAxisRsp, sAxisCmd.payload(), pool);
        core = new KvCacheCore(config, sAxisCmd, tables, pool, slots, rsp);
        rows = RowStore.of(config, core, mAxisRow, mAxi, axiError);
        core.run(rows);
        pool.update();
        rows.finish();
    }

    public KvCacheConfig config() {
        return config;
    }

    static SInt[] lanes(int n) {
        SInt[] s = new SInt[n];
        for (int i = 0; i < n; i++) {
            s[i] = sint(8);
        }
        return s;
    }
}
