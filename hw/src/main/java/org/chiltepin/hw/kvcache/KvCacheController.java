package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Paged KV-cache memory controller with on-chip SRAM: block tables map each sequence's logical
 * pages to physical pages of {@code pageTokens} token rows, a free-page stack hands pages out and
 * takes them back, pages are shared between forked sequences by reference count and copied on the
 * first write into a shared page (copy-on-write). Parameters and legal ranges: {@link KvCacheConfig}.
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
 * <h2>Storage</h2>
 * Token row r = page·pageTokens + slot lives at address r / banks of bank r mod banks, in a K and
 * a V SRAM per bank (synchronous read, 1 cycle). The block table is a synchronous-read SRAM of
 * 2^seqBits × maxPagesPerSeq entries; lengths, last pages, reference counts and the free stack
 * are small asynchronous-read tables; sequence-valid flags are registers.
 *
 * <h2>AXI4 master backend ({@code backend = "axi"})</h2>
 * The K/V rows live in external memory; the tables stay on chip. Token row r occupies one data
 * word of {@code 2·rowBits} bits at byte address {@code r · 2·rowBits/8}: the K row in the low
 * half, the V row in the high half (the K row in {@code [rowBits−1:0]}). Ports {@code m_axi_aw*},
 * {@code m_axi_w*}, {@code m_axi_b*}, {@code m_axi_ar*}, {@code m_axi_r*} (AXI4, 32-bit
 * addresses, no IDs: every transaction uses ID 0, so responses come back in order), and
 * {@code axi_error} (sticky: a response other than OKAY, or RLAST on the wrong beat).
 * <ul>
 *   <li>Append: one single-beat write (AWLEN 0, full WSTRB) per token; one append per cycle while
 *       AWREADY and WREADY allow, up to 15 writes awaiting their B response.</li>
 *   <li>Gather: one INCR read burst per page run — from the first row to the end of its page,
 *       then whole pages, then the rest: AWLEN/ARLEN ≤ pageTokens − 1, a burst never leaves its
 *       page (pages are at most 4 KiB, so no burst crosses a 4 KiB boundary). Bursts are issued
 *       back to back (several outstanding); R beats go straight to {@code m_axis_row}
 *       ({@code RREADY = m_axis_row_ready}); the command completes after its last row. Reads
 *       start only when every earlier write has its B response (AXI does not order reads after
 *       writes).</li>
 *   <li>Copy-on-write: one read burst of the rows already in the shared page and one write burst
 *       of the same length to the new page, R beats feeding W directly.</li>
 * </ul>
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

    static final int S_INIT = 0;
    static final int S_IDLE = 1;
    static final int S_GATHER_SETUP = 2;
    static final int S_GATHER = 3;
    static final int S_WALK_READ = 4;
    static final int S_WALK_DO = 5;
    static final int S_WALK_FINISH = 6;
    static final int S_TRUNC_TAIL = 7;
    static final int S_COW_START = 8;
    static final int S_COW_COPY = 9;
    static final int S_COW_END = 10;
    static final int STATE_BITS = 4;

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
    private final int seqBits;
    private final int pageBits;
    private final int slotBits;
    private final int lpBits;
    private final int lenBits;
    private final int pagesBits;
    private final int poolBits;
    private final int refBits;
    private final int bankBits;

    public final Stream<Command> sAxisCmd;
    public final Stream<Response> mAxisRsp;
    public final Stream<Row> mAxisRow;

    // ---- storage
    final Mem<Bits>[] kMem;
    final Mem<Bits>[] vMem;
    final Mem<UInt> blockTable;
    final Mem<UInt> seqLength;
    final Mem<UInt> seqTail;
    final Mem<UInt> refCount;
    final Mem<UInt> freeStack;
    final Bool[] seqValid;
    /** Synchronous read data of each bank (registers). */
    final Bits[] kRd;
    final Bits[] vRd;
    final UInt btRd;

    // ---- control registers
    final UInt state;
    final UInt initIdx;
    final UInt freeCount;
    final UInt highWater;
    final Bool rowValid;
    final Bool rowLast;
    final Bool rowKv;
    final UInt rdBank;
    final UInt gSlot;
    final UInt gLp;
    final UInt gRemaining;
    final UInt curPage;
    /** SRAM gather: the current page's block-table entry is the block-table read register. */
    final Bool pageInBt;
    final UInt walkLp;
    final UInt walkEnd;
    final UInt forkChild;
    final UInt cowOld;
    final UInt cowNew;
    final UInt copyIdx;
    final Bool rspValid;
    final UInt rspStatus;
    final UInt rspOp;
    final UInt rspSeq;
    final UInt rspLength;
    final UInt rspPages;
    final UInt rspFreePages;
    final UInt rspHighWater;

    // ---- combinational control
    final Bool accept;
    final Bool respond;
    final Bool rspFree;
    final Bool rowAdvance;
    final UInt rspStatusNext;
    final UInt rspSeqNext;
    final UInt rspLengthNext;
    final UInt rspPagesNext;
    final Bool pop;
    final Bool push;
    final UInt pushPage;
    final UInt freeCountNext;
    final UInt inUseNext;
    final Bool btRdEn;
    final UInt btRdAddr;
    final Bool btWrEn;
    final UInt btWrAddr;
    final UInt btWrData;
    final UInt rcRdAddr;
    final UInt rcRd;
    final Bool rcWrEn;
    final UInt rcWrAddr;
    final UInt rcWrData;
    final Bool lenWrEn;
    final UInt lenWrAddr;
    final UInt lenWrData;
    final Bool tailWrEn;
    final UInt tailWrAddr;
    final UInt tailWrData;
    final Bool stackWrEn;
    final UInt stackWrAddr;
    final UInt stackWrData;
    final Bool dRdEn;
    final UInt dRdAddr;
    final Bool dWrEn;
    final UInt dWrAddr;
    final Bits dWrK;
    final Bits dWrV;
    final Bool validSet;
    final Bool validClr;
    final UInt validIdx;

    // ---- AXI4 master backend (null with the SRAM backend)
    public final Bool mAxiAwvalid;
    public final Bool mAxiAwready;
    public final UInt mAxiAwaddr;
    public final UInt mAxiAwlen;
    public final UInt mAxiAwsize;
    public final Bits mAxiAwburst;
    public final Bool mAxiWvalid;
    public final Bool mAxiWready;
    public final Bits mAxiWdata;
    public final Bits mAxiWstrb;
    public final Bool mAxiWlast;
    public final Bool mAxiBvalid;
    public final Bool mAxiBready;
    public final Bits mAxiBresp;
    public final Bool mAxiArvalid;
    public final Bool mAxiArready;
    public final UInt mAxiAraddr;
    public final UInt mAxiArlen;
    public final UInt mAxiArsize;
    public final Bits mAxiArburst;
    public final Bool mAxiRvalid;
    public final Bool mAxiRready;
    public final Bits mAxiRdata;
    public final Bits mAxiRresp;
    public final Bool mAxiRlast;
    /** Sticky: an AXI response was not OKAY, or RLAST came on the wrong beat. */
    public final Bool axiError;
    final Bool axiErrorFlag;
    final Bool awPending;
    final UInt awAddrReg;
    final UInt awLenReg;
    final Bool wPending;
    final Bits wDataReg;
    final Bool arPending;
    final UInt arAddrReg;
    final UInt arLenReg;
    /** Write bursts issued whose B response has not arrived. */
    final UInt writesInFlight;
    /** Gather rows still to come on R. */
    final UInt rowsToDeliver;
    /** Page slot of the next R beat of a gather (for the RLAST check). */
    final UInt rxSlot;
    final Bool awLoad;
    final UInt awLoadAddr;
    final UInt awLoadLen;
    final Bool arLoad;
    final UInt arLoadAddr;
    final UInt arLoadLen;
    final Bool axiWriteReady;

    // ---- decoded command
    final Bool seqOk;
    final UInt len;
    final UInt tail;
    final UInt freeTop;
    final Bool seqSlotFree;
    final UInt lowestFreeSeq;
    final UInt lenPages;
    final UInt countPages;
    final UInt appendPages;
    final Bits appendK;
    final Bits appendV;
    final Bits copyK;
    final Bits copyV;

    @SuppressWarnings("unchecked")
    public KvCacheController(KvCacheConfig config) {
        this.config = config;
        seqBits = config.seqBits();
        pageBits = config.pageBits();
        slotBits = config.slotBits();
        lpBits = config.logicalPageBits();
        lenBits = config.lengthBits();
        pagesBits = config.pagesBits();
        poolBits = config.poolBits();
        refBits = config.refBits();
        bankBits = config.bankBits();
        final int banks = config.banks();
        final int rowBits = config.rowBits();
        final int pageTokens = config.pageTokens();
        final boolean axi = config.axi();

        sAxisCmd = slaveStream(type(() -> new Command(config)));
        mAxisRsp = masterStream(type(() -> new Response(config)));
        mAxisRow = masterStream(type(() -> new Row(config)));
        Command cmd = sAxisCmd.payload();

        // ------------------------------------------------------------ storage
        kMem = axi ? null : new Mem[banks];
        vMem = axi ? null : new Mem[banks];
        for (int b = 0; !axi && b < banks; b++) {
            kMem[b] = mem(bits(rowBits), config.numPages() * pageTokens / banks);
            vMem[b] = mem(bits(rowBits), config.numPages() * pageTokens / banks);
        }
        blockTable = mem(uint(pageBits), (1 << seqBits) * config.maxPagesPerSeq());
        seqLength = mem(uint(lenBits), 1 << seqBits);
        seqTail = mem(uint(pageBits), 1 << seqBits);
        refCount = mem(uint(refBits), config.numPages());
        freeStack = mem(uint(pageBits), config.numPages());
        seqValid = new Bool[config.maxSeqs()];
        for (int s = 0; s < seqValid.length; s++) {
            seqValid[s] = regInit(bool(), bool(false));
        }

        // ------------------------------------------------------------ registers
        state = regInit(uint(STATE_BITS), uint(S_INIT, STATE_BITS));
        initIdx = regInit(uint(pageBits), uint(0, pageBits));
        freeCount = regInit(uint(poolBits), uint(config.numPages(), poolBits));
        highWater = regInit(uint(poolBits), uint(0, poolBits));
        rowValid = axi ? null : regInit(bool(), bool(false));
        rowLast = axi ? null : reg(bool());
        rowKv = axi ? null : reg(bool());
        rdBank = !axi && bankBits > 0 ? reg(uint(bankBits)) : null;
        gSlot = reg(uint(slotBits));
        gLp = reg(uint(lpBits));
        gRemaining = reg(uint(lenBits));
        curPage = reg(uint(pageBits));
        pageInBt = axi ? null : reg(bool());
        walkLp = reg(uint(pagesBits));
        walkEnd = reg(uint(pagesBits));
        forkChild = reg(uint(seqBits));
        cowOld = reg(uint(pageBits));
        cowNew = reg(uint(pageBits));
        copyIdx = reg(uint(slotBits + 1));
        rspValid = regInit(bool(), bool(false));
        rspStatus = reg(uint(4));
        rspOp = reg(uint(3));
        rspSeq = reg(uint(seqBits));
        rspLength = reg(uint(lenBits));
        rspPages = reg(uint(pagesBits));
        rspFreePages = reg(uint(poolBits));
        rspHighWater = reg(uint(poolBits));

        // ------------------------------------------------------------ combinational defaults
        accept = bool();
        respond = bool();
        rspStatusNext = uint(4);
        rspSeqNext = uint(seqBits);
        rspLengthNext = uint(lenBits);
        rspPagesNext = uint(pagesBits);
        pop = bool();
        push = bool();
        pushPage = uint(pageBits);
        btRdEn = bool();
        btRdAddr = uint(seqBits + lpBits);
        btWrEn = bool();
        btWrAddr = uint(seqBits + lpBits);
        btWrData = uint(pageBits);
        rcRdAddr = uint(pageBits);
        rcWrEn = bool();
        rcWrAddr = uint(pageBits);
        rcWrData = uint(refBits);
        lenWrEn = bool();
        lenWrAddr = uint(seqBits);
        lenWrData = uint(lenBits);
        tailWrEn = bool();
        tailWrAddr = uint(seqBits);
        tailWrData = uint(pageBits);
        stackWrEn = bool();
        stackWrAddr = uint(pageBits);
        stackWrData = uint(pageBits);
        dRdEn = axi ? null : bool();
        dRdAddr = axi ? null : uint(pageBits + slotBits);
        dWrEn = bool();
        dWrAddr = uint(pageBits + slotBits);
        dWrK = bits(rowBits);
        dWrV = bits(rowBits);
        validSet = bool();
        validClr = bool();
        validIdx = uint(seqBits);

        assign(accept, bool(false));
        assign(respond, bool(false));
        assign(rspStatusNext, uint(ST_OK, 4));
        assign(rspSeqNext, cmd.seq);
        assign(rspLengthNext, uint(0, lenBits));
        assign(rspPagesNext, uint(0, pagesBits));
        assign(pop, bool(false));
        assign(push, bool(false));
        assign(pushPage, uint(0, pageBits));
        assign(btRdEn, bool(false));
        assign(btRdAddr, uint(0, seqBits + lpBits));
        assign(btWrEn, bool(false));
        assign(btWrAddr, uint(0, seqBits + lpBits));
        assign(btWrData, uint(0, pageBits));
        assign(rcWrEn, bool(false));
        assign(rcWrAddr, uint(0, pageBits));
        assign(rcWrData, uint(0, refBits));
        assign(lenWrEn, bool(false));
        assign(lenWrAddr, cmd.seq);
        assign(lenWrData, uint(0, lenBits));
        assign(tailWrEn, bool(false));
        assign(tailWrAddr, cmd.seq);
        assign(tailWrData, uint(0, pageBits));
        assign(stackWrEn, bool(false));
        assign(stackWrAddr, uint(0, pageBits));
        assign(stackWrData, uint(0, pageBits));
        if (!axi) {
            assign(dRdEn, bool(false));
            assign(dRdAddr, uint(0, pageBits + slotBits));
        }
        assign(dWrEn, bool(false));
        assign(dWrAddr, uint(0, pageBits + slotBits));
        assign(validSet, bool(false));
        assign(validClr, bool(false));
        assign(validIdx, cmd.seq);

        // ------------------------------------------------------------ table reads
        btRd = readSync(blockTable, btRdAddr, btRdEn);
        len = readAsync(seqLength, cmd.seq);
        tail = readAsync(seqTail, cmd.seq);
        rcRd = readAsync(refCount, rcRdAddr);
        freeTop = readAsync(freeStack, sub(resize(freeCount, pageBits), uint(1, pageBits)));
        kRd = axi ? null : new Bits[banks];
        vRd = axi ? null : new Bits[banks];
        UInt localAddr = axi ? null : bankBits > 0 ? slice(dRdAddr, pageBits + slotBits - 1, bankBits) : dRdAddr;
        for (int b = 0; !axi && b < banks; b++) {
            kRd[b] = readSync(kMem[b], localAddr, dRdEn);
            vRd[b] = readSync(vMem[b], localAddr, dRdEn);
        }

        // Sequence slot checks: valid flag of cmd.seq, lowest free slot.
        Bool ok = bool(false);
        for (int s = 0; s < seqValid.length; s++) {
            ok = or(ok, and(eq(cmd.seq, uint(s, seqBits)), seqValid[s]));
        }
        seqOk = ok;
        Bool anyFree = bool(false);
        UInt lowest = uint(0, seqBits);
        for (int s = seqValid.length - 1; s >= 0; s--) {
            lowest = mux(not(seqValid[s]), uint(s, seqBits), lowest);
            anyFree = or(anyFree, not(seqValid[s]));
        }
        seqSlotFree = anyFree;
        lowestFreeSeq = lowest;

        appendK = packLanes(cmd.k);
        appendV = packLanes(cmd.v);
        copyK = axi ? null : bankMux(kRd);
        copyV = axi ? null : bankMux(vRd);
        assign(dWrK, appendK);
        assign(dWrV, appendV);

        // ------------------------------------------------------------ response register
        rspFree = or(not(rspValid), mAxisRsp.ready());
        when(respond, () -> {
            assign(rspValid, bool(true));
            assign(rspStatus, rspStatusNext);
            assign(rspOp, cmd.op);
            assign(rspSeq, rspSeqNext);
            assign(rspLength, rspLengthNext);
            assign(rspPages, rspPagesNext);
        }).elseWhen(mAxisRsp.ready(), () -> assign(rspValid, bool(false)));
        assign(mAxisRsp.valid(), rspValid);
        Response rp = mAxisRsp.payload();
        assign(rp.status, rspStatus);
        assign(rp.op, rspOp);
        assign(rp.seq, rspSeq);
        assign(rp.length, rspLength);
        assign(rp.pages, rspPages);
        assign(rp.freePages, rspFreePages);
        assign(rp.highWater, rspHighWater);
        assign(sAxisCmd.ready(), accept);

        // ------------------------------------------------------------ AXI4 master ports
        final int dataBits = config.axiDataBits();
        final int addrBits = KvCacheConfig.AXI_ADDR_BITS;
        mAxiAwvalid = axi ? out(bool()) : null;
        mAxiAwready = axi ? in(bool()) : null;
        mAxiAwaddr = axi ? out(uint(addrBits)) : null;
        mAxiAwlen = axi ? out(uint(8)) : null;
        mAxiAwsize = axi ? out(uint(3)) : null;
        mAxiAwburst = axi ? out(bits(2)) : null;
        mAxiWvalid = axi ? out(bool()) : null;
        mAxiWready = axi ? in(bool()) : null;
        mAxiWdata = axi ? out(bits(dataBits)) : null;
        mAxiWstrb = axi ? out(bits(dataBits / 8)) : null;
        mAxiWlast = axi ? out(bool()) : null;
        mAxiBvalid = axi ? in(bool()) : null;
        mAxiBready = axi ? out(bool()) : null;
        mAxiBresp = axi ? in(bits(2)) : null;
        mAxiArvalid = axi ? out(bool()) : null;
        mAxiArready = axi ? in(bool()) : null;
        mAxiAraddr = axi ? out(uint(addrBits)) : null;
        mAxiArlen = axi ? out(uint(8)) : null;
        mAxiArsize = axi ? out(uint(3)) : null;
        mAxiArburst = axi ? out(bits(2)) : null;
        mAxiRvalid = axi ? in(bool()) : null;
        mAxiRready = axi ? out(bool()) : null;
        mAxiRdata = axi ? in(bits(dataBits)) : null;
        mAxiRresp = axi ? in(bits(2)) : null;
        mAxiRlast = axi ? in(bool()) : null;
        axiError = axi ? out(bool()) : null;
        axiErrorFlag = axi ? regInit(bool(), bool(false)) : null;
        awPending = axi ? regInit(bool(), bool(false)) : null;
        awAddrReg = axi ? reg(uint(addrBits)) : null;
        awLenReg = axi ? reg(uint(8)) : null;
        wPending = axi ? regInit(bool(), bool(false)) : null;
        wDataReg = axi ? reg(bits(dataBits)) : null;
        arPending = axi ? regInit(bool(), bool(false)) : null;
        arAddrReg = axi ? reg(uint(addrBits)) : null;
        arLenReg = axi ? reg(uint(8)) : null;
        writesInFlight = axi ? regInit(uint(4), uint(0, 4)) : null;
        rowsToDeliver = axi ? reg(uint(lenBits)) : null;
        rxSlot = axi ? reg(uint(slotBits)) : null;
        awLoad = axi ? bool() : null;
        awLoadAddr = axi ? uint(addrBits) : null;
        awLoadLen = axi ? uint(8) : null;
        arLoad = axi ? bool() : null;
        arLoadAddr = axi ? uint(addrBits) : null;
        arLoadLen = axi ? uint(8) : null;
        axiWriteReady = axi ? bool() : null;

        // ------------------------------------------------------------ gathered-row output
        if (!axi) {
            rowAdvance = or(not(rowValid), mAxisRow.ready());
            assign(mAxisRow.valid(), rowValid);
            Bits rowBitsOut = mux(rowKv, bankMux(vRd), bankMux(kRd));
            for (int i = 0; i < config.lanes(); i++) {
                assign(mAxisRow.payload().data[i], asSInt(slice(rowBitsOut, 8 * i + 7, 8 * i)));
            }
            assign(mAxisRow.payload().last, rowLast);
            when(and(rowValid, mAxisRow.ready()), () -> assign(rowValid, bool(false)));
        } else {
            // R beats of a gather go straight to m_axis_row; the K row is the word's low half.
            rowAdvance = null;
            Bool inGather = eq(state, uint(S_GATHER, STATE_BITS));
            assign(mAxisRow.valid(), and(mAxiRvalid, inGather));
            Bits half = mux(cmd.kv, slice(mAxiRdata, dataBits - 1, rowBits), slice(mAxiRdata, rowBits - 1, 0));
            for (int i = 0; i < config.lanes(); i++) {
                assign(mAxisRow.payload().data[i], asSInt(slice(half, 8 * i + 7, 8 * i)));
            }
            assign(mAxisRow.payload().last, eq(rowsToDeliver, uint(1, lenBits)));
            assign(awLoad, bool(false));
            assign(awLoadAddr, uint(0, addrBits));
            assign(awLoadLen, uint(0, 8));
            assign(arLoad, bool(false));
            assign(arLoadAddr, uint(0, addrBits));
            assign(arLoadLen, uint(0, 8));
            assign(axiWriteReady, and(and(or(not(awPending), mAxiAwready), or(not(wPending), mAxiWready)),
                    neq(writesInFlight, uint(15, 4))));
        }

        // ------------------------------------------------------------ the state machine
        UInt lenPlus1 = add(len, uint(1, lenBits));
        lenPages = uint(pagesBits);
        countPages = uint(pagesBits);
        appendPages = uint(pagesBits);
        UInt slotOfLen = slice(len, slotBits - 1, 0);
        UInt lpOfLen = slice(len, slotBits + lpBits - 1, slotBits);
        Bool pageFull = eq(slotOfLen, uint(0, slotBits));
        UInt firstLp = slice(cmd.first, slotBits + lpBits - 1, slotBits);
        UInt gatherEnd = add(resize(cmd.first, lenBits + 1), resize(cmd.count, lenBits + 1));
        assign(rcRdAddr, tail);
        assign(lenPages, pagesOf(len));
        assign(countPages, pagesOf(cmd.count));
        assign(appendPages, mux(pageFull, add(lenPages, uint(1, pagesBits)), lenPages));

        when(eq(state, uint(S_INIT, STATE_BITS)), () -> {
            assign(stackWrEn, bool(true));
            assign(stackWrAddr, initIdx);
            assign(stackWrData, initIdx);
            assign(initIdx, add(initIdx, uint(1, pageBits)));
            when(eq(initIdx, uint(config.numPages() - 1, pageBits)), () -> assign(state, uint(S_IDLE, STATE_BITS)));
        });

        Bool idleGo = and(sAxisCmd.valid(), rspFree);
        if (axi) {
            idleGo = and(idleGo, axiWriteReady);
        }
        when(and(eq(state, uint(S_IDLE, STATE_BITS)), idleGo), () -> {
            UInt op = cmd.op;
            when(eq(op, uint(OP_ALLOC, 3)), () -> {
                when(seqSlotFree, () -> {
                    assign(validSet, bool(true));
                    assign(validIdx, lowestFreeSeq);
                    assign(lenWrEn, bool(true));
                    assign(lenWrAddr, lowestFreeSeq);
                    assign(lenWrData, uint(0, lenBits));
                    assign(rspSeqNext, lowestFreeSeq);
                    finish();
                }).otherwise(() -> fail(ST_TABLE_FULL));
            }).elseWhen(eq(op, uint(OP_APPEND, 3)), () -> {
                Bool shared = gt(rcRd, uint(1, refBits));
                when(not(seqOk), () -> fail(ST_BAD_SEQ))
                        .elseWhen(eq(len, uint(config.maxTokens(), lenBits)), () -> fail(ST_SEQ_FULL))
                        .elseWhen(and(or(pageFull, shared), eq(freeCount, uint(0, poolBits))), () -> fail(ST_NO_PAGES))
                        .elseWhen(pageFull, () -> {
                            // Open a new page: pop the pool, record it in the block table.
                            assign(pop, bool(true));
                            assign(btWrEn, bool(true));
                            assign(btWrAddr, asUInt(concat(cmd.seq, lpOfLen)));
                            assign(btWrData, freeTop);
                            assign(rcWrEn, bool(true));
                            assign(rcWrAddr, freeTop);
                            assign(rcWrData, uint(1, refBits));
                            assign(tailWrEn, bool(true));
                            assign(tailWrData, freeTop);
                            assign(dWrEn, bool(true));
                            assign(dWrAddr, asUInt(concat(freeTop, uint(0, slotBits))));
                            appended(lenPlus1);
                        }).elseWhen(shared, () -> assign(state, uint(S_COW_START, STATE_BITS)))
                        .otherwise(() -> {
                            assign(dWrEn, bool(true));
                            assign(dWrAddr, asUInt(concat(tail, slotOfLen)));
                            appended(lenPlus1);
                        });
            }).elseWhen(eq(op, uint(OP_GATHER, 3)), () -> {
                when(not(seqOk), () -> fail(ST_BAD_SEQ))
                        .elseWhen(gt(gatherEnd, resize(len, lenBits + 1)), () -> fail(ST_RANGE))
                        .elseWhen(eq(cmd.count, uint(0, lenBits)), () -> finishWithLength(len, lenPages))
                        .otherwise(() -> {
                            assign(btRdEn, bool(true));
                            assign(btRdAddr, asUInt(concat(cmd.seq, firstLp)));
                            assign(gSlot, slice(cmd.first, slotBits - 1, 0));
                            assign(gLp, firstLp);
                            assign(gRemaining, cmd.count);
                            if (axi) {
                                assign(rowsToDeliver, cmd.count);
                                assign(rxSlot, slice(cmd.first, slotBits - 1, 0));
                            }
                            if (axi) {
                                assign(state, uint(S_GATHER_SETUP, STATE_BITS));
                            } else {
                                assign(pageInBt, bool(true));
                                assign(state, uint(S_GATHER, STATE_BITS));
                            }
                        });
            }).elseWhen(eq(op, uint(OP_TRUNCATE, 3)), () -> {
                when(not(seqOk), () -> fail(ST_BAD_SEQ))
                        .elseWhen(gt(cmd.count, len), () -> fail(ST_RANGE))
                        .otherwise(() -> startWalk(countPages, lenPages));
            }).elseWhen(eq(op, uint(OP_FREE, 3)), () -> {
                when(not(seqOk), () -> fail(ST_BAD_SEQ))
                        .otherwise(() -> startWalk(uint(0, pagesBits), lenPages));
            }).elseWhen(eq(op, uint(OP_FORK, 3)), () -> {
                when(not(seqOk), () -> fail(ST_BAD_SEQ))
                        .elseWhen(not(seqSlotFree), () -> fail(ST_TABLE_FULL))
                        .otherwise(() -> {
                            assign(forkChild, lowestFreeSeq);
                            startWalk(uint(0, pagesBits), lenPages);
                        });
            }).elseWhen(eq(op, uint(OP_QUERY, 3)), () -> {
                when(not(seqOk), () -> fail(ST_BAD_SEQ)).otherwise(() -> finishWithLength(len, lenPages));
            }).otherwise(() -> finish()); // OP_STATS
        });

        // AXI gather: the first block-table entry arrived; read the next one while streaming.
        when(eq(state, uint(S_GATHER_SETUP, STATE_BITS)), () -> {
            assign(curPage, btRd);
            assign(btRdEn, bool(true));
            assign(btRdAddr, asUInt(concat(cmd.seq, add(gLp, uint(1, lpBits)))));
            assign(state, uint(S_GATHER, STATE_BITS));
        });
        if (axi) {
            gatherAxi(pageTokens, addrBits);
        }
        if (!axi) {
            // SRAM gather. While pageInBt, the current page's block-table entry is in btRd (just
            // read): use it directly, latch it, and read the next page's entry.
            when(eq(state, uint(S_GATHER, STATE_BITS)), () -> {
                Bool lastRow = eq(gRemaining, uint(1, lenBits));
                UInt page = mux(pageInBt, btRd, curPage);
                when(pageInBt, () -> {
                    assign(curPage, btRd);
                    assign(pageInBt, bool(false));
                    assign(btRdEn, bool(true));
                    assign(btRdAddr, asUInt(concat(cmd.seq, add(gLp, uint(1, lpBits)))));
                });
                when(and(rowAdvance, or(not(lastRow), rspFree)), () -> {
                    assign(dRdEn, bool(true));
                    assign(dRdAddr, asUInt(concat(page, gSlot)));
                    assign(rowValid, bool(true));
                    assign(rowLast, lastRow);
                    assign(rowKv, cmd.kv);
                    assign(gSlot, add(gSlot, uint(1, slotBits)));
                    assign(gRemaining, sub(gRemaining, uint(1, lenBits)));
                    when(eq(gSlot, uint(pageTokens - 1, slotBits)), () -> {
                        assign(gLp, add(gLp, uint(1, lpBits)));
                        // Page boundary: the prefetched entry becomes current, prefetch the one
                        // after; if the prefetch was only issued this cycle, take it next cycle.
                        when(pageInBt, () -> assign(pageInBt, bool(true))).otherwise(() -> {
                            assign(curPage, btRd);
                            assign(btRdEn, bool(true));
                            assign(btRdAddr, asUInt(concat(cmd.seq, add(gLp, uint(2, lpBits)))));
                        });
                    });
                    when(lastRow, () -> finishWithLength(len, lenPages));
                });
            });
        }

        // Walks over block-table entries walkLp..walkEnd-1: free/truncate release, fork shares.
        when(eq(state, uint(S_WALK_READ, STATE_BITS)), () -> {
            assign(btRdEn, bool(true));
            assign(btRdAddr, asUInt(concat(cmd.seq, resize(walkLp, lpBits))));
            assign(state, uint(S_WALK_DO, STATE_BITS));
        });
        when(eq(state, uint(S_WALK_DO, STATE_BITS)), () -> {
            assign(rcRdAddr, btRd);
            assign(rcWrEn, bool(true));
            assign(rcWrAddr, btRd);
            when(eq(cmd.op, uint(OP_FORK, 3)), () -> {
                assign(rcWrData, add(rcRd, uint(1, refBits)));
                assign(btWrEn, bool(true));
                assign(btWrAddr, asUInt(concat(forkChild, resize(walkLp, lpBits))));
                assign(btWrData, btRd);
            }).otherwise(() -> {
                assign(rcWrData, sub(rcRd, uint(1, refBits)));
                when(eq(rcRd, uint(1, refBits)), () -> {
                    assign(push, bool(true));
                    assign(pushPage, btRd);
                });
            });
            UInt nextLp = add(walkLp, uint(1, pagesBits));
            assign(walkLp, nextLp);
            assign(state, mux(eq(nextLp, walkEnd), uint(S_WALK_FINISH, STATE_BITS), uint(S_WALK_READ, STATE_BITS)));
        });
        when(eq(state, uint(S_WALK_FINISH, STATE_BITS)), () -> {
            when(eq(cmd.op, uint(OP_TRUNCATE, 3)), () -> {
                // Look up the new last page (only meaningful when it is partly filled).
                assign(btRdEn, bool(true));
                assign(btRdAddr, asUInt(concat(cmd.seq,
                        sub(resize(countPages, lpBits), uint(1, lpBits)))));
                assign(state, uint(S_TRUNC_TAIL, STATE_BITS));
            }).elseWhen(and(eq(cmd.op, uint(OP_FORK, 3)), rspFree), () -> {
                assign(validSet, bool(true));
                assign(validIdx, forkChild);
                assign(lenWrEn, bool(true));
                assign(lenWrAddr, forkChild);
                assign(lenWrData, len);
                assign(tailWrEn, bool(true));
                assign(tailWrAddr, forkChild);
                assign(tailWrData, tail);
                assign(rspSeqNext, forkChild);
                finishWithLength(len, lenPages);
            }).elseWhen(and(eq(cmd.op, uint(OP_FREE, 3)), rspFree), () -> {
                assign(validClr, bool(true));
                finish();
                assign(state, uint(S_IDLE, STATE_BITS));
            });
        });
        when(and(eq(state, uint(S_TRUNC_TAIL, STATE_BITS)), rspFree), () -> {
            assign(tailWrEn, bool(true));
            assign(tailWrData, btRd);
            assign(lenWrEn, bool(true));
            assign(lenWrData, cmd.count);
            finishWithLength(cmd.count, countPages);
        });

        // Copy-on-write: take a fresh page, copy the shared last page's rows, repoint the table.
        // The copy reuses the data read registers, so it waits for a gathered row to drain.
        if (!axi) {
            when(and(eq(state, uint(S_COW_START, STATE_BITS)), not(rowValid)), () -> {
                assign(pop, bool(true));
                assign(cowNew, freeTop);
                assign(cowOld, tail);
                assign(rcWrEn, bool(true));
                assign(rcWrAddr, freeTop);
                assign(rcWrData, uint(1, refBits));
                assign(copyIdx, uint(0, slotBits + 1));
                assign(state, uint(S_COW_COPY, STATE_BITS));
            });
            when(eq(state, uint(S_COW_COPY, STATE_BITS)), () -> {
                UInt rows = resize(slotOfLen, slotBits + 1);
                when(lt(copyIdx, rows), () -> {
                    assign(dRdEn, bool(true));
                    assign(dRdAddr, asUInt(concat(cowOld, resize(copyIdx, slotBits))));
                });
                when(neq(copyIdx, uint(0, slotBits + 1)), () -> {
                    assign(dWrEn, bool(true));
                    assign(dWrAddr, asUInt(concat(cowNew, sub(resize(copyIdx, slotBits), uint(1, slotBits)))));
                    assign(dWrK, copyK);
                    assign(dWrV, copyV);
                });
                assign(copyIdx, add(copyIdx, uint(1, slotBits + 1)));
                when(eq(copyIdx, rows), () -> assign(state, uint(S_COW_END, STATE_BITS)));
            });
        } else {
            copyOnWriteAxi(slotOfLen, addrBits);
        }
        when(eq(state, uint(S_COW_END, STATE_BITS)), () -> {
            assign(rcRdAddr, cowOld);
            assign(rcWrEn, bool(true));
            assign(rcWrAddr, cowOld);
            assign(rcWrData, sub(rcRd, uint(1, refBits)));
            assign(tailWrEn, bool(true));
            assign(tailWrData, cowNew);
            assign(btWrEn, bool(true));
            assign(btWrAddr, asUInt(concat(cmd.seq, lpOfLen)));
            assign(btWrData, cowNew);
            // Back to idle without accepting: the append is re-examined and now takes the fast path.
            assign(state, uint(S_IDLE, STATE_BITS));
        });

        // ------------------------------------------------------------ pool, tables, flags
        freeCountNext = mux(pop, sub(freeCount, uint(1, poolBits)),
                mux(push, add(freeCount, uint(1, poolBits)), freeCount));
        assign(freeCount, freeCountNext);
        inUseNext = sub(uint(config.numPages(), poolBits), freeCountNext);
        UInt highWaterNext = mux(gt(inUseNext, highWater), inUseNext, highWater);
        assign(highWater, highWaterNext);
        when(respond, () -> {
            assign(rspFreePages, freeCountNext);
            assign(rspHighWater, highWaterNext);
        });
        when(push, () -> {
            assign(stackWrEn, bool(true));
            assign(stackWrAddr, resize(freeCount, pageBits));
            assign(stackWrData, pushPage);
        });
        for (int s = 0; s < seqValid.length; s++) {
            Bool hit = eq(validIdx, uint(s, seqBits));
            Bool flag = seqValid[s];
            when(and(validSet, hit), () -> assign(flag, bool(true)))
                    .elseWhen(and(validClr, hit), () -> assign(flag, bool(false)));
        }
        write(blockTable, btWrAddr, btWrData, btWrEn);
        write(seqLength, lenWrAddr, lenWrData, lenWrEn);
        write(seqTail, tailWrAddr, tailWrData, tailWrEn);
        write(refCount, rcWrAddr, rcWrData, rcWrEn);
        write(freeStack, stackWrAddr, stackWrData, stackWrEn);
        UInt wrLocal = bankBits > 0 ? slice(dWrAddr, pageBits + slotBits - 1, bankBits) : dWrAddr;
        for (int b = 0; !axi && b < banks; b++) {
            Bool bankHit = bankBits > 0 ? eq(slice(dWrAddr, bankBits - 1, 0), uint(b, bankBits)) : bool(true);
            write(kMem[b], wrLocal, dWrK, and(dWrEn, bankHit));
            write(vMem[b], wrLocal, dWrV, and(dWrEn, bankHit));
        }
        if (rdBank != null) {
            when(dRdEn, () -> assign(rdBank, slice(dRdAddr, bankBits - 1, 0)));
        }
        if (axi) {
            axiChannels(addrBits, dataBits);
        }
    }

    /** Byte address of flat token row {@code row} (= page · pageTokens + slot) in external memory. */
    private UInt axiAddress(UInt row, int addrBits) {
        int shift = Integer.numberOfTrailingZeros(config.axiWordBytes());
        return resize(shiftLeft(row, shift), addrBits);
    }

    /**
     * Gather with the AXI backend: one INCR burst per page run (to the end of the page or of the
     * gather), issued as soon as the AR slot is free — several may be outstanding — while the
     * next page's block-table entry is prefetched as with SRAM. R beats go to m_axis_row; the
     * command completes when the last row has left. Reads wait for outstanding writes (AXI does
     * not order reads after writes).
     */
    private void gatherAxi(int pageTokens, int addrBits) {
        Command cmd = sAxisCmd.payload();
        when(eq(state, uint(S_GATHER, STATE_BITS)), () -> {
            UInt pageRest = sub(uint(pageTokens, slotBits + 1), resize(gSlot, slotBits + 1));
            Bool shortRun = lt(gRemaining, resize(pageRest, lenBits));
            UInt run = mux(shortRun, resize(gRemaining, slotBits + 1), pageRest);
            Bool arFree = or(not(arPending), mAxiArready);
            when(and(and(neq(gRemaining, uint(0, lenBits)), arFree), eq(writesInFlight, uint(0, 4))), () -> {
                assign(arLoad, bool(true));
                assign(arLoadAddr, axiAddress(asUInt(concat(curPage, gSlot)), addrBits));
                assign(arLoadLen, resize(sub(run, uint(1, slotBits + 1)), 8));
                assign(gRemaining, sub(gRemaining, resize(run, lenBits)));
                assign(gSlot, uint(0, slotBits));
                assign(curPage, btRd);
                assign(gLp, add(gLp, uint(1, lpBits)));
                assign(btRdEn, bool(true));
                assign(btRdAddr, asUInt(concat(cmd.seq, add(gLp, uint(2, lpBits)))));
            });
            Bool beat = and(mAxiRvalid, mAxisRow.ready());
            when(beat, () -> {
                assign(rowsToDeliver, sub(rowsToDeliver, uint(1, lenBits)));
                assign(rxSlot, add(rxSlot, uint(1, slotBits)));
                Bool lastExpected = or(eq(rxSlot, uint(pageTokens - 1, slotBits)), eq(rowsToDeliver, uint(1, lenBits)));
                when(or(neq(mAxiRlast, lastExpected), neq(mAxiRresp, asBits(uint(0, 2)))),
                        () -> assign(axiErrorFlag, bool(true)));
            });
            when(and(and(eq(gRemaining, uint(0, lenBits)), eq(rowsToDeliver, uint(0, lenBits))), rspFree),
                    () -> finishWithLength(len, lenPages));
        });
    }

    /**
     * Copy-on-write with the AXI backend: once every earlier write has completed, one read burst
     * of the rows already in the shared page and one write burst to the new page; R beats feed W
     * directly. Then the block table is repointed (S_COW_END, shared with SRAM).
     */
    private void copyOnWriteAxi(UInt slotOfLen, int addrBits) {
        Bool quiet = and(and(eq(writesInFlight, uint(0, 4)), not(arPending)), and(not(awPending), not(wPending)));
        UInt burstLen = resize(sub(slotOfLen, uint(1, slotBits)), 8);
        when(and(eq(state, uint(S_COW_START, STATE_BITS)), quiet), () -> {
            assign(pop, bool(true));
            assign(cowNew, freeTop);
            assign(cowOld, tail);
            assign(rcWrEn, bool(true));
            assign(rcWrAddr, freeTop);
            assign(rcWrData, uint(1, refBits));
            assign(copyIdx, uint(0, slotBits + 1));
            assign(arLoad, bool(true));
            assign(arLoadAddr, axiAddress(asUInt(concat(tail, uint(0, slotBits))), addrBits));
            assign(arLoadLen, burstLen);
            assign(awLoad, bool(true));
            assign(awLoadAddr, axiAddress(asUInt(concat(freeTop, uint(0, slotBits))), addrBits));
            assign(awLoadLen, burstLen);
            assign(state, uint(S_COW_COPY, STATE_BITS));
        });
        when(eq(state, uint(S_COW_COPY, STATE_BITS)), () -> {
            UInt rows = resize(slotOfLen, slotBits + 1);
            Bool lastBeat = eq(copyIdx, sub(rows, uint(1, slotBits + 1)));
            when(and(mAxiRvalid, mAxiWready), () -> {
                assign(copyIdx, add(copyIdx, uint(1, slotBits + 1)));
                when(or(neq(mAxiRlast, lastBeat), neq(mAxiRresp, asBits(uint(0, 2)))),
                        () -> assign(axiErrorFlag, bool(true)));
            });
            when(and(eq(copyIdx, rows), eq(writesInFlight, uint(0, 4))),
                    () -> assign(state, uint(S_COW_END, STATE_BITS)));
        });
    }

    /** The five AXI channels: AR, AW and W registers that hold until accepted; R and B. */
    private void axiChannels(int addrBits, int dataBits) {
        Bool copying = eq(state, uint(S_COW_COPY, STATE_BITS));
        Bool gathering = eq(state, uint(S_GATHER, STATE_BITS));
        // Appends write one word (K low, V high) through the AW/W registers.
        when(dWrEn, () -> {
            assign(awLoad, bool(true));
            assign(awLoadAddr, axiAddress(dWrAddr, addrBits));
            assign(awLoadLen, uint(0, 8));
        });
        when(awLoad, () -> {
            assign(awPending, bool(true));
            assign(awAddrReg, awLoadAddr);
            assign(awLenReg, awLoadLen);
        }).elseWhen(mAxiAwready, () -> assign(awPending, bool(false)));
        when(dWrEn, () -> {
            assign(wPending, bool(true));
            assign(wDataReg, concat(dWrV, dWrK));
        }).elseWhen(mAxiWready, () -> assign(wPending, bool(false)));
        when(arLoad, () -> {
            assign(arPending, bool(true));
            assign(arAddrReg, arLoadAddr);
            assign(arLenReg, arLoadLen);
        }).elseWhen(mAxiArready, () -> assign(arPending, bool(false)));
        Bool bDone = mAxiBvalid;
        when(and(awLoad, not(bDone)), () -> assign(writesInFlight, add(writesInFlight, uint(1, 4))))
                .elseWhen(and(bDone, not(awLoad)), () -> assign(writesInFlight, sub(writesInFlight, uint(1, 4))));
        when(and(bDone, neq(mAxiBresp, asBits(uint(0, 2)))), () -> assign(axiErrorFlag, bool(true)));

        int sizeCode = Integer.numberOfTrailingZeros(config.axiWordBytes());
        assign(mAxiAwvalid, awPending);
        assign(mAxiAwaddr, awAddrReg);
        assign(mAxiAwlen, awLenReg);
        assign(mAxiAwsize, uint(sizeCode, 3));
        assign(mAxiAwburst, asBits(uint(1, 2)));
        assign(mAxiWvalid, mux(copying, mAxiRvalid, wPending));
        assign(mAxiWdata, mux(copying, mAxiRdata, wDataReg));
        assign(mAxiWstrb, asBits(sint(-1, dataBits / 8)));
        assign(mAxiWlast, mux(copying, eq(copyIdx, sub(resize(slice(len, slotBits - 1, 0), slotBits + 1),
                uint(1, slotBits + 1))), bool(true)));
        assign(mAxiBready, bool(true));
        assign(mAxiArvalid, arPending);
        assign(mAxiAraddr, arAddrReg);
        assign(mAxiArlen, arLenReg);
        assign(mAxiArsize, uint(sizeCode, 3));
        assign(mAxiArburst, asBits(uint(1, 2)));
        assign(mAxiRready, or(and(gathering, mAxisRow.ready()), and(copying, mAxiWready)));
        assign(axiError, axiErrorFlag);
    }

    public KvCacheConfig config() {
        return config;
    }

    // ------------------------------------------------------------ helpers for the state machine

    /** Responds OK with length 0 and pages 0, accepts the command, returns to idle. */
    private void finish() {
        assign(respond, bool(true));
        assign(accept, bool(true));
    }

    private void finishWithLength(UInt length, UInt pages) {
        assign(rspLengthNext, length);
        assign(rspPagesNext, pages);
        finish();
        assign(state, uint(S_IDLE, STATE_BITS));
    }

    private void fail(int status) {
        assign(rspStatusNext, uint(status, 4));
        finish();
    }

    private void appended(UInt newLength) {
        assign(lenWrEn, bool(true));
        assign(lenWrData, newLength);
        finishWithLength(newLength, appendPages);
    }

    private void startWalk(UInt from, UInt to) {
        assign(walkLp, from);
        assign(walkEnd, to);
        assign(state, mux(eq(from, to), uint(S_WALK_FINISH, STATE_BITS), uint(S_WALK_READ, STATE_BITS)));
    }

    /** Pages needed for {@code length} tokens: ceil(length / pageTokens). */
    private UInt pagesOf(UInt length) {
        UInt whole = slice(length, lenBits - 1, slotBits);
        Bool partial = neq(slice(length, slotBits - 1, 0), uint(0, slotBits));
        return add(whole, resize(partial.asUInt(), pagesBits));
    }

    private Bits bankMux(Bits[] perBank) {
        Bits out = perBank[0];
        for (int b = 1; b < perBank.length; b++) {
            out = mux(eq(rdBank, uint(b, bankBits)), perBank[b], out);
        }
        return out;
    }

    private static Bits packLanes(SInt[] lanes) {
        Bits row = asBits(lanes[0]);
        for (int i = 1; i < lanes.length; i++) {
            row = concat(lanes[i], row);
        }
        return row;
    }

    private static SInt[] lanes(int n) {
        SInt[] s = new SInt[n];
        for (int i = 0; i < n; i++) {
            s[i] = sint(8);
        }
        return s;
    }
}
