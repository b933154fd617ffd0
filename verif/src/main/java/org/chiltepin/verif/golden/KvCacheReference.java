package org.chiltepin.verif.golden;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Golden model of the paged KV cache, written from the specification (issue 4 and
 * docs/kvcache.md), not from the hardware: physical pages of {@code pageTokens} token rows held
 * by sequences through block tables, a pool of free pages, reference-counted sharing after a
 * fork and copy-on-write on the first append into a shared page.
 *
 * <p>The model keeps page identities abstract (objects), so it checks behaviour — statuses,
 * lengths, pages held, pool counts and every gathered value — without prescribing which
 * physical page the hardware picks. Rows are int8 arrays of {@code lanes} values.
 */
public final class KvCacheReference {
    public static final int OP_ALLOC = 0;
    public static final int OP_APPEND = 1;
    public static final int OP_GATHER = 2;
    public static final int OP_TRUNCATE = 3;
    public static final int OP_FREE = 4;
    public static final int OP_FORK = 5;
    public static final int OP_QUERY = 6;
    public static final int OP_STATS = 7;

    public static final int OK = 0;
    public static final int NO_PAGES = 1;
    public static final int BAD_SEQ = 2;
    public static final int RANGE = 3;
    public static final int TABLE_FULL = 4;
    public static final int SEQ_FULL = 5;

    /** One command; unused fields are ignored by the operation. */
    public record Command(int op, int seq, boolean v, int first, int count, byte[] k, byte[] vRow) {
        public static Command alloc() {
            return new Command(OP_ALLOC, 0, false, 0, 0, null, null);
        }

        public static Command append(int seq, byte[] k, byte[] v) {
            return new Command(OP_APPEND, seq, false, 0, 0, k, v);
        }

        public static Command gather(int seq, boolean v, int first, int count) {
            return new Command(OP_GATHER, seq, v, first, count, null, null);
        }

        public static Command truncate(int seq, int length) {
            return new Command(OP_TRUNCATE, seq, false, 0, length, null, null);
        }

        public static Command free(int seq) {
            return new Command(OP_FREE, seq, false, 0, 0, null, null);
        }

        public static Command fork(int seq) {
            return new Command(OP_FORK, seq, false, 0, 0, null, null);
        }

        public static Command query(int seq) {
            return new Command(OP_QUERY, seq, false, 0, 0, null, null);
        }

        public static Command stats() {
            return new Command(OP_STATS, 0, false, 0, 0, null, null);
        }

        @Override
        public String toString() {
            return switch (op) {
                case OP_ALLOC -> "alloc";
                case OP_APPEND -> "append(" + seq + ")";
                case OP_GATHER -> "gather(" + seq + ", " + (v ? "V" : "K") + ", " + first + ", " + count + ")";
                case OP_TRUNCATE -> "truncate(" + seq + ", " + count + ")";
                case OP_FREE -> "free(" + seq + ")";
                case OP_FORK -> "fork(" + seq + ")";
                case OP_QUERY -> "query(" + seq + ")";
                default -> "stats";
            };
        }
    }

    /**
     * A response: {@code seq} is the new id for alloc/fork, else the command's; {@code length}
     * and {@code pages} describe the sequence after the command (0 on errors, free and stats);
     * {@code freePages} and {@code highWater} the pool after the command.
     */
    public record Response(int status, int op, int seq, int length, int pages, int freePages, int highWater) {
    }

    /** A response and, for a successful gather, the rows it streams. */
    public record Result(Response response, List<byte[]> rows) {
    }

    private static final class Page {
        final byte[][] k;
        final byte[][] v;
        int refs = 1;

        Page(int pageTokens) {
            k = new byte[pageTokens][];
            v = new byte[pageTokens][];
        }
    }

    private static final class Sequence {
        final List<Page> pages = new ArrayList<>();
        int length;
    }

    private final int pageTokens;
    private final int numPages;
    private final int maxSeqs;
    private final int maxPagesPerSeq;
    private final int lanes;
    private final Sequence[] seqs;
    private int freePages;
    private int highWater;

    public KvCacheReference(int pageTokens, int numPages, int maxSeqs, int maxPagesPerSeq, int lanes) {
        this.pageTokens = pageTokens;
        this.numPages = numPages;
        this.maxSeqs = maxSeqs;
        this.maxPagesPerSeq = maxPagesPerSeq;
        this.lanes = lanes;
        this.seqs = new Sequence[maxSeqs];
        this.freePages = numPages;
    }

    public int maxTokens() {
        return pageTokens * maxPagesPerSeq;
    }

    public int pageTokens() {
        return pageTokens;
    }

    public int maxSeqs() {
        return maxSeqs;
    }

    public int lanes() {
        return lanes;
    }

    public int freePages() {
        return freePages;
    }

    public int highWater() {
        return highWater;
    }

    /** Whether {@code seq} is an allocated sequence. */
    public boolean live(int seq) {
        return seq >= 0 && seq < maxSeqs && seqs[seq] != null;
    }

    /** Length of a live sequence (0 otherwise). */
    public int length(int seq) {
        return live(seq) ? seqs[seq].length : 0;
    }

    /** Pages held by a live sequence (0 otherwise). */
    public int pagesHeld(int seq) {
        return live(seq) ? seqs[seq].pages.size() : 0;
    }

    /** Live sequence ids, ascending. */
    public List<Integer> liveSeqs() {
        List<Integer> l = new ArrayList<>();
        for (int s = 0; s < maxSeqs; s++) {
            if (seqs[s] != null) {
                l.add(s);
            }
        }
        return l;
    }

    /** Applies one command and returns what the controller must answer. */
    public Result apply(Command c) {
        return switch (c.op()) {
            case OP_ALLOC -> alloc(c);
            case OP_APPEND -> append(c);
            case OP_GATHER -> gather(c);
            case OP_TRUNCATE -> truncate(c);
            case OP_FREE -> free(c);
            case OP_FORK -> fork(c);
            case OP_QUERY -> query(c);
            case OP_STATS -> done(c, OK, c.seq(), 0, 0);
            default -> throw new IllegalArgumentException("opcode " + c.op());
        };
    }

    private Result done(Command c, int status, int seq, int length, int pages) {
        return new Result(new Response(status, c.op(), seq, length, pages, freePages, highWater), List.of());
    }

    private Result error(Command c, int status) {
        return done(c, status, c.seq(), 0, 0);
    }

    private Result ok(Command c, int seq) {
        return done(c, OK, seq, seqs[seq].length, seqs[seq].pages.size());
    }

    private int lowestFreeId() {
        for (int s = 0; s < maxSeqs; s++) {
            if (seqs[s] == null) {
                return s;
            }
        }
        return -1;
    }

    private Page takePage() {
        freePages--;
        highWater = Math.max(highWater, numPages - freePages);
        return new Page(pageTokens);
    }

    private void release(Page p) {
        if (--p.refs == 0) {
            freePages++;
        }
    }

    private Result alloc(Command c) {
        int id = lowestFreeId();
        if (id < 0) {
            return error(c, TABLE_FULL);
        }
        seqs[id] = new Sequence();
        return ok(c, id);
    }

    private Result append(Command c) {
        if (!live(c.seq())) {
            return error(c, BAD_SEQ);
        }
        Sequence s = seqs[c.seq()];
        if (s.length == maxTokens()) {
            return error(c, SEQ_FULL);
        }
        int slot = s.length % pageTokens;
        boolean newPage = slot == 0;
        boolean shared = !newPage && s.pages.get(s.pages.size() - 1).refs > 1;
        if ((newPage || shared) && freePages == 0) {
            return error(c, NO_PAGES);
        }
        if (newPage) {
            s.pages.add(takePage());
        } else if (shared) {
            // Copy-on-write: the rows before the slot are copied, the shared page loses a holder.
            Page old = s.pages.get(s.pages.size() - 1);
            Page copy = takePage();
            for (int i = 0; i < slot; i++) {
                copy.k[i] = old.k[i];
                copy.v[i] = old.v[i];
            }
            old.refs--;
            s.pages.set(s.pages.size() - 1, copy);
        }
        Page last = s.pages.get(s.pages.size() - 1);
        last.k[slot] = Arrays.copyOf(c.k(), lanes);
        last.v[slot] = Arrays.copyOf(c.vRow(), lanes);
        s.length++;
        return ok(c, c.seq());
    }

    private Result gather(Command c) {
        if (!live(c.seq())) {
            return error(c, BAD_SEQ);
        }
        Sequence s = seqs[c.seq()];
        if ((long) c.first() + c.count() > s.length) {
            return error(c, RANGE);
        }
        List<byte[]> rows = new ArrayList<>(c.count());
        for (int t = c.first(); t < c.first() + c.count(); t++) {
            Page p = s.pages.get(t / pageTokens);
            rows.add((c.v() ? p.v : p.k)[t % pageTokens].clone());
        }
        return new Result(ok(c, c.seq()).response(), rows);
    }

    private Result truncate(Command c) {
        if (!live(c.seq())) {
            return error(c, BAD_SEQ);
        }
        Sequence s = seqs[c.seq()];
        if (c.count() > s.length) {
            return error(c, RANGE);
        }
        int keep = (c.count() + pageTokens - 1) / pageTokens;
        while (s.pages.size() > keep) {
            release(s.pages.remove(s.pages.size() - 1));
        }
        s.length = c.count();
        return ok(c, c.seq());
    }

    private Result free(Command c) {
        if (!live(c.seq())) {
            return error(c, BAD_SEQ);
        }
        for (Page p : seqs[c.seq()].pages) {
            release(p);
        }
        seqs[c.seq()] = null;
        return done(c, OK, c.seq(), 0, 0);
    }

    private Result fork(Command c) {
        if (!live(c.seq())) {
            return error(c, BAD_SEQ);
        }
        int id = lowestFreeId();
        if (id < 0) {
            return error(c, TABLE_FULL);
        }
        Sequence parent = seqs[c.seq()];
        Sequence child = new Sequence();
        for (Page p : parent.pages) {
            p.refs++;
            child.pages.add(p);
        }
        child.length = parent.length;
        seqs[id] = child;
        return ok(c, id);
    }

    private Result query(Command c) {
        if (!live(c.seq())) {
            return error(c, BAD_SEQ);
        }
        return ok(c, c.seq());
    }
}
